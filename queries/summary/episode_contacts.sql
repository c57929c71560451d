-- summary/episode_contacts: rebuilds kpi_episode_contacts: for each episode of kpi_episodes, its
-- first 15 outbound contacts, numbered among all of them, and whether each was answered within 72
-- hours (kpi/episode_contacts), next to the episode's start, its account's attributes, number ak
-- and arms, and the contact's combo (the hash of channel, tone, template and agent, as
-- kpi_contact_combos numbers them): the response-decay chart counts it instead of joining the raw
-- tables. Sorted by the episodes' start. src/lib/server/kpi/summaries.ts rebuilds it after
-- every import, after kpi_episodes. Parameters: $as_of (date).
CREATE OR REPLACE TEMP TABLE ec_episodes AS SELECT episode_id FROM kpi_episodes;

CREATE OR REPLACE TABLE kpi_episode_contacts AS
{{include:summary/episode_contact_rows}}
ORDER BY started_on, episode_id, contact_number;

DROP TABLE ec_episodes;
