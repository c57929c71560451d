-- The compliance audit, risk flag repeat_unanswered: two counted (unanswered) calls to the same
-- number within $minutes minutes, whoever they were about (12 CFR 1006.14(b)(1): a telephone
-- rung repeatedly, "any person at the called number"; a household's shared number rings for each
-- of its people); one flag per second call. The calls are first put in order by the index's
-- 32-bit hash of the number, which may put two numbers together: every call with a neighbour
-- within $minutes there is read again with the number itself (from the interactions, for those
-- few rows) and paired with the previous call to the same number. A call's previous call to its
-- own number within $minutes is among them: every call between the two is within $minutes too.
WITH u AS (
	SELECT c.rid, c.pk, c.ts, c.la FROM aud_c c WHERE {{counted}}
), n AS (
	SELECT u.*, lag(u.ts) OVER w AS prev_ts, lead(u.ts) OVER w AS next_ts
	FROM u WINDOW w AS (PARTITION BY u.pk ORDER BY u.ts, u.rid)
), near AS (
	SELECT n.rid, n.ts, n.la FROM n
	WHERE n.ts - n.prev_ts <= $minutes * 60000000 OR n.next_ts - n.ts <= $minutes * 60000000
), k AS MATERIALIZED (
	-- the interactions are the probe side (written first; the audit fixes the join sides as
	-- written): a hash table of the few calls found, not of every interaction's number
	SELECT near.rid, near.ts, near.la, i.contact_point AS point
	FROM interactions i JOIN near ON i.rowid = near.rid
), l AS (
	SELECT k.*, lag(k.ts) OVER w AS prev_ts, lag(k.rid) OVER w AS prev_rid
	FROM k WINDOW w AS (PARTITION BY k.point ORDER BY k.ts, k.rid)
)
SELECT rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, la // 86400000000 AS ld, [prev_rid, rid] AS rids,
	printf('two unanswered calls to the same number %s apart; flagged within %d minutes',
		CASE WHEN ts - prev_ts < 60000000 THEN printf('%d s', ((ts - prev_ts) // 1000000)::BIGINT)
		     ELSE printf('%d min %d s', ((ts - prev_ts) // 60000000)::BIGINT, (((ts - prev_ts) // 1000000) % 60)::BIGINT) END,
		$minutes) AS detail
FROM l
WHERE prev_ts IS NOT NULL AND ts - prev_ts <= $minutes * 60000000
