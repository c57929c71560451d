-- compliance/findings_by_dimension: the findings of audit $audit_id that match the filters
-- (findings_scope.sql), counted by the contact that made each finding: per channel, per agent,
-- per template and per experiment arm (experiment_id and variant). dimension names the
-- grouping ('channel', 'agent', 'template', 'arm'); value is NULL where the contact had none
-- (no agent, no template, not in an experiment).
-- Parameters: those of findings_scope.sql.
WITH f AS ({{findings_scope}})
SELECT
	CASE
		WHEN grouping(f.channel) = 0 THEN 'channel'
		WHEN grouping(f.agent_id) = 0 THEN 'agent'
		WHEN grouping(f.template_id) = 0 THEN 'template'
		ELSE 'arm'
	END AS dimension,
	coalesce(f.channel, f.agent_id, f.template_id, f.experiment_id) AS value,
	f.variant AS arm,
	count(*) AS findings
FROM f
GROUP BY GROUPING SETS ((f.channel), (f.agent_id), (f.template_id), (f.experiment_id, f.variant))
ORDER BY dimension, value, arm;
