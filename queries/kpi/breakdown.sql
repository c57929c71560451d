-- kpi/breakdown: the cure rates (30 and 60 days, mature episodes only), complaints and
-- contacts per value of one account attribute ($dimension: segment, product or region),
-- for the episodes started and the contacts made in [$from, $to], judged at $as_of: the
-- breakdown read from the raw tables (with a filter on contacts, the contacts counted are
-- the matching ones; episodes and complaints are all those of the accounts in scope).
-- Parameters: $from, $to, $as_of; every filter of the Overview (NULL = all).
-- $dimension comes from an allow-list in src/lib/server/kpi/charts.ts and is spliced in as
-- an identifier; every value is a bound parameter.
WITH a AS (
	SELECT account_id, {{dimension}} AS value FROM accounts
	WHERE kpi_account_match(account_id, segment, product, region, vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
ep AS (
	SELECT a.value,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30) AS mature_30,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 30) AS cured_30,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60) AS mature_60,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 60) AS cured_60
	FROM delinquencies d JOIN a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
	GROUP BY 1
),
ct AS (
	SELECT a.value, count(DISTINCT i.account_id) AS accounts_contacted, count(*) AS outbound_contacts,
		count(*) FILTER (WHERE i.channel = 'call') AS outbound_calls,
		count(*) FILTER (WHERE i.channel = 'call' AND i.outcome = 'conversation') AS conversations
	FROM interactions i JOIN a USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
	GROUP BY 1
),
k AS (
	SELECT a.value, count(*) AS complaints
	FROM complaints c JOIN a USING (account_id)
	WHERE c.received_at::DATE BETWEEN $from::DATE AND $to::DATE
	GROUP BY 1
)
SELECT coalesce(ep.value, ct.value, k.value) AS value,
	coalesce(mature_30, 0) AS mature_30, coalesce(cured_30, 0) AS cured_30,
	coalesce(mature_60, 0) AS mature_60, coalesce(cured_60, 0) AS cured_60,
	coalesce(accounts_contacted, 0) AS accounts_contacted, coalesce(outbound_contacts, 0) AS outbound_contacts,
	coalesce(outbound_calls, 0) AS outbound_calls, coalesce(conversations, 0) AS conversations,
	coalesce(complaints, 0) AS complaints
FROM ep FULL JOIN ct USING (value) FULL JOIN k USING (value)
ORDER BY 1;
