-- The compliance audit, rule type after_cease: a counted contact about a debt after the person
-- asked the collector to cease communication about it (contact_preferences kind
-- cease_communication; account_id NULL covers every debt of the person), from effective_at on.
WITH s AS (
	SELECT event_id, customer_id AS cust, account_id AS acct, epoch_us(effective_at) AS start_ts
	FROM contact_preferences WHERE kind = 'cease_communication'
)
SELECT c.cust, c.acct, NULL::DATE AS window_start, NULL::DATE AS window_end, c.rid, c.la // 86400000000 AS ld, [c.iid] AS iids,
	printf('%s after the request to cease communication of %s (%s)', c.channel,
		strftime(make_timestamp(s.start_ts), '%-d %b %Y %H:%M UTC'), s.event_id) AS detail
FROM aud_c c
JOIN s ON s.cust = c.cust AND (s.acct IS NULL OR s.acct = c.acct) AND c.ts >= s.start_ts
WHERE {{counted}}
QUALIFY row_number() OVER (PARTITION BY c.rid ORDER BY s.start_ts, s.event_id) = 1
