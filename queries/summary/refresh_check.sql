-- summary/refresh_check: whether the imports since the summary tables were built can be taken
-- in by the incremental refresh (src/lib/server/kpi/summaries.ts), after summary/refresh_changes.
-- It cannot (and the tables are rebuilt whole) when an import added or replaced experiment
-- assignments (the arms' bits are numbered over all of them) or changed an account's customer or
-- one of the attributes every summary table carries beside its rows (segment, product, region,
-- vulnerable). Also: how many accounts and contact days changed, of how many, whether
-- accounts or the events' tables have new or replaced rows (else their steps are skipped), and
-- whether new contacts fall in the 7 days before a complaint of their account.
-- Parameters: $since (the last import batch the summary tables include).
SELECT
	(SELECT count(*) FROM experiment_assignments WHERE import_batch_id > $since)
		+ (SELECT count(*) FROM kpi_replaced_rows WHERE batch_id > $since AND table_name = 'experiment_assignments') AS assignments,
	(SELECT count(*) FROM accounts a JOIN kpi_accounts k USING (account_id)
		WHERE a.import_batch_id > $since
			AND (a.customer_id <> k.customer_id OR a.segment <> k.segment OR a.product <> k.product OR a.region <> k.region OR a.vulnerable <> k.vulnerable)) AS attributes,
	(SELECT count(*) FROM kr_accounts) AS accounts,
	(SELECT count(*) FROM kpi_accounts) AS all_accounts,
	(SELECT count(*) FROM kr_contact_days) AS contact_days,
	(SELECT count(*) FROM accounts WHERE import_batch_id > $since) AS account_rows,
	-- what kpi_events is made of: complaints, contact preferences, and the accounts an opt-out by customer reaches
	(SELECT count(*) FROM complaints WHERE import_batch_id > $since)
		+ (SELECT count(*) FROM contact_preferences WHERE import_batch_id > $since)
		+ (SELECT count(*) FROM kpi_replaced_rows WHERE batch_id > $since AND table_name IN ('complaints', 'contact_preferences', 'accounts'))
		+ (SELECT count(*) FROM accounts WHERE import_batch_id > $since) AS event_rows,
	-- a complaint's pressure counts its account's contacts of the 7 days before it: when only that
	-- changed, summary/refresh_events sets those complaints' pressure again
	(SELECT count(*) FROM complaints k JOIN kr_contact_days c ON c.account_id = k.account_id
		AND c.day BETWEEN k.received_at::DATE - 7 AND k.received_at::DATE) AS pressure_rows
