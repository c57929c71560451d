-- The compliance audit, risk flag calls_per_number_per_day: $limit or more counted calls to one
-- contact point of a person on one local date (at the account's address). The dates are found by
-- a count first; the calls of those dates are listed after.
WITH c AS (
	SELECT c.rid, c.cid, c.pk, c.ts, c.la // 86400000000 AS ld FROM aud_c c WHERE {{counted}}
), g AS (
	SELECT cid, pk, ld, count(*) AS n FROM c GROUP BY ALL HAVING count(*) >= $limit
)
SELECT arg_max(c.rid, c.ts) AS rid, false AS use_owner,
	(DATE '1970-01-01' + g.ld::INTEGER) AS window_start, (DATE '1970-01-01' + g.ld::INTEGER) AS window_end,
	g.ld, list(c.rid ORDER BY c.ts, c.rid) AS rids,
	printf('%d calls to one number on %s; flagged from %d', g.n, strftime(DATE '1970-01-01' + g.ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM g JOIN c ON c.cid = g.cid AND c.pk = g.pk AND c.ld = g.ld
GROUP BY g.cid, g.pk, g.ld, g.n
