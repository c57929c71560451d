-- compliance/report_findings: every finding of audit $audit_id that matches the filters
-- (findings_scope.sql), numbered 1..N in the order given ({{order_by}}, fixed text picked by
-- src/lib/server/compliance/report/export.ts: the report's order, grouped by account, or the
-- findings list's, by date), with native types: the source of the streamed CSV (which formats
-- the dates) and of the Parquet file (DuckDB's COPY). $limit NULL returns every row.
-- Parameters: those of findings_scope.sql, $limit.
WITH f AS ({{findings_scope}})
SELECT
	row_number() OVER (ORDER BY {{order_by}}) AS n,
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
ORDER BY n
LIMIT $limit;
