-- compliance/report_lines: every finding of audit $audit_id that matches the filters
-- (findings_scope.sql) as one CSV line each, in the export's order, for DuckDB's COPY to write
-- as they are into the temporary file the server streams (src/lib/server/compliance/report/
-- export.ts, which fills the parts below with fixed text, never values).
-- Each line by the one CSV rule (src/lib/server/csv.ts sqlCsvCell): {{plain}} is the cells
-- joined by commas as they are, {{plain_ok}} whether that is what the rule writes (no comma in a
-- cell, no quote or line break, no cell starting like a formula: cheap tests, true for almost
-- every row), {{exact}} the line cell by cell through the rule for the other rows.
-- The order ({{order_by}}): the findings list's, by date; or the report's number n, which
-- {{numbered}} joins in (a window over the keys of the report's order: grouped by account) and
-- {{number}} writes first ("n,"); both empty for the list. The findings (f) are read twice for
-- the report and must not be materialized (NOT MATERIALIZED: a materialized copy held every
-- column of every finding in memory).
-- Parameters: those of findings_scope.sql.
WITH f AS NOT MATERIALIZED ({{findings_scope}}),
lines AS (
	SELECT *, {{plain}} AS plain
	FROM f {{numbered}}
)
SELECT {{number}}CASE WHEN {{plain_ok}} THEN plain ELSE {{exact}} END AS line
FROM lines f
ORDER BY {{order_by}};
