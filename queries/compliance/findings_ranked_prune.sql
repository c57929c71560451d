-- compliance/findings_ranked_prune: drops the counted ranked views and filter values (migration 21) of audit
-- $audit_id before they are counted again, and those of audits whose findings are gone (the
-- audit keeps the findings of its last few runs) or that are not among the $keep - 1 newest other
-- counted audits (with $audit_id's, $keep are kept). The scope rows go last: the others read them.
-- Parameters: $audit_id, $keep.
DELETE FROM compliance_ranked_groups
WHERE audit_id = $audit_id
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_findings)
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_ranked_scope WHERE audit_id <> $audit_id ORDER BY audit_id DESC LIMIT $keep - 1);
DELETE FROM compliance_ranked_values
WHERE audit_id = $audit_id
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_findings)
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_ranked_scope WHERE audit_id <> $audit_id ORDER BY audit_id DESC LIMIT $keep - 1);
DELETE FROM compliance_ranked_scope
WHERE audit_id = $audit_id
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_findings)
	OR audit_id NOT IN (SELECT DISTINCT audit_id FROM compliance_ranked_scope WHERE audit_id <> $audit_id ORDER BY audit_id DESC LIMIT $keep - 1);
