-- The audit whose findings the timeline marks: $audit_id when given, else the latest audit
-- that finished ('done'). Returns its status so that a running or failed audit can be named.
SELECT
	audit_id,
	strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at,
	strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at,
	strftime(period_from, '%Y-%m-%d') AS period_from,
	strftime(period_to, '%Y-%m-%d') AS period_to,
	packs,
	status
FROM compliance_audits
WHERE ($audit_id IS NULL AND status = 'done') OR audit_id = $audit_id
ORDER BY audit_id DESC
LIMIT 1
