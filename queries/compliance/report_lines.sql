-- compliance/report_lines: every finding of audit $audit_id that matches the filters
-- (findings_scope.sql) as one CSV line each, in the order given (the ORDER BY: the report's,
-- grouped by account, or the findings list's, by date; fixed text picked by
-- src/lib/server/compliance/report/export.ts), for DuckDB's COPY to write as they are into the
-- temporary file the server streams. Each line by the one CSV rule (src/lib/server/csv.ts
-- sqlCsvCell): {{plain}} is the cells joined by commas as they are, {{plain_ok}} whether that is
-- what the rule writes (no quote or line break, no comma in a cell, no cell starting like a
-- formula: cheap tests, true for almost every row), {{exact}} the line cell by cell through the
-- rule for the other rows; {{number}} is the report's number and a comma (a window over the
-- same order), or nothing.
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}}),
lines AS (
	SELECT f.*, {{plain}} AS plain
	FROM f
)
SELECT {{number}}CASE WHEN {{plain_ok}} THEN plain ELSE {{exact}} END AS line
FROM lines f
ORDER BY {{order_by}};
