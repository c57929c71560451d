-- kpi/contact_load_distribution: the histogram of outbound contacts per account-week over the
-- calendar weeks (Monday–Sunday, UTC) that overlap [$from, $to], each week counted whole, as
-- kpi/contact_load counts the load (a week is the unit of the load): on all channels (channel
-- 'all') and per channel (the account-weeks of the accounts contacted on that channel that week).
-- The raw-table path; kpi/summary_contact_load_distribution gives the same rows from the summary
-- tables. Rows: as kpi/load_histogram says.
-- Parameters: $from, $to (dates), $threshold (contacts a week); $segment, $product, $region,
-- $vulnerable, $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the
-- contacts counted. NULL means no filter.
WITH weeks AS (
	SELECT i.account_id, date_trunc('week', i.occurred_at::DATE)::DATE AS week, i.channel, count(*) AS contacts
	FROM interactions i JOIN accounts a USING (account_id)
	WHERE i.direction = 'outbound'
		AND i.occurred_at >= date_trunc('week', $from::DATE)::TIMESTAMPTZ AND i.occurred_at < date_trunc('week', $to::DATE)::DATE + 7
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
	GROUP BY ALL
),
account_weeks AS (
	SELECT 'all' AS channel, sum(contacts) AS contacts, 1 AS n FROM weeks GROUP BY account_id, week
	UNION ALL
	SELECT channel, contacts, 1 FROM weeks
),
{{include:kpi/load_histogram}}
