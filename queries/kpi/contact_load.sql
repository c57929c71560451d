-- kpi/contact_load: outbound contacts per account-week over the calendar weeks (Monday to
-- Sunday, UTC) that overlap [$from, $to], each week counted whole (a week is the unit of
-- the load, so the weeks at the period's edges count all their days), over account-weeks
-- with at least one contact, as a distribution:
-- how many account-weeks had each number of contacts. The median, 90th percentile, maximum
-- and the share above the threshold are read from it (src/lib/server/kpi/summary.ts).
-- Parameters: $from, $to (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all): the contacts counted are the matching ones.
WITH acc AS (
	SELECT a.* FROM accounts a
	WHERE kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
weeks AS (
	SELECT i.account_id, date_trunc('week', i.occurred_at::DATE) AS week, count(*) AS contacts
	FROM interactions i JOIN acc USING (account_id)
	WHERE i.direction = 'outbound'
		AND i.occurred_at >= date_trunc('week', $from::DATE)::TIMESTAMPTZ AND i.occurred_at < date_trunc('week', $to::DATE)::DATE + 7
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
	GROUP BY ALL
)
SELECT contacts, {{metrics:count(account_weeks)}}
FROM weeks
GROUP BY contacts
ORDER BY contacts;
