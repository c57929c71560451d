-- The compliance audit, risk flag calls_per_number_per_day: $limit or more counted calls to one
-- contact point of a person on one local date (at the account's address). The dates are found
-- with one sort (a call whose ($limit - 1)-th predecessor to the number is on the same date); the
-- calls of those dates are listed after.
WITH c AS NOT MATERIALIZED (
	SELECT c.rid, c.cid, c.pk, c.ts, c.la, (c.la // 86400000000)::INTEGER AS ld FROM aud_c c WHERE {{counted}}
), l AS (
	SELECT cid, pk, ld, lag(ld, $limit - 1) OVER (PARTITION BY cid, pk ORDER BY ld) AS pld FROM c
), g AS (
	SELECT DISTINCT cid, pk, ld FROM l WHERE pld = ld
)
SELECT arg_max(c.rid, c.ts) AS rid, false AS use_owner,
	(DATE '1970-01-01' + g.ld::INTEGER) AS window_start, (DATE '1970-01-01' + g.ld::INTEGER) AS window_end,
	g.ld, list(c.rid ORDER BY c.ts, c.rid) AS rids,
	printf('%d calls to one number on %s; flagged from %d', count(*), strftime(DATE '1970-01-01' + g.ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM c JOIN g ON c.cid = g.cid AND c.pk = g.pk AND c.ld = g.ld
GROUP BY g.cid, g.pk, g.ld
