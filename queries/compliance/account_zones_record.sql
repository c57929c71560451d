-- The zone history of the accounts (account_zones, migration 19), written by every import of
-- accounts in its own transaction: an account of batch $batch seen for the first time gets its
-- zone from '-infinity' (the first zone known is taken for every earlier contact); an account whose
-- re-export changes its zone gets a row valid from the import's time (now(): the moment the
-- collector learnt of the move). The audit reads a contact's address zone as it was when the
-- contact was made (contact_index_append.sql, audit_time_of_day.sql).
INSERT INTO account_zones
SELECT a.account_id, a.timezone,
	CASE WHEN z.account_id IS NULL THEN '-infinity'::TIMESTAMPTZ ELSE now() END,
	$batch
FROM accounts a
LEFT JOIN (SELECT account_id, arg_max(timezone, valid_from) AS timezone FROM account_zones GROUP BY account_id) z USING (account_id)
WHERE a.import_batch_id = $batch AND (z.account_id IS NULL OR z.timezone <> a.timezone);
