-- compliance/findings_ranked_build: counts the ranked views of audit $audit_id without a filter,
-- once, right after the audit (src/lib/server/compliance/findings/ranked.ts, keepRankedGroups),
-- into compliance_ranked_groups and compliance_ranked_scope (migration 21). The same counts as
-- findings_ranked.sql with no filter, for every group instead of one page: per group the
-- findings in all and per kind, the first and last local dates, the accounts (debts) they are
-- about, for the accounts view the people they name, the findings per week ("YYYY-MM-DD=n"
-- words, the Monday) and the account with the most findings (the first by id among equals;
-- without a debt, the person) with its latest finding's date. Run on a connection of its own,
-- inside one transaction with the other groupings: the temp table rk_f is made first
-- (findings_ranked_build_source.sql).
-- Filled in by ranked.ts from fixed lists (never from a request): KEY, the key's expression
-- over rk_f (account_id, customer_id, agent_id, template_id, contact_point, rule_key);
-- COUNT_CUSTOMERS, TRUE for the accounts view.
-- Parameters: $audit_id, $grouping (the grouping's name).
INSERT INTO compliance_ranked_groups
WITH g AS (
	SELECT {{key}} AS key, kind, local_date, customer_id, account_id
	FROM rk_f
	WHERE {{key}} IS NOT NULL
),
r AS (
	SELECT key,
		count(*) AS findings,
		count(*) FILTER (WHERE kind = 'violation') AS violation,
		count(*) FILTER (WHERE kind = 'presumed_violation') AS presumed_violation,
		count(*) FILTER (WHERE kind = 'risk_flag') AS risk_flag,
		min(local_date) AS first,
		max(local_date) AS latest
	FROM g
	GROUP BY key
),
acc AS (
	SELECT key, account_id, min(customer_id) AS customer_id, count(*) AS n, max(local_date) AS last_date
	FROM g
	GROUP BY key, account_id
),
pa AS (
	SELECT key, count(account_id) AS accounts,
		arg_min({'account_id': account_id, 'customer_id': customer_id, 'n': n, 'last_date': last_date}, {'no_debt': account_id IS NULL, 'fewer': -n, 'account_id': account_id}) AS top
	FROM acc
	GROUP BY key
),
pc AS (
	SELECT key, count(*) AS customers
	FROM (SELECT DISTINCT key, customer_id FROM g WHERE {{count_customers}})
	GROUP BY key
),
wk AS (
	SELECT key, string_agg(strftime(week, '%Y-%m-%d') || '=' || n, ' ' ORDER BY week) AS weeks
	FROM (
		SELECT key, date_trunc('week', local_date) AS week, count(*) AS n
		FROM g
		GROUP BY ALL
	)
	GROUP BY key
)
SELECT $audit_id, $grouping, r.key, r.findings, r.violation, r.presumed_violation, r.risk_flag,
	pa.accounts, coalesce(pc.customers, 0), r.first, r.latest,
	pa.top.account_id, pa.top.customer_id, pa.top.n, pa.top.last_date, wk.weeks
FROM r
JOIN pa ON pa.key = r.key
JOIN wk ON wk.key = r.key
LEFT JOIN pc ON pc.key = r.key;
