-- compliance/findings_filter_values: the values the findings filters offer for audit
-- $audit_id: every pack, rule, kind, channel, agent, template and experiment arm that appears
-- in its findings (field names the filter; arm is "experiment_id:variant").
-- Parameters: $audit_id.
SELECT DISTINCT 'pack' AS field, pack_id AS value FROM compliance_findings WHERE audit_id = $audit_id
UNION ALL SELECT DISTINCT 'rule', rule_id FROM compliance_findings WHERE audit_id = $audit_id
UNION ALL SELECT DISTINCT 'kind', kind FROM compliance_findings WHERE audit_id = $audit_id
UNION ALL SELECT DISTINCT 'channel', channel FROM compliance_findings WHERE audit_id = $audit_id AND channel IS NOT NULL
UNION ALL SELECT DISTINCT 'agent', agent_id FROM compliance_findings WHERE audit_id = $audit_id AND agent_id IS NOT NULL
UNION ALL SELECT DISTINCT 'template', template_id FROM compliance_findings WHERE audit_id = $audit_id AND template_id IS NOT NULL
UNION ALL SELECT DISTINCT 'arm', experiment_id || ':' || variant FROM compliance_findings WHERE audit_id = $audit_id AND experiment_id IS NOT NULL AND variant IS NOT NULL
ORDER BY field, value;
