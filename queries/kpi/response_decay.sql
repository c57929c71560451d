-- kpi/response_decay: for the k-th outbound contact of an episode (k = 1…15), how many episodes
-- had a k-th contact (contacts) and how many of those contacts were followed within 72 hours by
-- a response (responded), as kpi/episode_contacts numbers and judges them. Episodes: started in
-- [$from, $to], judged at $as_of. The contacts are numbered among all of the episode's outbound
-- contacts, whatever the filters: the decay is the account's, after k contacts of any kind; a
-- filter on contacts chooses which k-th contacts are counted (with channel sms: the k-th
-- contacts that were text messages), never their number. The response need not match the
-- filters. The raw-table path; kpi/summary_response_decay gives the same rows from the summary
-- table kpi_episode_contacts.
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable,
-- $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the contacts
-- counted. NULL means no filter.
WITH outbound AS (
	SELECT * FROM interactions WHERE direction = 'outbound'
),
e AS (
	SELECT d.episode_id, d.account_id, d.started_on, 0 AS first_number,
		least(coalesce(CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END, $as_of::DATE),
			coalesce(CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END, $as_of::DATE)) AS ended_on
	FROM delinquencies d JOIN accounts a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
{{include:kpi/episode_contacts}}
SELECT contact_number,
	count(*) AS contacts,
	count(*) FILTER (WHERE responded) AS responded
FROM answered
WHERE kpi_contact_match(channel, tone, template_id, agent_id, $channel, $tone, $template, $agent)
GROUP BY 1
ORDER BY 1;
