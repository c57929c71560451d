-- summary/refresh_episode_contacts: the incremental refresh of kpi_episode_contacts (built whole
-- by summary/episode_contacts), after kpi_episodes' (summary/refresh_episodes), from the
-- interactions the imports since the last refresh added (import_batch_id > $since):
-- - computed again whole: the episodes of kr_accounts (their episodes, payments or account
--   changed), of the accounts with a replaced interaction, and those with a new outbound contact
--   within the episode at or before the last contact the table holds for it (out of order);
-- - else, an episode with fewer than 15 contacts takes its new contacts, numbered after those it
--   holds, and answered by any response from then on;
-- - a new response (an inbound contact, a message clicked or replied) answers the contacts the
--   table holds in the 72 hours before it (a new payment puts its account in kr_accounts).
-- The rows of the episodes no longer there go with their accounts'. Only the new interactions
-- are read, not each account's history. Parameters: $since (import batch), $as_of (date).

-- inside the refresh's transaction the temporary tables have no statistics yet: DuckDB would take
-- them for a few rows and plan the ASOF join as a nested loop (hours at 1M accounts)
SET SESSION asof_loop_join_threshold = 0;

CREATE OR REPLACE TEMP TABLE ec_new AS
SELECT i.*, ka.ak FROM interactions i JOIN kpi_accounts ka USING (account_id) WHERE i.import_batch_id > $since;

-- per episode of the accounts with a new interaction: the contacts the table holds, the last one's instant
CREATE OR REPLACE TEMP TABLE ec_stored AS
SELECT episode_id, count(*) AS n, max(occurred_at) AS last_at
FROM kpi_episode_contacts
WHERE ak IN (SELECT ak FROM ec_new)
GROUP BY 1;

CREATE OR REPLACE TEMP TABLE ec_episodes AS
SELECT k.episode_id FROM kpi_episodes k SEMI JOIN kr_accounts USING (account_id)
UNION
SELECT k.episode_id FROM kpi_episodes k
WHERE k.account_id IN (SELECT account_id FROM kpi_replaced_rows WHERE batch_id > $since AND table_name = 'interactions')
UNION
SELECT k.episode_id
FROM kpi_episodes k JOIN ec_new n USING (account_id) JOIN ec_stored s USING (episode_id)
WHERE n.direction = 'outbound' AND n.occurred_at <= s.last_at
	AND n.occurred_at::DATE BETWEEN k.started_on AND least(coalesce(k.cured_on, $as_of::DATE), coalesce(k.charged_off_on, $as_of::DATE));

-- the new responses answer the contacts held in the 72 hours before them
UPDATE kpi_episode_contacts c SET responded = true
WHERE NOT c.responded AND c.ak IN (SELECT ak FROM ec_new)
	AND EXISTS (
		SELECT 1 FROM ec_new r
		WHERE r.ak = c.ak AND (r.direction = 'inbound' OR r.outcome IN ('clicked', 'replied'))
			AND r.occurred_at BETWEEN c.occurred_at AND c.occurred_at + INTERVAL 72 HOUR);

DELETE FROM kpi_episode_contacts
WHERE episode_id IN (SELECT episode_id FROM ec_episodes)
	OR ak IN (SELECT ka.ak FROM kr_accounts JOIN kpi_accounts ka USING (account_id));

{{include:summary/episode_scope}};

CREATE OR REPLACE TEMP TABLE ec_rows AS
{{include:summary/episode_contact_rows}};

-- the new contacts of the other episodes that hold fewer than 15, numbered after those
CREATE OR REPLACE TEMP TABLE ec_appended AS
WITH outbound AS (
	SELECT * FROM ec_new WHERE direction = 'outbound'
),
e AS (
	SELECT k.episode_id, k.account_id, k.started_on,
		least(coalesce(k.cured_on, $as_of::DATE), coalesce(k.charged_off_on, $as_of::DATE)) AS ended_on,
		coalesce(s.n, 0) AS first_number
	FROM kpi_episodes k LEFT JOIN ec_stored s USING (episode_id)
	WHERE k.account_id IN (SELECT account_id FROM outbound)
		AND k.episode_id NOT IN (SELECT episode_id FROM ec_episodes)
		AND coalesce(s.n, 0) < 15
),
{{include:kpi/episode_contacts}}
SELECT episode_id, contact_number::UTINYINT AS contact_number, occurred_at, hash(channel, tone, template_id, agent_id) AS combo, responded
FROM answered;

CREATE OR REPLACE TEMP TABLE ec_scope AS
SELECT k.episode_id, k.ak, k.started_on, k.segment, k.product, k.region, k.vulnerable, k.arms
FROM kpi_episodes k
WHERE k.episode_id IN (SELECT episode_id FROM ec_rows UNION SELECT episode_id FROM ec_appended);

INSERT INTO kpi_episode_contacts BY NAME
SELECT x.started_on, x.segment, x.product, x.region, x.vulnerable, x.arms, x.ak, r.*
FROM (SELECT * FROM ec_rows UNION ALL SELECT * FROM ec_appended) r JOIN ec_scope x USING (episode_id)
ORDER BY x.started_on, r.episode_id, r.contact_number;

DROP TABLE ec_new;
DROP TABLE ec_stored;
DROP TABLE ec_episodes;
DROP TABLE ec_scope;
DROP TABLE ec_rows;
DROP TABLE ec_appended;
RESET SESSION asof_loop_join_threshold;
