-- summary/refresh_episodes: the incremental refresh of kpi_episodes: the episodes of the accounts
-- an import touched (kr_accounts, summary/refresh_changes) are computed again from the raw
-- tables, by the same chain of CTEs as the full rebuild (kpi/episode_facts) over those accounts
-- only. Then summary/refresh_as_of judges the other episodes' facts at the new as-of date.
-- Parameters: $as_of (the data's as-of date); $from and $to span all dates.
DELETE FROM kpi_episodes WHERE account_id IN (SELECT account_id FROM kr_accounts);

INSERT INTO kpi_episodes BY NAME
WITH scope AS (
	SELECT a.* FROM accounts a SEMI JOIN kr_accounts r USING (account_id)
),
{{include:kpi/episode_facts}}
SELECT f.* EXCLUDE (age), ka.ak, ka.arms
FROM facts f JOIN kpi_accounts ka USING (account_id);
