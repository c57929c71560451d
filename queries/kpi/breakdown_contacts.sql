-- kpi/breakdown_contacts: the KPIs per value of one contact attribute ($dimension:
-- channel, template_id or agent_id) for the outbound contacts made in [$from, $to]:
-- accounts contacted and outbound contacts with that value, outbound calls and right-party
-- conversations among them, and — for the accounts those contacts reached — the complaints
-- received in the period and the cure rates (30 and 60 days, mature episodes only) of
-- their episodes started in the period, judged at $as_of. An account reached by several
-- values counts under each.
-- $dimension comes from an allow-list in src/lib/server/kpi/charts.ts and is spliced in as
-- an identifier; every value is a bound parameter.
-- Parameters: $from, $to, $as_of; $segment, $product, $region, $vulnerable, $experiment,
-- $arm (NULL = all).
WITH acc AS (
	SELECT a.account_id FROM accounts a
	WHERE kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
c AS (
	SELECT coalesce(i.{{dimension}}, '(none)') AS value, i.account_id, i.channel, i.outcome
	FROM interactions i JOIN acc USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
),
ct AS (
	SELECT value, count(DISTINCT account_id) AS accounts_contacted, count(*) AS outbound_contacts,
		count(*) FILTER (WHERE channel = 'call') AS outbound_calls,
		count(*) FILTER (WHERE channel = 'call' AND outcome = 'conversation') AS conversations
	FROM c GROUP BY value
),
reached AS (SELECT DISTINCT value, account_id FROM c),
k AS (
	SELECT r.value, count(*) AS complaints
	FROM reached r JOIN complaints q USING (account_id)
	WHERE q.received_at::DATE BETWEEN $from::DATE AND $to::DATE
	GROUP BY 1
),
ep AS (
	SELECT r.value,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30) AS mature_30,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 30) AS cured_30,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60) AS mature_60,
		count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 60) AS cured_60
	FROM reached r JOIN delinquencies d USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
	GROUP BY 1
)
SELECT ct.value,
	coalesce(mature_30, 0) AS mature_30, coalesce(cured_30, 0) AS cured_30,
	coalesce(mature_60, 0) AS mature_60, coalesce(cured_60, 0) AS cured_60,
	accounts_contacted, outbound_contacts, outbound_calls, conversations,
	coalesce(complaints, 0) AS complaints
FROM ct LEFT JOIN ep USING (value) LEFT JOIN k USING (value)
ORDER BY ct.value;
