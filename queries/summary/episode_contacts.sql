-- summary/episode_contacts: rebuilds kpi_episode_contacts: for each episode of kpi_episodes, its
-- first 15 outbound contacts, numbered among all of them, and whether each was answered within 72
-- hours (kpi/episode_contacts), next to the episode's start, its account's attributes, number ak
-- and arms, and the contact's combo (the hash of channel, tone, template and agent, as
-- kpi_contact_combos numbers them): the response-decay chart counts it instead of joining the raw
-- tables. Sorted by the episodes' start. src/lib/server/kpi/summaries.ts rebuilds it after
-- every import, after kpi_episodes. Parameters: $as_of (date).
-- inside the refresh's transaction the temporary tables have no statistics yet: DuckDB would take
-- them for a few rows and plan the ASOF join as a nested loop (hours at 1M accounts)
SET SESSION asof_loop_join_threshold = 0;

CREATE OR REPLACE TEMP TABLE ec_episodes AS SELECT episode_id FROM kpi_episodes;

{{include:summary/episode_scope}};

CREATE OR REPLACE TEMP TABLE ec_rows AS
{{include:summary/episode_contact_rows}};

CREATE OR REPLACE TABLE kpi_episode_contacts AS
SELECT x.started_on, x.segment, x.product, x.region, x.vulnerable, x.arms, x.ak, r.*
FROM ec_rows r JOIN ec_scope x USING (episode_id)
ORDER BY x.started_on, r.episode_id, r.contact_number;

DROP TABLE ec_episodes;
DROP TABLE ec_scope;
DROP TABLE ec_rows;
RESET SESSION asof_loop_join_threshold;
