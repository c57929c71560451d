-- kpi/contacts: counts behind the contact KPIs in the period [$from, $to] (dates, UTC):
-- accounts contacted, outbound contacts, outbound calls and right-party conversations,
-- complaints received (all, and through a regulator or ombudsman), and opt-out events of
-- the accounts in scope (an opt-out without an account covers all of the customer's).
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, episodes, complaints and opt-outs are
-- those of the accounts that had a matching outbound contact in the period.
WITH acc AS (
	SELECT a.* FROM accounts a
	WHERE ($segment IS NULL OR a.segment = $segment)
		AND ($product IS NULL OR a.product = $product)
		AND ($region IS NULL OR a.region = $region)
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
		AND ($experiment IS NULL OR a.account_id IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = $experiment AND ($arm IS NULL OR x.variant = $arm)))
),
-- with a filter on contacts: only the accounts that had a matching outbound contact in the period
reached AS (
	SELECT DISTINCT i.account_id FROM interactions i
	WHERE ($channel IS NOT NULL OR $tone IS NOT NULL OR $template IS NOT NULL OR $agent IS NOT NULL)
		AND i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND ($channel IS NULL OR i.channel = $channel)
		AND ($tone IS NULL OR i.tone = $tone)
		AND ($template IS NULL OR i.template_id = $template)
		AND ($agent IS NULL OR i.agent_id = $agent)
),
scope AS (
	SELECT * FROM acc
	WHERE ($channel IS NULL AND $tone IS NULL AND $template IS NULL AND $agent IS NULL) OR account_id IN (SELECT account_id FROM reached)
),
outbound AS (
	SELECT i.account_id, i.channel, i.outcome
	FROM interactions i JOIN scope USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND ($channel IS NULL OR i.channel = $channel)
		AND ($tone IS NULL OR i.tone = $tone)
		AND ($template IS NULL OR i.template_id = $template)
		AND ($agent IS NULL OR i.agent_id = $agent)
),
complaint AS (
	SELECT k.source FROM complaints k JOIN scope USING (account_id)
	WHERE k.received_at::DATE BETWEEN $from::DATE AND $to::DATE
),
opt_out AS (
	SELECT cp.event_id FROM contact_preferences cp JOIN scope s ON s.account_id = cp.account_id
	WHERE cp.kind = 'opt_out' AND cp.effective_at::DATE BETWEEN $from::DATE AND $to::DATE
	UNION
	SELECT cp.event_id FROM contact_preferences cp JOIN scope s ON s.customer_id = cp.customer_id
	WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL AND cp.effective_at::DATE BETWEEN $from::DATE AND $to::DATE
)
SELECT
	(SELECT count(DISTINCT account_id) FROM outbound) AS accounts_contacted,
	(SELECT count(*) FROM outbound) AS outbound_contacts,
	(SELECT count(*) FROM outbound WHERE channel = 'call') AS outbound_calls,
	(SELECT count(*) FROM outbound WHERE channel = 'call' AND outcome = 'conversation') AS conversations,
	(SELECT count(*) FROM complaint) AS complaints,
	(SELECT count(*) FROM complaint WHERE source IN ('regulator', 'ombudsman')) AS complaints_via_regulator,
	(SELECT count(*) FROM opt_out) AS opt_outs;
