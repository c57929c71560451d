-- The compliance audit, last step: the findings of audit $audit_id from aud_f, numbered by date,
-- with the attributes of the contact that made each one, keeping those whose local date is in
-- the audited period ($from_day ≤ local day ≤ $to_day, NULL for no bound).
INSERT INTO compliance_findings
SELECT $audit_id, (row_number() OVER (ORDER BY f.ld, f.pack_id, f.rule_id, f.cust, f.acct, i.occurred_at))::INTEGER,
	f.pack_id, f.pack_version, f.rule_id, f.rule_type, f.kind, f.cust, f.acct, f.window_start, f.window_end,
	i.occurred_at, (DATE '1970-01-01' + f.ld::INTEGER), i.channel, i.agent_id, i.template_id, i.experiment_id, i.variant,
	f.iids, f.detail
FROM aud_f f JOIN interactions i ON i.rowid = f.rid
WHERE ($from_day IS NULL OR f.ld >= $from_day) AND ($to_day IS NULL OR f.ld <= $to_day)
