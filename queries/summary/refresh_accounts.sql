-- summary/refresh_accounts: the incremental refresh's first step: the accounts imported since
-- the summary tables were built join kpi_accounts, numbered after the others (the summary tables
-- never rely on the numbers' order), with the bits of their arms as summary/accounts gives them.
-- Parameters: $since (the last import batch the summary tables include).
INSERT INTO kpi_accounts BY NAME
SELECT a.account_id,
	((SELECT coalesce(max(ak), 0) FROM kpi_accounts) + row_number() OVER (ORDER BY a.account_id))::INTEGER AS ak,
	a.customer_id, a.segment, a.product, a.region, a.vulnerable, coalesce(x.arms, 0)::UBIGINT AS arms
FROM accounts a
LEFT JOIN (
	{{include:summary/account_arms}}
) x USING (account_id)
WHERE a.import_batch_id > $since AND a.account_id NOT IN (SELECT account_id FROM kpi_accounts);
