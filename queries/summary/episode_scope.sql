-- summary/episode_scope: the temporary table ec_scope of the episodes of kpi_episodes listed in the
-- temporary table ec_episodes, with the columns kpi/episode_contacts and kpi_episode_contacts take:
-- the account, its attributes, number ak and arms, the start and the end (the cure or charge-off as
-- known at the as-of date, else the as-of date). Included by summary/episode_contacts and
-- summary/refresh_episode_contacts. Parameters: $as_of (date).
CREATE OR REPLACE TEMP TABLE ec_scope AS
SELECT k.episode_id, k.account_id, k.ak, k.started_on, k.segment, k.product, k.region, k.vulnerable, k.arms,
	least(coalesce(k.cured_on, $as_of::DATE), coalesce(k.charged_off_on, $as_of::DATE)) AS ended_on
FROM kpi_episodes k SEMI JOIN ec_episodes USING (episode_id)
