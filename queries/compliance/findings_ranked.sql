-- compliance/findings_ranked: the ranked views. The findings of audit $audit_id that match the
-- filters (findings_scope.sql) grouped by one value (the key: an account, customer, agent,
-- template, contact number, or pack and rule), counted in all and per kind, with their first and
-- last local dates; one page of the groups in the order asked for; for the groups of that page,
-- the accounts they are about, the findings per week (the Monday of the local date, as
-- "YYYY-MM-DD=n" words) and the account with the most findings (the first by id among equals;
-- without a debt, the person), with its latest finding's date, for the link to its timeline. One
-- statement over the findings table alone, every value a bound parameter.
-- Filled in by src/lib/server/compliance/findings/ranked.ts from fixed lists (never from the
-- URL): KEY, the key's expression over the findings (f.account_id, f.customer_id, f.agent_id,
-- f.template_id, f.contact_point, or f.pack_id || '/' || f.rule_id); ORDER, the order of the
-- groups (each ending in the key, so it is total); RANK_ACCOUNTS, TRUE when the order is by the
-- accounts of each group (counting them for every group costs a second grouping), else FALSE;
-- COUNT_CUSTOMERS, TRUE for the accounts view (the people named by each account's findings).
-- Measured at 425,000 findings: a count(DISTINCT …) per group took most of the time, so the
-- accounts are counted by DISTINCT groupings, and those of the page from its own rows (acc).
-- A finding without a value for the key (no debt, agent, template or number) is in no group:
-- the one-row scope s counts them (unranked), with every finding in scope and the first and last
-- local dates; with no group on the page the statement returns that row alone (key NULL).
-- Parameters: those of findings_scope.sql, $limit, $offset.
WITH f AS ({{findings_scope}}),
g AS MATERIALIZED (
	SELECT {{key}} AS key, f.kind, f.local_date, f.customer_id, f.account_id
	FROM f
),
s AS (
	SELECT count(*) AS scope_findings, count(*) FILTER (WHERE key IS NULL) AS unranked,
		strftime(min(local_date), '%Y-%m-%d') AS scope_first, strftime(max(local_date), '%Y-%m-%d') AS scope_last
	FROM g
),
r AS (
	SELECT key,
		{{include:compliance/findings_ranked_counts}}
	FROM g
	WHERE key IS NOT NULL
	GROUP BY key
),
ka AS (
	SELECT key, count(*) AS accounts
	FROM (SELECT DISTINCT key, account_id FROM g WHERE {{rank_accounts}} AND key IS NOT NULL AND account_id IS NOT NULL)
	GROUP BY key
),
page AS (
	SELECT r.*, coalesce(ka.accounts, 0) AS accounts, count(*) OVER () AS total
	FROM r LEFT JOIN ka ON ka.key = r.key
	ORDER BY {{order}}
	LIMIT $limit OFFSET $offset
),
acc AS (
	SELECT g.key, g.account_id, min(g.customer_id) AS customer_id, count(*) AS n, max(g.local_date) AS last_date
	FROM g SEMI JOIN page ON page.key = g.key
	GROUP BY g.key, g.account_id
),
pc AS (
	SELECT key, count(DISTINCT customer_id) AS customers
	FROM g SEMI JOIN page ON page.key = g.key
	WHERE {{count_customers}}
	GROUP BY key
),
pa AS (
	SELECT key, count(account_id) AS accounts,
		arg_min({'account_id': account_id, 'customer_id': customer_id, 'n': n, 'last_date': last_date}, {'no_debt': account_id IS NULL, 'fewer': -n, 'account_id': account_id}) AS top
	FROM acc
	GROUP BY key
),
wk AS (
	SELECT key, string_agg(strftime(week, '%Y-%m-%d') || '=' || n, ' ' ORDER BY week) AS weeks
	FROM (
		SELECT g.key, date_trunc('week', g.local_date) AS week, count(*) AS n
		FROM g SEMI JOIN page ON page.key = g.key
		GROUP BY ALL
	)
	GROUP BY key
)
SELECT s.scope_findings, s.unranked, s.scope_first, s.scope_last,
	p.key, p.findings, p.violation, p.presumed_violation, p.risk_flag, coalesce(pa.accounts, 0) AS accounts, coalesce(pc.customers, 0) AS customers, p.total,
	strftime(p.first, '%Y-%m-%d') AS first, strftime(p.latest, '%Y-%m-%d') AS latest,
	pa.top.account_id AS top_account, pa.top.customer_id AS top_customer, pa.top.n AS top_findings, strftime(pa.top.last_date, '%Y-%m-%d') AS top_date,
	wk.weeks
FROM s
LEFT JOIN page p ON true
LEFT JOIN pa ON pa.key = p.key
LEFT JOIN pc ON pc.key = p.key
LEFT JOIN wk ON wk.key = p.key
ORDER BY {{order}};
