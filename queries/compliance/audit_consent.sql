-- The compliance audit, step 4: consent_to_call windows (channel call or all) and the calls
-- placed inside them. A window opens at effective_at; the consent's local date at the person's
-- address is day 1 and the window closes at the local midnight after day 7, earlier at until_at
-- or right after the first conversation with the person about a covered debt.
CREATE OR REPLACE TEMP TABLE aud_consent AS
WITH z AS (
	SELECT customer_id, min(timezone) AS zone FROM accounts GROUP BY 1
), p AS (
	SELECT p.event_id, p.customer_id AS cust, p.account_id AS acct, epoch_us(p.effective_at) AS start_ts,
		epoch_us(p.until_at) AS until_ts,
		epoch_us(timezone(coalesce(a.timezone, z.zone), (timezone(coalesce(a.timezone, z.zone), p.effective_at)::DATE + 7)::TIMESTAMP)) AS day7_end_ts
	FROM contact_preferences p
	LEFT JOIN accounts a ON a.account_id = p.account_id
	LEFT JOIN z ON z.customer_id = p.customer_id
	WHERE p.kind = 'consent_to_call' AND p.channel IN ('call', 'all') AND coalesce(a.timezone, z.zone) IS NOT NULL
), v AS (
	SELECT p.event_id, min(epoch_us(i.occurred_at)) AS conv_ts
	FROM p JOIN interactions i ON i.customer_id = p.cust AND (p.acct IS NULL OR i.account_id = p.acct)
	WHERE i.channel = 'call' AND i.outcome = 'conversation' AND i.party = 'consumer' AND epoch_us(i.occurred_at) >= p.start_ts
	GROUP BY 1
)
SELECT p.event_id, p.cust, p.acct, p.start_ts,
	least(coalesce(p.until_ts, 9223372036854775807), p.day7_end_ts, coalesce(v.conv_ts + 1, 9223372036854775807)) AS end_ts
FROM p LEFT JOIN v USING (event_id);
CREATE OR REPLACE TEMP TABLE aud_consented AS
SELECT DISTINCT i.rowid AS rid
FROM interactions i JOIN aud_consent k ON k.cust = i.customer_id AND (k.acct IS NULL OR k.acct = i.account_id)
WHERE i.channel IN ('call', 'ringless_voicemail') AND i.direction = 'outbound'
  AND epoch_us(i.occurred_at) >= k.start_ts AND epoch_us(i.occurred_at) < k.end_ts;
