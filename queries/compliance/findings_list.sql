-- compliance/findings_list: one page of the findings of audit $audit_id that match the
-- filters (findings_scope.sql), with the number of interactions that make up each (contacts).
-- The ORDER BY is filled in by src/lib/server/compliance/findings/query.ts from a fixed list, one
-- per column of the findings list (?order=date|rule|pack|kind|person|debt|contacts|evidence|
-- channel|agent|template, ?sort=asc|desc), each ending in a total order: the text is picked by
-- the validated column name, never written from the URL. findings_total.sql counts all pages.
-- $limit NULL returns every row (the CSV export).
-- Parameters: those of findings_scope.sql, $limit, $offset.
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
ORDER BY {{order_by}}
LIMIT $limit OFFSET $offset;
