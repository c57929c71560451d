-- summary/refresh_changes: what the imports since the summary tables were built changed, for
-- the incremental refresh (src/lib/server/kpi/summaries.ts): temporary tables of
-- - kr_accounts: the accounts whose episodes' facts may have changed (a new or replaced row of
--   the account itself, its delinquency episodes or payments, or an interaction that can change
--   its episodes' facts);
-- - kr_contact_days: the accounts and UTC days whose contacts may have changed (a new or replaced
--   interaction; a replaced row counts with the account and day it had before).
-- New rows carry the import_batch_id of their import; replaced rows are in kpi_replaced_rows.
-- Parameters: $since (the last import batch the summary tables include), $as_of (the data's
-- as-of date now).
CREATE OR REPLACE TEMP TABLE kr_accounts AS
SELECT account_id FROM accounts WHERE import_batch_id > $since
UNION SELECT account_id FROM delinquencies WHERE import_batch_id > $since
UNION SELECT account_id FROM payments WHERE import_batch_id > $since
-- a new interaction changes an episode's facts only when it is outbound, within the episode
-- (from its start to its cure, charge-off or the as-of date) and before the first contact known
-- so far or before the cure (a conversation before the cure): a new day of contacts touches the
-- episodes still waiting for their first contact, not every account contacted
UNION SELECT DISTINCT i.account_id
FROM interactions i JOIN kpi_episodes e USING (account_id)
WHERE i.import_batch_id > $since AND i.direction = 'outbound'
	AND i.occurred_at::DATE BETWEEN e.started_on AND coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)
	AND (e.contacted_on IS NULL OR i.occurred_at::DATE < e.contacted_on OR i.occurred_at::DATE <= e.cured_on)
UNION SELECT account_id FROM kpi_replaced_rows
WHERE batch_id > $since AND account_id IS NOT NULL AND table_name IN ('accounts', 'delinquencies', 'payments', 'interactions');

CREATE OR REPLACE TEMP TABLE kr_contact_days AS
SELECT account_id, occurred_at::DATE AS day FROM interactions WHERE import_batch_id > $since
UNION SELECT account_id, day FROM kpi_replaced_rows WHERE batch_id > $since AND table_name = 'interactions';
