-- summary/episode_contact_rows: the rows of kpi_episode_contacts for the episodes of the temporary
-- table ec_episodes (all of them for summary/episode_contacts; those an import touched for
-- summary/refresh_episode_contacts). Parameters: $as_of (date).
WITH e AS (
	SELECT k.episode_id, k.account_id, k.ak, k.started_on, k.segment, k.product, k.region, k.vulnerable, k.arms,
		least(coalesce(k.cured_on, $as_of::DATE), coalesce(k.charged_off_on, $as_of::DATE)) AS ended_on
	FROM kpi_episodes k SEMI JOIN ec_episodes USING (episode_id)
),
{{include:kpi/episode_contacts}}
SELECT e.started_on, e.segment, e.product, e.region, e.vulnerable, e.arms, e.ak, e.episode_id,
	a.contact_number::UTINYINT AS contact_number, hash(a.channel, a.tone, a.template_id, a.agent_id) AS combo, a.responded
FROM answered a JOIN e USING (episode_id)
