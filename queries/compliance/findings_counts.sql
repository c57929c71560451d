-- compliance/findings_counts: the findings of audit $audit_id that match the filters
-- (findings_scope.sql), counted per week (the Monday of the finding's local date), pack, rule
-- and kind. The overview's tiles, its pack and rule table and its chart over time all add
-- these rows up.
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}})
SELECT
	strftime(date_trunc('week', f.local_date), '%Y-%m-%d') AS week,
	f.pack_id,
	f.rule_id,
	any_value(f.rule_type) AS rule_type,
	f.kind,
	count(*) AS findings
FROM f
GROUP BY ALL
ORDER BY week, f.pack_id, f.rule_id, f.kind;
