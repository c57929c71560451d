-- summary/episodes: rebuilds kpi_episodes, one row per delinquency episode started on or
-- before $as_of (the data's as-of date), holding the episode's facts as known at $as_of
-- (src/lib/metrics/counts.ts: days to cure and to charge-off, a conversation before the cure,
-- the share recovered, plan uptake, the times to event, attrition after cure) next to the
-- account's attributes: the relation `facts` of kpi/episode_facts for every episode and no
-- filter (the raw path takes the same relation for a period). The Overview counts it instead
-- of joining the raw tables; src/lib/server/kpi/summaries.ts rebuilds it after every import.
-- Parameters: $as_of (date); $from and $to span all dates; every filter is NULL.
CREATE OR REPLACE TABLE kpi_episodes AS
WITH {{include:kpi/scope}},
{{include:kpi/episode_facts}}
SELECT f.* EXCLUDE (age), ka.ak, ka.arms
FROM facts f JOIN kpi_accounts ka USING (account_id)
ORDER BY f.started_on, f.episode_id;
