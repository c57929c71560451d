-- The findings of audit $audit_id that involve a person: those about the debts shown
-- ($account_ids, which includes calls to third parties about them) or naming the person
-- ($customer_id, e.g. a finding per contact point) when no single debt is asked for
-- ($whole_person). interaction_ids are the contacts that make each finding up; the timeline
-- marks them. window_start..window_end are the local dates of a window finding.
SELECT
	f.audit_id,
	f.finding_id,
	f.pack_id,
	f.pack_version,
	f.rule_id,
	f.rule_type,
	f.kind,
	f.customer_id,
	f.account_id,
	strftime(f.window_start, '%Y-%m-%d') AS window_start,
	strftime(f.window_end, '%Y-%m-%d') AS window_end,
	strftime(f.occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at,
	strftime(f.local_date, '%Y-%m-%d') AS local_date,
	f.channel,
	f.agent_id,
	f.template_id,
	f.experiment_id,
	f.variant,
	f.interaction_ids,
	f.detail
FROM compliance_findings f
WHERE f.audit_id = $audit_id
	AND (list_contains($account_ids::VARCHAR[], f.account_id)
		OR ($whole_person AND f.customer_id = $customer_id))
ORDER BY f.local_date, f.finding_id
