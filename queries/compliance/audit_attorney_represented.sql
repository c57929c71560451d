-- The compliance audit, rule type attorney_represented (12 CFR 1006.6(b)(2)): a counted contact with
-- the person about a debt while the collector knows an attorney represents them for it
-- (contact_preferences kind represented_by_attorney: from effective_at, when the collector learned of
-- the attorney and how to reach them, until until_at, when the attorney consented to direct contact,
-- stopped representing the person or did not answer within a reasonable time; account_id NULL covers
-- every debt of the person). The consumer may initiate: a single reply on the same channel within
-- $reply_within_us of the person's own inbound contact (the latest earlier contact of the person on
-- that channel is that inbound one) is allowed; their inbound contacts are never counted.
WITH r AS (
	SELECT p.event_id, p.cid, p.aid, p.account_id IS NULL AS every_debt,
		epoch_us(p.effective_at) AS start_ts, coalesce(epoch_us(p.until_at), 9223372036854775807) AS end_ts
	FROM aud_pref p
	WHERE p.kind = 'represented_by_attorney'
), hits AS (
	SELECT c.rid, c.cid, c.channel, c.ts, c.la, r.event_id, r.start_ts
	FROM aud_c c
	JOIN r ON r.cid = c.cid AND (r.every_debt OR r.aid = c.aid) AND c.ts >= r.start_ts AND c.ts < r.end_ts
	WHERE {{counted}}
	QUALIFY row_number() OVER (PARTITION BY c.rid ORDER BY r.start_ts, r.event_id) = 1
), prior AS (
	SELECT c.cid, c.channel, c.ts, c.direction FROM aud_c c WHERE c.cid IN (SELECT cid FROM hits)
), judged AS (
	SELECT h.*, pr.direction AS prev_direction, pr.ts AS prev_ts
	FROM hits h ASOF LEFT JOIN prior pr ON pr.cid = h.cid AND pr.channel = h.channel AND h.ts > pr.ts
)
SELECT j.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, j.la // 86400000000 AS ld, [j.rid] AS rids,
	printf('%s with the person after the collector learned on %s that an attorney represents them (%s)', j.channel,
		strftime(make_timestamp(j.start_ts), '%-d %b %Y %H:%M UTC'), j.event_id) AS detail
FROM judged j
WHERE NOT coalesce(j.prev_direction = 'inbound'::contact_direction AND j.ts - j.prev_ts <= $reply_within_us, false)
