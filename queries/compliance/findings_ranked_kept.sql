-- compliance/findings_ranked_kept: one page of a ranked view without a filter, read from the
-- groups counted once after the audit (compliance_ranked_groups and compliance_ranked_scope,
-- migration 21; findings_ranked_build.sql) instead of grouping the findings: the same columns
-- as findings_ranked.sql, for audit $audit_id and grouping $grouping. No row at all when that
-- grouping of that audit is not counted (yet), or the audit's findings are gone (the audit keeps
-- those of its last few runs): ranked.ts then groups the findings.
-- Filled in by src/lib/server/compliance/findings/ranked.ts from a fixed list (never from the
-- URL): POS, the column with each group's place in the order asked for, that way
-- (pos_findings_desc, pos_severity_asc, …): the page is the groups whose place is in its range.
-- Parameters: $audit_id, $grouping, $limit, $offset.
WITH s AS (
	SELECT * FROM compliance_ranked_scope
	WHERE audit_id = $audit_id AND grouping = $grouping AND EXISTS (SELECT 1 FROM compliance_findings WHERE audit_id = $audit_id)
),
page AS (
	SELECT * FROM compliance_ranked_groups
	WHERE audit_id = $audit_id AND grouping = $grouping AND {{pos}} > $offset AND {{pos}} <= $offset + $limit
)
SELECT s.scope_findings, s.unranked, strftime(s.scope_first, '%Y-%m-%d') AS scope_first, strftime(s.scope_last, '%Y-%m-%d') AS scope_last,
	p.key, p.findings, p.violation, p.presumed_violation, p.risk_flag, p.accounts, p.customers, s.groups AS total,
	strftime(p.first, '%Y-%m-%d') AS first, strftime(p.latest, '%Y-%m-%d') AS latest,
	p.top_account, p.top_customer, p.top_findings, strftime(p.top_date, '%Y-%m-%d') AS top_date, p.weeks
FROM s
LEFT JOIN page p ON true
ORDER BY p.{{pos}};
