-- The findings of audit $audit_id that involve a person: those about the debts shown
-- ($account_ids; this includes calls to third parties about them, whose customer_id is the
-- third party's), and, when no single debt is asked for ($whole_person), those that name the
-- person without a debt (a finding per contact point). interaction_ids are the contacts that
-- make each finding up; the timeline marks them. window_start..window_end are the local dates
-- of a window finding. The debts are joined rather than listed in a filter so that DuckDB
-- pushes their ids into the scan (zone maps of audit_id and account_id).
WITH mine AS (
	SELECT unnest($account_ids::VARCHAR[]) AS account_id
),
hits AS (
	SELECT f.* FROM compliance_findings f JOIN mine m ON f.account_id = m.account_id
	WHERE f.audit_id = $audit_id
	UNION ALL
	SELECT f.* FROM compliance_findings f
	WHERE $whole_person AND f.audit_id = $audit_id AND f.account_id IS NULL AND f.customer_id = $customer_id
)
SELECT
	audit_id,
	finding_id,
	pack_id,
	pack_version,
	rule_id,
	rule_type,
	kind,
	customer_id,
	account_id,
	strftime(window_start, '%Y-%m-%d') AS window_start,
	strftime(window_end, '%Y-%m-%d') AS window_end,
	strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at,
	strftime(local_date, '%Y-%m-%d') AS local_date,
	channel,
	agent_id,
	template_id,
	experiment_id,
	variant,
	interaction_ids,
	detail
FROM hits
ORDER BY local_date, finding_id
