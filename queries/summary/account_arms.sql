-- summary/account_arms: each assigned account's arms as the bits of kpi_arms (an account can be in
-- several experiments). Included inside (…) by summary/accounts and summary/refresh_accounts.
SELECT x.account_id, bit_or(1::UBIGINT << r.bit) AS arms
FROM experiment_assignments x JOIN kpi_arms r USING (experiment_id, variant)
GROUP BY 1
