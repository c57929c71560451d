-- The compliance audit, rule type after_cease: a counted contact with the person about a debt
-- after they asked the collector to cease communication about it (contact_preferences kind
-- cease_communication; account_id NULL covers every debt of the person), from effective_at on,
-- except the notices 1006.6(c)(2) allows (interactions.purpose, aud_purpose): that the collector's
-- further efforts are being terminated (cease_termination_notice), that the collector or creditor
-- may invoke specified remedies (cease_remedy_notice), or that it intends to invoke a specified
-- remedy (cease_remedy_invoked).
WITH s AS (
	SELECT p.event_id, p.cid, p.aid, p.account_id IS NULL AS every_debt, epoch_us(p.effective_at) AS start_ts
	FROM aud_pref p
	WHERE p.kind = 'cease_communication'
)
SELECT c.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, c.la // 86400000000 AS ld, [c.rid] AS rids,
	printf('%s after the request to cease communication of %s (%s)', c.channel,
		strftime(make_timestamp(s.start_ts), '%-d %b %Y %H:%M UTC'), s.event_id) AS detail
FROM aud_c c
JOIN s ON s.cid = c.cid AND (s.every_debt OR s.aid = c.aid) AND c.ts >= s.start_ts
WHERE {{counted}}
  AND c.rid NOT IN (SELECT rid FROM aud_purpose WHERE purpose IN ('cease_termination_notice', 'cease_remedy_notice', 'cease_remedy_invoked'))
QUALIFY row_number() OVER (PARTITION BY c.rid ORDER BY s.start_ts, s.event_id) = 1
