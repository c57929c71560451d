-- compliance/report_lines: every finding of audit $audit_id that matches the filters
-- (findings_scope.sql) as one CSV line each (the cells joined by commas, each written by the
-- one CSV rule, src/lib/server/csv.ts sqlCsvCell), in the order given (the ORDER BY: the
-- report's, grouped by account, or the findings list's, by date; fixed text picked by
-- src/lib/server/compliance/report/export.ts). The server streams the lines chunk by chunk and
-- numbers them itself when the report's numbers are asked for (one sort, no window).
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}})
SELECT {{line}} AS line
FROM f
ORDER BY {{order_by}};
