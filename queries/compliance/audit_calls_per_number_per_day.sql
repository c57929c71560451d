-- The compliance audit, risk flag calls_per_number_per_day: $limit or more counted calls to one
-- contact point of a person on one local date (at the account's address).
WITH c AS (
	SELECT c.rid, c.cid, c.pk, c.ts, c.la // 86400000000 AS ld FROM aud_c c WHERE {{counted}}
)
SELECT arg_max(rid, ts) AS rid, false AS use_owner,
	(DATE '1970-01-01' + ld::INTEGER) AS window_start, (DATE '1970-01-01' + ld::INTEGER) AS window_end,
	ld, list(rid ORDER BY ts, rid) AS rids,
	printf('%d calls to one number on %s; flagged from %d', count(*), strftime(DATE '1970-01-01' + ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM c
GROUP BY cid, pk, ld
HAVING count(*) >= $limit
