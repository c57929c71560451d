-- The compliance audit, rule type inconvenient_time: a counted contact inside a local clock range
-- the person ruled out (contact_preferences kind inconvenient_time: local_start ≤ clock <
-- local_end, a range may wrap midnight), on a channel the event covers ('all' covers every one,
-- call covers ringless voicemail), for the debts it covers, from effective_at until until_at or
-- the person's next event for the same channel and debt with an empty range (local_start =
-- local_end: the person withdrew their ranges). A second range does not end the first: a person
-- who rules out 12:00–13:00 and later 18:00–19:00 has both ruled out (12 CFR 1006.6(b)(1): a time
-- the collector knows to be inconvenient), and a contact is judged against every range in force,
-- the finding naming the latest that it falls in. The clock is read at the address and, when it
-- differs, in the contact point's zone. Exception: a single reply on the same channel within
-- $reply_within_us of the person's own inbound contact (the latest earlier contact of the person on
-- that channel is that inbound one).
WITH p AS (
	SELECT * FROM (
		SELECT p.event_id, p.cid, p.aid, p.account_id IS NULL AS every_debt, p.channel AS pch,
			epoch_us(p.effective_at) AS start_ts,
			least(coalesce(epoch_us(p.until_at), 9223372036854775807),
				coalesce(min(CASE WHEN p.local_start = p.local_end THEN epoch_us(p.effective_at) END) OVER (
					PARTITION BY p.customer_id, p.account_id, p.channel ORDER BY p.effective_at, p.event_id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
					9223372036854775807)) AS end_ts,
			epoch_us(DATE '1970-01-01' + p.local_start) AS s, epoch_us(DATE '1970-01-01' + p.local_end) AS e,
			p.local_start, p.local_end
		FROM aud_pref p
		WHERE p.kind = 'inconvenient_time' AND p.local_start IS NOT NULL AND p.local_end IS NOT NULL
	) WHERE local_start <> local_end
), pc AS (
	-- one row per channel the event covers, as the code of the contacts' channel enum
	SELECT p.*, unnest(CASE WHEN p.pch = 'all' THEN range(len($channel_names))
		WHEN p.pch = 'call' THEN [list_position($channel_names, 'call') - 1, list_position($channel_names, 'ringless_voicemail') - 1]
		ELSE [list_position($channel_names, p.pch) - 1] END) AS ch
	FROM p
), cand AS (
	SELECT c.rid, c.cid, c.channel, c.ts, c.la, c.lc, p.event_id, p.start_ts, p.local_start, p.local_end,
		(CASE WHEN p.s < p.e THEN c.la % 86400000000 >= p.s AND c.la % 86400000000 < p.e
		      ELSE c.la % 86400000000 >= p.s OR c.la % 86400000000 < p.e END) AS in_addr,
		(c.lc IS NOT NULL AND CASE WHEN p.s < p.e THEN c.lc % 86400000000 >= p.s AND c.lc % 86400000000 < p.e
		      ELSE c.lc % 86400000000 >= p.s OR c.lc % 86400000000 < p.e END) AS in_contact
	FROM aud_c c
	JOIN pc p ON p.cid = c.cid AND p.ch = enum_code(c.channel) AND (p.every_debt OR p.aid = c.aid)
	  AND c.ts >= p.start_ts AND c.ts < p.end_ts
	WHERE {{counted}}
), hits AS (
	-- every range in force is checked; the finding names the latest one the contact falls in
	SELECT * EXCLUDE (start_ts) FROM cand WHERE in_addr OR in_contact
	QUALIFY row_number() OVER (PARTITION BY rid ORDER BY start_ts DESC, event_id) = 1
), prior AS (
	SELECT c.cid, c.channel, c.ts, c.direction FROM aud_c c WHERE c.cid IN (SELECT cid FROM hits)
), judged AS (
	SELECT h.*, pr.direction AS prev_direction, pr.ts AS prev_ts
	FROM hits h ASOF LEFT JOIN prior pr ON pr.cid = h.cid AND pr.channel = h.channel AND h.ts > pr.ts
)
SELECT j.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, j.la // 86400000000 AS ld, [j.rid] AS rids,
	printf('at %s local time, inside %s to %s that the person ruled out (%s)',
		strftime(make_timestamp(CASE WHEN j.in_addr THEN j.la ELSE j.lc END), '%H:%M:%S'),
		strftime(DATE '1970-01-01' + j.local_start, '%H:%M'), strftime(DATE '1970-01-01' + j.local_end, '%H:%M'), j.event_id) AS detail
FROM judged j
WHERE NOT coalesce(j.prev_direction = 'inbound'::contact_direction AND j.ts - j.prev_ts <= $reply_within_us, false)
