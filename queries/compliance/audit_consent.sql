-- The compliance audit, step 6: consent_to_call windows (channel call or all) and the calls
-- placed inside them. A window opens at effective_at; the consent's local date at the person's
-- address is day 1 and the window closes at the local midnight after day 7, earlier at until_at
-- or right after the first conversation with the person about a covered debt. aud_consented:
-- the row ids of the calls placed inside one (a rule's exclude_consent_windows). The contacts are
-- read once: the calls of the people who gave a consent (aud_consent_calls, a few of the 30 M).
CREATE OR REPLACE TEMP TABLE aud_consent_events AS
WITH p AS (
	SELECT * FROM contact_preferences WHERE kind = 'consent_to_call' AND channel IN ('call', 'all')
), z AS (
	-- the zone of a person's address when the consent names no debt
	SELECT customer_id, min(timezone) AS zone FROM accounts WHERE customer_id IN (SELECT customer_id FROM p) GROUP BY 1
)
SELECT p.event_id, hash(p.customer_id) AS cid, pa.aid, p.account_id IS NULL AS every_debt, epoch_us(p.effective_at) AS start_ts,
	epoch_us(p.until_at) AS until_ts,
	epoch_us(timezone(coalesce(a.timezone, z.zone), (timezone(coalesce(a.timezone, z.zone), p.effective_at)::DATE + 7)::TIMESTAMP)) AS day7_end_ts
FROM p
LEFT JOIN accounts a ON a.account_id = p.account_id
LEFT JOIN aud_a pa ON pa.account_id = p.account_id
LEFT JOIN z ON z.customer_id = p.customer_id
WHERE coalesce(a.timezone, z.zone) IS NOT NULL;
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
