-- The compliance audit, step 6: consent_to_call windows (channel call or all) and the calls
-- placed inside them. A window opens at effective_at; the consent's local date at the person's
-- address is day 1 and the window closes at the local midnight after day 7, earlier at until_at
-- or right after the first conversation with the person about a covered debt. aud_consented:
-- the row ids of the calls placed inside one (a rule's exclude_consent_windows). The contacts are
-- read once: the calls of the people who gave a consent (aud_consent_calls, a few of the 30 M).
-- The zone conversions are made once per zone and day, not per consent (a conversion with the
-- zone's name in a column is slow: 30,000 consents took 0.25 s).
CREATE OR REPLACE TEMP TABLE aud_consent_events AS
WITH p AS (
	SELECT * FROM contact_preferences WHERE kind = 'consent_to_call' AND channel IN ('call', 'all')
), z AS (
	-- the zone of a person's address when the consent names no debt
	SELECT customer_id, min(timezone) AS zone FROM accounts WHERE customer_id IN (SELECT customer_id FROM p) GROUP BY 1
), e0 AS (
	SELECT p.event_id, hash(p.customer_id) AS cid, pa.aid, p.account_id IS NULL AS every_debt, p.effective_at, epoch_us(p.effective_at) AS start_ts,
		epoch_us(p.until_at) AS until_ts, coalesce(a.timezone, z.zone) AS zone, epoch_us(p.effective_at) // 86400000000 AS utc_day
	FROM p
	LEFT JOIN accounts a ON a.account_id = p.account_id
	LEFT JOIN aud_a pa ON pa.account_id = p.account_id
	LEFT JOIN z ON z.customer_id = p.customer_id
	WHERE coalesce(a.timezone, z.zone) IS NOT NULL
), o AS (
	-- the zone's UTC offset at the start and the end of each UTC day with a consent
	SELECT zone, utc_day,
		epoch_us(timezone(zone, make_timestamp(utc_day * 86400000000)::TIMESTAMPTZ)) - utc_day * 86400000000 AS off0,
		epoch_us(timezone(zone, make_timestamp((utc_day + 1) * 86400000000 - 1)::TIMESTAMPTZ)) - ((utc_day + 1) * 86400000000 - 1) AS off1
	FROM (SELECT DISTINCT zone, utc_day FROM e0)
), e AS (
	-- day 8 at the address: from the day's offset, or converted one by one on a day the offset changes
	SELECT e0.*, CASE WHEN o.off0 = o.off1 THEN DATE '1970-01-01' + ((e0.start_ts + o.off0) // 86400000000)::INTEGER
		ELSE timezone(e0.zone, e0.effective_at)::DATE END + 7 AS day8
	FROM e0 JOIN o USING (zone, utc_day)
), m AS (
	-- the local midnight that ends day 7, once per zone and date
	SELECT zone, day8, epoch_us(timezone(zone, day8::TIMESTAMP)) AS day7_end_ts FROM (SELECT DISTINCT zone, day8 FROM e)
)
SELECT e.event_id, e.cid, e.aid, e.every_debt, e.start_ts, e.until_ts, m.day7_end_ts
FROM e JOIN m USING (zone, day8);
CREATE OR REPLACE TEMP TABLE aud_consent_calls AS
SELECT c.rid, c.cid, c.aid, c.channel, c.direction, c.outcome, c.party, c.ts
FROM aud_c c
WHERE c.channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel) AND c.cid IN (SELECT cid FROM aud_consent_events);
CREATE OR REPLACE TEMP TABLE aud_consent AS
WITH v AS (
	SELECT p.event_id, min(c.ts) AS conv_ts
	FROM aud_consent_calls c JOIN aud_consent_events p ON c.cid = p.cid AND (p.every_debt OR c.aid = p.aid)
	WHERE c.channel = 'call'::contact_channel AND c.outcome = 'conversation'::contact_outcome AND c.party = 'consumer'::contact_party AND c.ts >= p.start_ts
	GROUP BY 1
)
SELECT p.event_id, p.cid, p.aid, p.every_debt, p.start_ts,
	least(coalesce(p.until_ts, 9223372036854775807), p.day7_end_ts, coalesce(v.conv_ts + 1, 9223372036854775807)) AS end_ts
FROM aud_consent_events p LEFT JOIN v USING (event_id);
CREATE OR REPLACE TEMP TABLE aud_consented AS
SELECT DISTINCT c.rid
FROM aud_consent_calls c JOIN aud_consent k ON k.cid = c.cid AND (k.every_debt OR k.aid = c.aid)
WHERE c.direction = 'outbound'::contact_direction AND c.ts >= k.start_ts AND c.ts < k.end_ts;
