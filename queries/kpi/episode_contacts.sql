-- kpi/episode_contacts: a chain of CTEs, put after a CTE `e` of episodes (episode_id, account_id,
-- started_on, ended_on: the cure or charge-off as known at the as-of date, else the as-of date;
-- first_number: the number before the first contact to number, 0 but for the incremental refresh,
-- which numbers an episode's new contacts after those it holds) and a CTE `outbound` of outbound
-- interactions (all of them, or an import's), that ends in `answered`: each episode's first 15
-- outbound contacts of its account, from started_on to ended_on by UTC date, numbered by
-- occurred_at (ties by interaction_id) among all of them (contact_number 1…15), with their
-- channel, tone, template_id and agent_id, and responded: whether a response came within 72
-- hours, on the same account, at an instant r with occurred_at ≤ r ≤ occurred_at + 72 hours
-- (exactly 72 h counts, 72 h and 1 s does not): a settled payment (paid_at), an inbound contact,
-- or an outbound message whose outcome is clicked or replied (the contact itself included). Read
-- by kpi/response_decay (the raw-table path) and summary/episode_contact_rows (the summary table
-- kpi_episode_contacts).
contact AS (
	SELECT e.episode_id, i.account_id, i.occurred_at, i.channel, i.tone, i.template_id, i.agent_id,
		e.first_number + row_number() OVER (PARTITION BY e.episode_id ORDER BY i.occurred_at, i.interaction_id) AS contact_number
	FROM e JOIN outbound i ON i.account_id = e.account_id
	WHERE i.occurred_at >= (SELECT min(started_on) FROM e)::TIMESTAMPTZ -- implied by the line below; skips older row groups
		AND i.occurred_at::DATE BETWEEN e.started_on AND e.ended_on
	QUALIFY contact_number <= 15
),
-- (only the responses at or after the first contact numbered can answer one)
response AS (
	SELECT p.account_id, p.paid_at AS responded_at
	FROM payments p
	WHERE p.status = 'settled' AND p.account_id IN (SELECT account_id FROM e)
		AND p.paid_at >= (SELECT min(occurred_at) FROM contact)
	UNION ALL
	SELECT i.account_id, i.occurred_at
	FROM interactions i
	WHERE i.account_id IN (SELECT account_id FROM e)
		AND i.occurred_at >= (SELECT min(occurred_at) FROM contact)
		AND (i.direction = 'inbound' OR (i.direction = 'outbound' AND i.outcome IN ('clicked', 'replied')))
),
-- the first response at or after each contact: a response within 72 hours exists if and only if
-- the first one is within 72 hours
answered AS (
	SELECT c.*, coalesce(r.responded_at <= c.occurred_at + INTERVAL 72 HOUR, false) AS responded
	FROM contact c
	ASOF LEFT JOIN response r ON r.account_id = c.account_id AND r.responded_at >= c.occurred_at
)
