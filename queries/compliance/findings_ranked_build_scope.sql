-- compliance/findings_ranked_build_scope: the one row of compliance_ranked_scope of audit
-- $audit_id and grouping $grouping, written after its groups (findings_ranked_build.sql) in the same
-- transaction: every finding of the audit, those without a value for the key (in no group), the
-- first and last local dates, the number of groups, and how long counting them took ($built_ms).
-- KEY as in findings_ranked_build.sql. Reads the temp table rk_f.
-- Parameters: $audit_id, $grouping, $built_ms.
INSERT INTO compliance_ranked_scope
SELECT $audit_id, $grouping, count(*), count(*) FILTER (WHERE {{key}} IS NULL), min(local_date), max(local_date),
	(SELECT count(*) FROM compliance_ranked_groups WHERE audit_id = $audit_id AND grouping = $grouping), $built_ms
FROM rk_f;
