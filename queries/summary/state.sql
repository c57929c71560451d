-- summary/state: the as-of date and import batch the KPI summary tables were built for,
-- the layout (a hash of the SQL that built them) and the latest import that changed a row:
-- they are fresh when the two imports are the same and the layout is today's.
-- No parameters.
SELECT s.as_of, s.batch_id, s.layout,
	(SELECT max(batch_id) FROM import_batches WHERE status = 'imported' AND rows_inserted + rows_updated > 0) AS latest
FROM kpi_summary_state s
LIMIT 1;
