-- summary/state: the as-of date and import batch the KPI summary tables were built for,
-- and the latest import that changed a row: they are fresh when the two are the same.
-- No parameters.
SELECT s.as_of, s.batch_id,
	(SELECT max(batch_id) FROM import_batches WHERE status = 'imported' AND rows_inserted + rows_updated > 0) AS latest
FROM kpi_summary_state s
LIMIT 1;
