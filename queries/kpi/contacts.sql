-- kpi/contacts: counts behind the contact KPIs in the period [$from, $to] (dates, UTC):
-- accounts contacted, outbound contacts, outbound calls and conversations, complaints
-- received, and opt-out events of the contacted accounts' customers.
-- Parameters: $from, $to; $segment, $product, $region, $vulnerable (NULL = all).
WITH acc AS (
	SELECT account_id, customer_id FROM accounts a
	WHERE ($segment IS NULL OR a.segment = $segment)
		AND ($product IS NULL OR a.product = $product)
		AND ($region IS NULL OR a.region = $region)
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
),
outbound AS (
	SELECT i.account_id, i.channel, i.outcome
	FROM interactions i JOIN acc USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
)
SELECT
	(SELECT count(DISTINCT account_id) FROM outbound) AS accounts_contacted,
	(SELECT count(*) FROM outbound) AS outbound_contacts,
	(SELECT count(*) FROM outbound WHERE channel = 'call') AS outbound_calls,
	(SELECT count(*) FROM outbound WHERE channel = 'call' AND outcome = 'conversation') AS conversations,
	(SELECT count(*) FROM complaints k JOIN acc USING (account_id) WHERE k.received_at::DATE BETWEEN $from::DATE AND $to::DATE) AS complaints,
	(SELECT count(*) FROM contact_preferences cp
		WHERE cp.kind = 'opt_out' AND cp.effective_at::DATE BETWEEN $from::DATE AND $to::DATE
		AND (cp.account_id IN (SELECT account_id FROM acc) OR (cp.account_id IS NULL AND cp.customer_id IN (SELECT customer_id FROM acc)))) AS opt_outs;
