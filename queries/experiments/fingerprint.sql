-- experiments/fingerprint: what the statistics of experiment $experiment depend on besides
-- its definition and the as-of date: the latest import that changed a row (any table), and
-- the experiment's assignments (how many, the latest, and a hash of all of them, so that a
-- relaunch or a removed assignment shows). src/lib/server/experiments/analysis/cache.ts keeps the
-- statistics it computed and reuses them while this stays the same.
-- Parameters: $experiment (id).
SELECT
	(SELECT max(batch_id) FROM import_batches WHERE status = 'imported' AND rows_inserted + rows_updated > 0) AS batch_id,
	(SELECT max(audit_id) FROM compliance_audits WHERE status = 'done' AND period_from IS NULL AND period_to IS NULL) AS audit_id,
	count(*) AS assigned,
	max(assigned_at)::VARCHAR AS last_assigned_at,
	coalesce(sum(hash(account_id, variant, assigned_at)), 0)::VARCHAR AS assignments_hash
FROM experiment_assignments
WHERE experiment_id = $experiment;
