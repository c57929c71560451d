-- compliance/report_findings: the findings of audit $audit_id that match the filters
-- (findings_scope.sql) in the order given (the ORDER BY, fixed text picked by
-- src/lib/server/compliance/report/export.ts: the report's order, grouped by account, or the
-- findings list's, by date), with native types: the first ones for the report's page and PDF
-- (a top-N read, numbered by the server), or every one for the Parquet file (DuckDB's COPY),
-- which numbers them here (the number column, n, or nothing). $limit NULL returns every row.
-- Parameters: those of findings_scope.sql, $limit.
WITH f AS ({{findings_scope}})
SELECT
	{{number}}
	f.finding_id,
	f.audit_id,
	f.pack_id AS pack,
	f.pack_version,
	f.rule_id AS rule,
	f.kind,
	f.customer_id,
	f.account_id,
	f.window_start,
	f.window_end,
	f.occurred_at,
	f.local_date,
	f.channel,
	f.agent_id,
	f.template_id,
	f.experiment_id,
	f.variant,
	f.interaction_ids,
	f.detail
FROM f
ORDER BY {{order_by}}
LIMIT $limit;
