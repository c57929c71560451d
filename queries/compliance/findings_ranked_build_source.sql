-- compliance/findings_ranked_build_source: the findings of audit $audit_id with the columns the
-- ranked views count and the filters offer, as the temp table rk_f that findings_ranked_build.sql
-- and findings_ranked_build_scope.sql read once per grouping and findings_ranked_build_values.sql
-- once (the findings table is read once).
-- rule_key is the rule grouping's key, pack_id || '/' || rule_id.
-- Parameters: $audit_id.
CREATE OR REPLACE TEMP TABLE rk_f AS
SELECT account_id, customer_id, agent_id, template_id, contact_point, pack_id || '/' || rule_id AS rule_key, kind, local_date,
	pack_id, rule_id, channel, experiment_id, variant
FROM compliance_findings
WHERE audit_id = $audit_id;
