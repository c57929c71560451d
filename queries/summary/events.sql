-- summary/events: rebuilds kpi_events, the complaints and opt-out events next to the
-- attributes (and number ak and arms, kpi_accounts) of the accounts they concern: a complaint concerns its account; an opt-out
-- without an account concerns every account of that customer (one row each, counted once
-- per event by event_id). A complaint also holds its pressure: the bucket (src/lib/pressure.ts)
-- of its account's outbound contacts in the 7 days before it was received (the pressure chart).
-- src/lib/server/kpi/summaries.ts rebuilds it after every import.
-- No parameters.
CREATE OR REPLACE TABLE kpi_events AS
SELECT 'complaint' AS kind, k.complaint_id AS event_id, k.received_at::DATE AS day, k.account_id,
	k.category, k.source, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms,
	{{metrics:pressure_bucket(p.prior)}}::UTINYINT AS pressure
FROM complaints k JOIN kpi_accounts a USING (account_id)
JOIN (
	WITH pressure_complaints AS (SELECT * FROM complaints)
	{{include:summary/complaint_pressure}}
) p USING (complaint_id)
UNION ALL
SELECT 'opt_out', cp.event_id, cp.effective_at::DATE, a.account_id, NULL, NULL, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms, NULL
FROM contact_preferences cp JOIN kpi_accounts a ON a.account_id = cp.account_id
WHERE cp.kind = 'opt_out'
UNION ALL
SELECT 'opt_out', cp.event_id, cp.effective_at::DATE, a.account_id, NULL, NULL, a.segment, a.product, a.region, a.vulnerable, a.ak, a.arms, NULL
FROM contact_preferences cp JOIN kpi_accounts a ON a.customer_id = cp.customer_id
WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL
ORDER BY day;
