-- compliance/findings_list: one page of the findings of audit $audit_id that match the
-- filters (findings_scope.sql), sorted by the finding's local date ($sort 'desc' newest first,
-- 'asc' oldest first; then by the moment of the contact and the finding's number), with the
-- number of interactions that make up each (contacts). findings_total.sql counts all pages.
-- $limit NULL returns every row (the CSV export).
-- Parameters: those of findings_scope.sql, $sort, $limit, $offset.
WITH f AS ({{findings_scope}})
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
	len(f.interaction_ids) AS contacts,
	array_to_string(f.interaction_ids, ' ') AS interaction_ids,
	f.detail
FROM f
ORDER BY
	CASE WHEN $sort = 'asc' THEN f.local_date END ASC,
	CASE WHEN $sort = 'asc' THEN f.occurred_at END ASC,
	CASE WHEN $sort <> 'asc' THEN f.local_date END DESC,
	CASE WHEN $sort <> 'asc' THEN f.occurred_at END DESC,
	f.finding_id
LIMIT $limit OFFSET $offset;
