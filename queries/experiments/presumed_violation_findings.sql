-- experiments/presumed_violation_findings: the presumed violations of the latest finished audit
-- of all interactions in the DuckDB store, one row per finding (account_id, local_date), the
-- findings the experiments' presumed_violations metric counts (presumed_violations.sql). Copied
-- into another engine (src/lib/server/engines/load.ts, copyPresumedViolations) as
-- presumed_violation_findings, since the audit runs in DuckDB only; also read inside other
-- statements as a subquery (no closing semicolon). No parameters.
SELECT f.account_id AS account_id, f.local_date AS local_date
FROM compliance_findings f
WHERE f.kind = 'presumed_violation'
	AND f.audit_id = (SELECT max(audit_id) FROM compliance_audits WHERE status = 'done' AND period_from IS NULL AND period_to IS NULL)
