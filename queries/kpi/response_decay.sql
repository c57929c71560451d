-- kpi/response_decay: for the k-th outbound contact of an episode (k = 1…15), how many
-- episodes had a k-th contact (contacts) and how many of those contacts were followed within
-- 72 hours by a response (responded). Episodes: started in [$from, $to], judged at $as_of.
-- An episode's contacts are its account's outbound contacts that match the contact filters,
-- from started_on to the episode's end (its cure or charge-off as known at $as_of, else
-- $as_of), by UTC date, numbered by occurred_at (ties by interaction_id). A response is, on
-- the same account, at an instant r with occurred_at ≤ r ≤ occurred_at + 72 hours (exactly
-- 72 h counts, 72 h and 1 s does not): a settled payment (paid_at), an inbound contact, or an
-- outbound message whose outcome is clicked or replied (the contact itself included). The
-- response need not match the contact filters.
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable,
-- $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the contacts
-- counted. NULL means no filter.
WITH e AS (
	SELECT d.episode_id, d.account_id, d.started_on,
		least(coalesce(CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END, $as_of::DATE),
			coalesce(CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END, $as_of::DATE)) AS ended_on
	FROM delinquencies d JOIN accounts a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
contact AS (
	SELECT e.episode_id, i.account_id, i.occurred_at,
		row_number() OVER (PARTITION BY e.episode_id ORDER BY i.occurred_at, i.interaction_id) AS contact_number
	FROM e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound'
		AND i.occurred_at >= $from::TIMESTAMPTZ -- implied by the line below; filters before the join
		AND i.occurred_at::DATE BETWEEN e.started_on AND e.ended_on
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
),
response AS (
	SELECT p.account_id, p.paid_at AS responded_at
	FROM payments p
	WHERE p.status = 'settled' AND p.paid_at >= $from::TIMESTAMPTZ AND p.account_id IN (SELECT account_id FROM e)
	UNION ALL
	SELECT i.account_id, i.occurred_at
	FROM interactions i
	WHERE i.occurred_at >= $from::TIMESTAMPTZ AND i.account_id IN (SELECT account_id FROM e)
		AND (i.direction = 'inbound' OR (i.direction = 'outbound' AND i.outcome IN ('clicked', 'replied')))
)
-- the first response at or after each contact: a response within 72 hours exists if and only
-- if the first one is within 72 hours
SELECT c.contact_number,
	count(*) AS contacts,
	count(*) FILTER (WHERE r.responded_at <= c.occurred_at + INTERVAL 72 HOUR) AS responded
FROM (SELECT * FROM contact WHERE contact_number <= 15) c
ASOF LEFT JOIN response r ON r.account_id = c.account_id AND r.responded_at >= c.occurred_at
GROUP BY 1
ORDER BY 1;
