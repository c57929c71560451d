-- The compliance audit, step 4: the interactions to audit ($scan_from_us ≤ occurred_at <
-- $scan_to_us in µs since epoch, NULL for no bound), slimmed to what the rules read and to
-- numbers where it can (30 M rows stay in memory): rid is the interaction's row id (the findings
-- get their ids and attributes from it at the end), aid the account (aud_a), rg its region's number, cid a hash of the
-- person (customer_id), pk a hash of the contact point (32 bits: it only tells one person's numbers apart); la the local time at the account's
-- address and lc, when the contact point's zone differs, there, as µs since the local epoch
-- (local date = la // 86400000000, clock time = la % 86400000000). The contract's enums are
-- ENUM types here (one byte a value), made by a macro that looks the text up in a list of the
-- values and takes that place of a list of the ENUM's values: DuckDB looks a text column up once
-- per distinct value of its dictionary, where a cast looks up every row (four times faster).
-- lc, wrong and consented are set by updates (the first here, the others by the next steps).
CREATE OR REPLACE TEMP MACRO aud_party(v) AS
	(CAST(['consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau']
		AS ENUM('consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau')[]))
	[list_position(['consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau'], v)];
CREATE OR REPLACE TEMP MACRO aud_channel(v) AS
	(CAST(['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail']
		AS ENUM('call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail')[]))
	[list_position(['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail'], v)];
CREATE OR REPLACE TEMP MACRO aud_direction(v) AS
	(CAST(['outbound', 'inbound'] AS ENUM('outbound', 'inbound')[]))[list_position(['outbound', 'inbound'], v)];
CREATE OR REPLACE TEMP MACRO aud_outcome(v) AS
	(CAST(['no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped',
		'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out']
		AS ENUM('no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped',
		'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out')[]))
	[list_position(['no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped',
		'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out'], v)];
CREATE OR REPLACE TEMP TABLE aud_c AS
WITH i AS (
	SELECT i.rowid AS rid, a.aid, a.rg, a.zid AS za, hash(i.customer_id) AS cid, (hash(i.contact_point) % 4294967296)::UINTEGER AS pk,
		aud_party(i.party) AS party, aud_channel(i.channel) AS channel, aud_direction(i.direction) AS direction,
		aud_outcome(i.outcome) AS outcome, i.contact_timezone, epoch_us(i.occurred_at) AS ts
	FROM interactions i JOIN aud_a a ON a.account_id = i.account_id
	WHERE ($scan_from_us IS NULL OR epoch_us(i.occurred_at) >= $scan_from_us)
	  AND ($scan_to_us IS NULL OR epoch_us(i.occurred_at) < $scan_to_us)
)
SELECT i.rid, i.aid, i.rg, i.cid, i.pk, i.party, i.channel, i.direction, i.outcome,
	i.ts, i.za,
	CASE WHEN zc.zid <> i.za THEN zc.zid END AS zc,
	i.ts + CASE WHEN i.ts >= oa.t_change THEN oa.off1 ELSE oa.off0 END AS la,
	NULL::BIGINT AS lc,
	false AS wrong, false AS consented
FROM i
JOIN aud_off oa ON oa.zid = i.za AND oa.day = i.ts // 86400000000
LEFT JOIN aud_zone zc ON zc.zone = i.contact_timezone;
-- the local time at the contact point, for the few contacts whose zone differs from the address
UPDATE aud_c SET lc = aud_c.ts + CASE WHEN aud_c.ts >= oc.t_change THEN oc.off1 ELSE oc.off0 END
FROM aud_off oc WHERE aud_c.zc IS NOT NULL AND oc.zid = aud_c.zc AND oc.day = aud_c.ts // 86400000000;
