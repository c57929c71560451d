-- The compliance audit, last step: the findings of audit $audit_id from aud_f, with the ids of
-- their interactions (from the row ids) and the attributes of the contact that made each one
-- (its channel, agent, template, arm and contact point: the number, address or e-mail),
-- numbered by date, keeping those whose local date is in the audited period ($from_day ≤ local
-- day ≤ $to_day, NULL for no bound). A finding per debt names the debt's customer (use_owner).
-- The interactions are read once, for the distinct row ids of all findings; a finding of one
-- contact (most of them) needs no list aggregate. The numbering sorts the findings' keys alone
-- (n) and is joined back: a window sorting every column of the findings took three times as long.
INSERT INTO compliance_findings
WITH f AS (
	SELECT row_number() OVER () AS fno, *, len(rids) = 1 AND rids[1] = rid AS single FROM aud_f
	WHERE ($from_day IS NULL OR ld >= $from_day) AND ($to_day IS NULL OR ld <= $to_day)
), u AS (
	SELECT rid FROM f UNION SELECT unnest(rids) FROM f WHERE NOT single
), r AS (
	SELECT u.rid, i.interaction_id, i.customer_id, i.account_id, i.occurred_at, i.channel, i.agent_id, i.template_id, i.experiment_id, i.variant, i.contact_point
	FROM u JOIN interactions i ON i.rowid = u.rid
), n AS (
	SELECT f.fno, (row_number() OVER (ORDER BY f.ld, f.pack_id, f.rule_id, r.customer_id, r.account_id, r.occurred_at, r.interaction_id))::INTEGER AS finding_id
	FROM f JOIN r ON r.rid = f.rid
), ids AS (
	SELECT l.fno, list_transform(list_sort(list({'p': l.pos, 'i': r.interaction_id})), x -> x.i) AS iids
	FROM (SELECT fno, unnest(rids) AS rid, unnest(range(len(rids))) AS pos FROM f WHERE NOT single) l JOIN r USING (rid)
	GROUP BY l.fno
)
SELECT $audit_id,
	n.finding_id,
	f.pack_id, f.pack_version, f.rule_id, f.rule_type, f.kind,
	CASE WHEN f.use_owner THEN a.customer_id ELSE r.customer_id END, r.account_id, f.window_start, f.window_end,
	r.occurred_at, (DATE '1970-01-01' + f.ld::INTEGER), r.channel, r.agent_id, r.template_id, r.experiment_id, r.variant,
	CASE WHEN f.single THEN [r.interaction_id] ELSE ids.iids END, f.detail, r.contact_point
FROM f
JOIN r ON r.rid = f.rid
LEFT JOIN ids ON ids.fno = f.fno
LEFT JOIN accounts a ON a.account_id = r.account_id
JOIN n ON n.fno = f.fno
