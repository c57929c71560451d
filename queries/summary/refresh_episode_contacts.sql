-- summary/refresh_episode_contacts: the incremental refresh of kpi_episode_contacts (built whole
-- by summary/episode_contacts), after kpi_episodes' (summary/refresh_episodes). Computed again:
-- every episode of the accounts of kr_accounts (their episodes, payments or account changed), and
-- the episodes of the accounts of kr_contact_days that end (at the as-of date now) on or after 3
-- days before a day touched: a contact or a response on day d can change only the contacts of an
-- episode from d − 3 days on (the 72 hours of a response), and a new contact joins an episode only
-- while it lasts. The rows of the episodes no longer there go with their accounts'.
-- Parameters: $as_of (date).
-- inside the refresh's transaction the temporary tables have no statistics yet: DuckDB would take
-- them for a few rows and plan the ASOF join as a nested loop (hours at 1M accounts)
SET SESSION asof_loop_join_threshold = 0;

CREATE OR REPLACE TEMP TABLE ec_episodes AS
SELECT k.episode_id FROM kpi_episodes k SEMI JOIN kr_accounts USING (account_id)
UNION
SELECT k.episode_id
FROM kpi_episodes k JOIN (SELECT account_id, min(day) AS day FROM kr_contact_days GROUP BY 1) c USING (account_id)
WHERE least(coalesce(k.cured_on, $as_of::DATE), coalesce(k.charged_off_on, $as_of::DATE)) >= c.day - 3;

DELETE FROM kpi_episode_contacts
WHERE episode_id IN (SELECT episode_id FROM ec_episodes)
	OR ak IN (SELECT ka.ak FROM kr_accounts JOIN kpi_accounts ka USING (account_id));

{{include:summary/episode_scope}};

CREATE OR REPLACE TEMP TABLE ec_rows AS
{{include:summary/episode_contact_rows}};

INSERT INTO kpi_episode_contacts BY NAME
SELECT x.started_on, x.segment, x.product, x.region, x.vulnerable, x.arms, x.ak, r.*
FROM ec_rows r JOIN ec_scope x USING (episode_id)
ORDER BY x.started_on, r.episode_id, r.contact_number;

DROP TABLE ec_episodes;
DROP TABLE ec_scope;
DROP TABLE ec_rows;
RESET SESSION asof_loop_join_threshold;
