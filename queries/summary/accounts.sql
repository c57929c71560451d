-- summary/accounts: rebuilds kpi_arms and kpi_accounts, the accounts as every other summary
-- table carries them. kpi_arms numbers the experiment arms (experiment_id, variant) with a bit
-- 0–62, the most recently assigned first; kpi_accounts gives each account a number ak (the
-- summary tables join on it), its attributes, and arms, the bits of the arms it is assigned to
-- (an account can be in several experiments). An arm beyond the 63rd has no bit: a filter on it
-- reads the raw tables (src/lib/server/kpi/summary.ts summaryUsable). Rebuilt first, after every
-- import. No parameters.
CREATE OR REPLACE TABLE kpi_arms AS
SELECT (row_number() OVER (ORDER BY max(assigned_at) DESC, experiment_id, variant) - 1)::UTINYINT AS bit, experiment_id, variant
FROM experiment_assignments
GROUP BY experiment_id, variant
QUALIFY row_number() OVER (ORDER BY max(assigned_at) DESC, experiment_id, variant) <= 63;

CREATE OR REPLACE TABLE kpi_accounts AS
SELECT a.account_id, (row_number() OVER (ORDER BY a.account_id))::INTEGER AS ak, a.customer_id,
	a.segment, a.product, a.region, a.vulnerable, coalesce(x.arms, 0)::UBIGINT AS arms
FROM accounts a
LEFT JOIN (
	{{include:summary/account_arms}}
) x USING (account_id)
ORDER BY a.account_id;
