-- summary/events: rebuilds kpi_events, the complaints and opt-out events next to the
-- attributes (and number ak and arms, kpi_accounts) of the accounts they concern: a complaint concerns its account; an opt-out
-- without an account concerns every account of that customer (one row each, counted once
-- per event by event_id). src/lib/server/kpi/summaries.ts rebuilds it after every import.
-- No parameters.
CREATE OR REPLACE TABLE kpi_events AS
SELECT 'complaint' AS kind, k.complaint_id AS event_id, k.received_at::DATE AS day, k.account_id,
	k.category, k.source, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms
FROM complaints k JOIN kpi_accounts a USING (account_id)
UNION ALL
SELECT 'opt_out', cp.event_id, cp.effective_at::DATE, a.account_id, NULL, NULL, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms
FROM contact_preferences cp JOIN kpi_accounts a ON a.account_id = cp.account_id
WHERE cp.kind = 'opt_out'
UNION ALL
SELECT 'opt_out', cp.event_id, cp.effective_at::DATE, a.account_id, NULL, NULL, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms
FROM contact_preferences cp JOIN kpi_accounts a ON a.customer_id = cp.customer_id
WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL
ORDER BY day;
