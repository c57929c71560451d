-- kpi/contact_load_distribution: the histogram of outbound contacts per account-week
-- (calendar weeks Monday–Sunday, UTC, of the accounts contacted that week) for the contacts
-- made in [$from, $to] (occurred_at, UTC): on all channels (channel 'all') and per channel
-- (the account-weeks of the accounts contacted on that channel that week). The top bucket
-- gathers every count from greatest(15, $threshold + 1) up ('15+' at the default threshold).
-- Rows: channel, contacts (the count as text: '1', '2', …, '15+'), account_weeks, and
-- over_threshold (true when the bucket's counts are above $threshold); only buckets with
-- account-weeks. The weeks at the ends of the period hold only the period's days, as in
-- kpi/contact_load.
-- Parameters: $from, $to (dates), $threshold (contacts a week); $segment, $product, $region,
-- $vulnerable, $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the
-- contacts counted. NULL means no filter.
WITH weeks AS (
	SELECT i.account_id, date_trunc('week', i.occurred_at::DATE)::DATE AS week, i.channel, count(*) AS contacts
	FROM interactions i JOIN accounts a USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
	GROUP BY ALL
),
account_weeks AS (
	SELECT 'all' AS channel, account_id, week, sum(contacts) AS contacts FROM weeks GROUP BY account_id, week
	UNION ALL
	SELECT channel, account_id, week, contacts FROM weeks
),
capped AS (
	SELECT channel, least(contacts, greatest(15, $threshold::INTEGER + 1)) AS n, contacts > $threshold::INTEGER AS over_threshold
	FROM account_weeks
)
SELECT channel,
	CASE WHEN n = greatest(15, $threshold::INTEGER + 1) THEN n || '+' ELSE n::VARCHAR END AS contacts,
	{{metrics:count(account_weeks)}},
	bool_and(over_threshold) AS over_threshold
FROM capped
GROUP BY channel, n
ORDER BY list_position(['all', 'call', 'ringless_voicemail', 'sms', 'email', 'push', 'in_app', 'letter'], channel), n;
