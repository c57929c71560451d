-- compliance/findings_total: how many findings of audit $audit_id match the filters
-- (findings_scope.sql): the findings list's page count.
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}})
SELECT count(*) AS total FROM f;
