-- summary/episode_contact_rows: the rows of kpi_episode_contacts for the episodes of the temporary
-- table ec_scope (all of them for summary/episode_contacts; those an import touched for
-- summary/refresh_episode_contacts), made by summary/episode_scope: episode_id, contact_number,
-- occurred_at, combo, responded (the episodes' columns are joined when the rows are written). No parameters.
-- (the outbound interactions of the episodes' accounts only: when an import touched no episode
-- whole, the refresh's ec_scope is empty and this reads next to nothing; the rebuild as fast)
WITH outbound AS (
	SELECT * FROM interactions WHERE direction = 'outbound' AND account_id IN (SELECT account_id FROM ec_scope)
),
e AS (
	SELECT episode_id, account_id, started_on, ended_on, 0 AS first_number FROM ec_scope
),
{{include:kpi/episode_contacts}}
SELECT episode_id, contact_number::UTINYINT AS contact_number, occurred_at, hash(channel, tone, template_id, agent_id) AS combo, responded
FROM answered
