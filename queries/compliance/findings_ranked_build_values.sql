-- compliance/findings_ranked_build_values: the values the findings filters offer for audit
-- $audit_id (the answer of findings_filter_values.sql, row for row), kept in
-- compliance_ranked_values (migration 21) when the ranked views are counted, in the same
-- transaction: every pack, rule, kind, channel, agent, template and experiment arm
-- ("experiment_id:variant") in its findings. Reads the temp table rk_f
-- (findings_ranked_build_source.sql).
-- Parameters: $audit_id.
INSERT INTO compliance_ranked_values
SELECT $audit_id, field, value FROM (
	SELECT DISTINCT 'pack' AS field, pack_id AS value FROM rk_f
	UNION ALL SELECT DISTINCT 'rule', rule_id FROM rk_f
	UNION ALL SELECT DISTINCT 'kind', kind FROM rk_f
	UNION ALL SELECT DISTINCT 'channel', channel FROM rk_f WHERE channel IS NOT NULL
	UNION ALL SELECT DISTINCT 'agent', agent_id FROM rk_f WHERE agent_id IS NOT NULL
	UNION ALL SELECT DISTINCT 'template', template_id FROM rk_f WHERE template_id IS NOT NULL
	UNION ALL SELECT DISTINCT 'arm', experiment_id || ':' || variant FROM rk_f WHERE experiment_id IS NOT NULL AND variant IS NOT NULL
);
