-- The compliance audit, risk flag repeat_unanswered: two counted (unanswered) calls to the same
-- contact point of a person within $minutes minutes; one flag per second call.
WITH u AS (
	SELECT c.rid, c.cid, c.pk, c.ts, c.la FROM aud_c c WHERE {{counted}}
), l AS (
	SELECT u.*, lag(u.ts) OVER w AS prev_ts, lag(u.rid) OVER w AS prev_rid
	FROM u WINDOW w AS (PARTITION BY u.cid, u.pk ORDER BY u.ts, u.rid)
)
SELECT rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, la // 86400000000 AS ld, [prev_rid, rid] AS rids,
	printf('two unanswered calls to the same number %s apart; flagged within %d minutes',
		CASE WHEN ts - prev_ts < 60000000 THEN printf('%d s', ((ts - prev_ts) // 1000000)::BIGINT)
		     ELSE printf('%d min %d s', ((ts - prev_ts) // 60000000)::BIGINT, (((ts - prev_ts) // 1000000) % 60)::BIGINT) END,
		$minutes) AS detail
FROM l
WHERE prev_ts IS NOT NULL AND ts - prev_ts <= $minutes * 60000000
