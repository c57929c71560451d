-- compliance/findings_scope: the findings of audit $audit_id that match the filters of the
-- findings pages (src/lib/server/compliance/findings.ts). Not run alone: the other
-- findings_*.sql files splice it in as their CTE "f" ({{findings_scope}}); every value is a
-- bound parameter. NULL means "no filter".
-- Parameters: $audit_id; $from, $to (the finding's local date, both included); $pack
-- (pack_id), $rule (rule_id), $kind, $channel, $agent (agent_id), $template (template_id),
-- $experiment (experiment_id), $arm (variant); $person (customer_id or account_id, exact);
-- $segment (the account's segment: the findings about a debt of that segment; a finding about a
-- contact number rather than one debt, account_id NULL, is in no segment).
SELECT f.*
FROM compliance_findings f
WHERE f.audit_id = $audit_id
	AND ($from IS NULL OR f.local_date >= $from::DATE)
	AND ($to IS NULL OR f.local_date <= $to::DATE)
	AND ($pack IS NULL OR f.pack_id = $pack)
	AND ($rule IS NULL OR f.rule_id = $rule)
	AND ($kind IS NULL OR f.kind = $kind)
	AND ($channel IS NULL OR f.channel = $channel)
	AND ($agent IS NULL OR f.agent_id = $agent)
	AND ($template IS NULL OR f.template_id = $template)
	AND ($experiment IS NULL OR f.experiment_id = $experiment)
	AND ($arm IS NULL OR f.variant = $arm)
	AND ($person IS NULL OR f.customer_id = $person OR f.account_id = $person)
	AND ($segment IS NULL OR f.account_id IN (SELECT a.account_id FROM accounts a WHERE a.segment = $segment))
