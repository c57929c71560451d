-- compliance/findings_ranked_build: counts the ranked views of audit $audit_id without a filter,
-- once, right after the audit (src/lib/server/compliance/findings/ranked.ts, keepRankedGroups),
-- into compliance_ranked_groups and compliance_ranked_scope (migration 21). The same counts as
-- findings_ranked.sql with no filter, for every group instead of one page: per group the
-- findings in all and per kind, the first and last local dates, the accounts (debts) they are
-- about, for the accounts view the people they name, the findings per week ("YYYY-MM-DD=n"
-- words, the Monday) and the account with the most findings (the first by id among equals;
-- without a debt, the person) with its latest finding's date, into the temp table rk_g; then
-- into compliance_ranked_groups with its place in each order, computed over the numbers alone
-- (sorting the whole rows sixteen times took twice as long at 470,000 findings). Run on a
-- connection of its own, inside one transaction with the other groupings: the temp table rk_f
-- is made first (findings_ranked_build_source.sql).
-- Filled in by ranked.ts from fixed lists (never from a request): KEY, the key's expression
-- over rk_f (account_id, customer_id, agent_id, template_id, contact_point, rule_key);
-- COUNT_CUSTOMERS, TRUE for the accounts view; POSITIONS, each group's place in every order the
-- page offers, each way: row_number() OVER (ORDER BY …) AS pos_<order>_<desc|asc>, the ORDER BY
-- being the one findings_ranked.sql pages by (ranked.ts's rankedOrderSql), total as it ends in
-- the key, with the key as its place in key order (key_pos: numbers sort faster than text).
-- Parameters: $audit_id, $grouping (the grouping's name).
CREATE OR REPLACE TEMP TABLE rk_g AS
WITH g AS (
	SELECT {{key}} AS key, kind, local_date, customer_id, account_id
	FROM rk_f
	WHERE {{key}} IS NOT NULL
),
r AS (
	SELECT key,
		{{include:compliance/findings_ranked_counts}}
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
	-- the words sorted as text are in the order of their weeks (each starts with its ISO date):
	-- string_agg(… ORDER BY week) sorts per group, which took 8 s for 200,000 groups
	SELECT key, array_to_string(list_sort(list(strftime(week, '%Y-%m-%d') || '=' || n)), ' ') AS weeks
	FROM (
		SELECT key, date_trunc('week', local_date) AS week, count(*) AS n
		FROM g
		GROUP BY ALL
	)
	GROUP BY key
)
SELECT $audit_id AS audit_id, $grouping AS grouping, r.key, r.findings, r.violation, r.presumed_violation, r.risk_flag,
	pa.accounts, coalesce(pc.customers, 0) AS customers, r.first, r.latest,
	pa.top.account_id AS top_account, pa.top.customer_id AS top_customer, pa.top.n AS top_findings, pa.top.last_date AS top_date, wk.weeks,
	row_number() OVER (ORDER BY r.key) AS key_pos
FROM r
JOIN pa ON pa.key = r.key
JOIN wk ON wk.key = r.key
LEFT JOIN pc ON pc.key = r.key;
INSERT INTO compliance_ranked_groups BY NAME
SELECT rk_g.* EXCLUDE (key_pos), p.* EXCLUDE (key_pos)
FROM rk_g
JOIN (
	SELECT key_pos, {{positions}}
	FROM rk_g
) p ON p.key_pos = rk_g.key_pos;
