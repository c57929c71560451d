-- store_overview: the row count of every data-contract table, the data's as-of moment
-- (the latest timestamp or date anywhere in the exported data: experiment assignments, which
-- the product writes when it launches an experiment, do not move it) and the last successful
-- import (an experiment launch writes its assignments under a batch of source 'launch': not an
-- import, left out).
-- No parameters.
WITH counts AS (
	SELECT 'accounts' AS table_name, count(*) AS row_count, max(greatest(opened_on, closed_on))::TIMESTAMPTZ AS latest FROM accounts
	UNION ALL SELECT 'delinquencies', count(*), max(greatest(started_on, cured_on, charged_off_on))::TIMESTAMPTZ FROM delinquencies
	UNION ALL SELECT 'interactions', count(*), max(occurred_at) FROM interactions
	UNION ALL SELECT 'payments', count(*), max(paid_at) FROM payments
	UNION ALL SELECT 'complaints', count(*), max(received_at) FROM complaints
	UNION ALL SELECT 'contact_preferences', count(*), max(effective_at) FROM contact_preferences
	UNION ALL SELECT 'experiment_assignments', count(*), max(assigned_at) FROM experiment_assignments
)
SELECT
	table_name,
	row_count,
	latest,
	(SELECT max(latest) FROM counts WHERE table_name <> 'experiment_assignments') AS as_of,
	(SELECT max(finished_at) FROM import_batches WHERE status = 'imported' AND source <> 'launch') AS last_import_at
FROM counts;
