-- compliance/findings_ranked_values: the values the findings filters offer for audit $audit_id,
-- as kept when its ranked views were counted (compliance_ranked_values, migration 21;
-- findings_ranked_build_values.sql), in the order of findings_filter_values.sql (field, value).
-- counted is 0 when the audit is not counted (yet) or its findings are gone: the caller then
-- reads the findings (findings_filter_values.sql); with no value at all, one row with field NULL.
-- Parameters: $audit_id.
WITH s AS (
	SELECT count(*) AS counted FROM compliance_ranked_scope
	WHERE audit_id = $audit_id AND EXISTS (SELECT 1 FROM compliance_findings WHERE audit_id = $audit_id)
)
SELECT s.counted, v.field, v.value
FROM s
LEFT JOIN compliance_ranked_values v ON v.audit_id = $audit_id AND s.counted > 0
ORDER BY v.field, v.value;
