-- The compliance audit, risk flag calls_per_number_per_day: $limit or more counted calls to one
-- number on one local date (each call's date at its account's address), whoever they were about:
-- 12 CFR 1006.14(b)(1) is about a telephone rung repeatedly, "any person at the called number",
-- so the calls about the several people of a household who share a number count together. The
-- dates are found with one sort over one 64-bit key, the index's 32-bit hash of the number and the
-- date (a call whose ($limit - 1)-th predecessor in that order has the same key); the 32-bit hash
-- may put two numbers of different people together, so the calls of the dates found are read
-- again with the number itself (from the interactions, for those few rows) and counted per number.
WITH c AS NOT MATERIALIZED (
	SELECT c.rid, c.ts, (c.la // 86400000000)::INTEGER AS ld,
		(c.pk::UBIGINT << 32) | ((c.la // 86400000000)::INTEGER::BIGINT + 2147483648)::UBIGINT AS k
	FROM aud_c c WHERE {{counted}}
), l AS (
	SELECT k, lag(k, $limit - 1) OVER (ORDER BY k) AS pk FROM c
), g AS (
	SELECT DISTINCT k FROM l WHERE pk = k
), d AS (
	SELECT c.rid, c.ts, c.ld FROM c JOIN g ON c.k = g.k
), m AS MATERIALIZED (
	-- the interactions are the probe side (written first; the audit fixes the join sides as
	-- written): a hash table of the few calls found, not of every interaction's number
	SELECT d.rid, d.ts, d.ld, i.contact_point AS point
	FROM interactions i JOIN d ON i.rowid = d.rid
)
SELECT arg_max(m.rid, m.ts) AS rid, false AS use_owner,
	(DATE '1970-01-01' + m.ld::INTEGER) AS window_start, (DATE '1970-01-01' + m.ld::INTEGER) AS window_end,
	m.ld, list_transform(list_sort(list({'t': m.ts, 'r': m.rid})), x -> x.r) AS rids,
	printf('%d calls to one number on %s; flagged from %d', count(*), strftime(DATE '1970-01-01' + m.ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM m
GROUP BY m.point, m.ld
HAVING count(*) >= $limit
