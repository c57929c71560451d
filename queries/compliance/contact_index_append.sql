-- The contact index, step 2: the interactions with a row id above $after_rid (-1: all of them)
-- appended to contact_index, slimmed to what the audit's rules read and to numbers where it can
-- (30 M rows): rid is the interaction's row id (the findings get their ids and attributes from
-- it at the end), aid the account (aud_a), rg its region's number, cid a hash of the person
-- (customer_id), pk a hash of the contact point (32 bits: it only tells one person's numbers
-- apart); za the zone of the account's address when the contact was made (account_zones, through
-- aud_hz) and la the local time there, and lc, when the contact point's zone differs, the local
-- time there, as µs since the local epoch (local date = la // 86400000000, clock time =
-- la % 86400000000), from the UTC offsets per zone and day of aud_off (audit_offsets.sql).
-- The contract's enums are the ENUM types contact_party, contact_channel, contact_direction and
-- contact_outcome (one byte a value), made by a macro that looks the text up in a list of the
-- values and takes that place of a list of the ENUM's values: DuckDB looks a text column up once
-- per distinct value of its dictionary, where a cast looks up every row (four times faster).
-- The rows are written in order of channel, region and person: most rules count calls only, or
-- the accounts of a few regions, and DuckDB skips the row groups whose channels or regions a
-- rule cannot count (their min/max); the columns of one person's rows side by side compress and
-- read faster too. (An append sorts its own rows; a rebuild puts the whole index in order again.)
CREATE OR REPLACE TEMP MACRO aud_party(v) AS
	(CAST(['consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau'] AS contact_party[]))
	[list_position(['consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau'], v)];
CREATE OR REPLACE TEMP MACRO aud_channel(v) AS
	(CAST(['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail'] AS contact_channel[]))
	[list_position(['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail'], v)];
CREATE OR REPLACE TEMP MACRO aud_direction(v) AS
	(CAST(['outbound', 'inbound'] AS contact_direction[]))[list_position(['outbound', 'inbound'], v)];
CREATE OR REPLACE TEMP MACRO aud_outcome(v) AS
	(CAST(['no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped',
		'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out'] AS contact_outcome[]))
	[list_position(['no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped',
		'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out'], v)];
INSERT INTO contact_index
WITH i0 AS (
	SELECT i.rowid AS rid, a.aid, a.rg, a.zid AS zcur, hash(i.customer_id) AS cid, (hash(i.contact_point) % 4294967296)::UINTEGER AS pk,
		aud_party(i.party) AS party, aud_channel(i.channel) AS channel, aud_direction(i.direction) AS direction,
		aud_outcome(i.outcome) AS outcome, i.contact_timezone, epoch_us(i.occurred_at) AS ts
	FROM interactions i JOIN aud_a a ON a.account_id = i.account_id
	WHERE i.rowid > $after_rid
), i AS (
	-- the address's zone when the contact was made (aud_hz: the accounts whose zone changed)
	SELECT i0.* EXCLUDE (zcur), coalesce(hz.zid, i0.zcur) AS za
	FROM i0 LEFT JOIN aud_hz hz ON hz.aid = i0.aid AND i0.ts >= hz.from_ts AND i0.ts < hz.to_ts
), z AS (
	SELECT i.*, CASE WHEN zc.zid <> i.za THEN zc.zid END AS zc
	FROM i LEFT JOIN aud_zone zc ON zc.zone = i.contact_timezone
)
SELECT z.rid, z.aid, z.rg, z.cid, z.pk, z.party, z.channel, z.direction, z.outcome, z.ts, z.za, z.zc,
	z.ts + CASE WHEN z.ts >= oa.t_change THEN oa.off1 ELSE oa.off0 END AS la,
	z.ts + CASE WHEN z.ts >= oc.t_change THEN oc.off1 ELSE oc.off0 END AS lc
FROM z
JOIN aud_off oa ON oa.zid = z.za AND oa.day = z.ts // 86400000000
LEFT JOIN aud_off oc ON oc.zid = z.zc AND oc.day = z.ts // 86400000000
ORDER BY z.channel, z.rg, z.cid;
