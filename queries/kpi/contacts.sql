-- kpi/contacts: counts behind the contact KPIs in the period [$from, $to] (dates, UTC):
-- accounts contacted, outbound contacts, outbound calls and right-party conversations,
-- complaints received (all, and through a regulator or ombudsman), and opt-out events of
-- the accounts in scope (an opt-out without an account covers all of the customer's).
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, episodes, complaints and opt-outs are
-- those of the accounts that had a matching outbound contact in the period.
WITH scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
),
outbound AS (
	SELECT i.account_id, i.channel, i.outcome
	FROM interactions i JOIN scope USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
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
