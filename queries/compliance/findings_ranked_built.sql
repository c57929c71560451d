-- compliance/findings_ranked_built: how many groupings of audit $audit_id are counted in
-- compliance_ranked_scope (migration 21; all six: nothing to count again).
-- Parameters: $audit_id.
SELECT count(*) AS n FROM compliance_ranked_scope WHERE audit_id = $audit_id;
