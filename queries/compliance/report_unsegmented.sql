-- compliance/report_unsegmented: how many findings of audit $audit_id that match the filters
-- (findings_scope.sql, called with $segment NULL) are about a contact number rather than one
-- debt (account_id NULL). A report limited to one segment leaves them out (they belong to no
-- segment) and says how many (src/lib/server/compliance/report/data.ts).
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}})
SELECT count(*) AS n FROM f WHERE f.account_id IS NULL;
