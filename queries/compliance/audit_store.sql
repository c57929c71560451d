-- The compliance audit, last step: the findings of audit $audit_id from aud_f, with the ids of
-- their interactions (from the row ids) and the attributes of the contact that made each one,
-- numbered by date, keeping those whose local date is in the audited period ($from_day ≤ local
-- day ≤ $to_day, NULL for no bound). A finding per debt names the debt's customer (use_owner).
INSERT INTO compliance_findings
WITH f AS (
	SELECT row_number() OVER () AS fno, * FROM aud_f
	WHERE ($from_day IS NULL OR ld >= $from_day) AND ($to_day IS NULL OR ld <= $to_day)
), u AS (
	SELECT fno, unnest(rids) AS rid, unnest(range(len(rids))) AS pos FROM f
), ids AS (
	SELECT u.fno, list(i.interaction_id ORDER BY u.pos) AS iids
	FROM u JOIN interactions i ON i.rowid = u.rid
	GROUP BY u.fno
)
SELECT $audit_id,
	(row_number() OVER (ORDER BY f.ld, f.pack_id, f.rule_id, i.customer_id, i.account_id, i.occurred_at, i.interaction_id))::INTEGER,
	f.pack_id, f.pack_version, f.rule_id, f.rule_type, f.kind,
	CASE WHEN f.use_owner THEN a.customer_id ELSE i.customer_id END, i.account_id, f.window_start, f.window_end,
	i.occurred_at, (DATE '1970-01-01' + f.ld::INTEGER), i.channel, i.agent_id, i.template_id, i.experiment_id, i.variant,
	ids.iids, f.detail
FROM f
JOIN interactions i ON i.rowid = f.rid
JOIN ids ON ids.fno = f.fno
LEFT JOIN accounts a ON a.account_id = i.account_id
