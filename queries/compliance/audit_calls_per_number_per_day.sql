-- The compliance audit, risk flag calls_per_number_per_day: $limit or more counted calls to one
-- number on one local date (each call's date at its account's address), whoever they were about:
-- 12 CFR 1006.14(b)(1) is about a telephone rung repeatedly, "any person at the called number",
-- so the calls about the several people of a household who share a number count together. The
-- dates are found with one sort over the index's 32-bit hash of the number (a call whose
-- ($limit - 1)-th predecessor to the hash is on the same date); the 32-bit hash may put two
-- numbers of different people together, so the calls of the dates found are read again with the
-- number itself (from the interactions, for those few rows) and counted per number.
WITH c AS NOT MATERIALIZED (
	SELECT c.rid, c.pk, c.ts, (c.la // 86400000000)::INTEGER AS ld FROM aud_c c WHERE {{counted}}
), l AS (
	SELECT pk, ld, lag(ld, $limit - 1) OVER (PARTITION BY pk ORDER BY ld) AS pld FROM c
), g AS (
	SELECT DISTINCT pk, ld FROM l WHERE pld = ld
), m AS MATERIALIZED (
	SELECT c.rid, c.ts, c.ld, i.contact_point AS point
	FROM c JOIN g ON c.pk = g.pk AND c.ld = g.ld JOIN interactions i ON i.rowid = c.rid
)
SELECT arg_max(m.rid, m.ts) AS rid, false AS use_owner,
	(DATE '1970-01-01' + m.ld::INTEGER) AS window_start, (DATE '1970-01-01' + m.ld::INTEGER) AS window_end,
	m.ld, list(m.rid ORDER BY m.ts, m.rid) AS rids,
	printf('%d calls to one number on %s; flagged from %d', count(*), strftime(DATE '1970-01-01' + m.ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM m
GROUP BY m.point, m.ld
HAVING count(*) >= $limit
