-- The compliance audit, rule type frequency: more than $limit counted contacts within
-- $window_days consecutive local dates (at the account's address), counted per person and debt,
-- per debt, or per person and contact point ($per). A rolling window is checked at every date:
-- one finding per date on which a counted contact was placed while the window ending that date
-- held more than the limit, with every contact of the window (rids) and the last one (rid).
-- The dates are found with one sort: in order of local date, a contact whose $limit-th
-- predecessor is less than $window_days dates older closes a window of more than $limit contacts
-- (which of a date's contacts comes first does not change the dates found). The sort is on one
-- 64-bit key (k): the top 32 bits of a hash of the person and debt (or number) and the date. Two
-- keys may share a hash: that only adds candidate windows, since every window is counted again on
-- the keys themselves (GROUP BY k1, k2 and HAVING below), and a window of too many contacts has
-- too many under the shared hash too. The contacts are read
-- again for the few windows found rather than kept (NOT MATERIALIZED): writing 10 M rows aside
-- costs more than a second scan. The exclusions (wrong numbers, consent windows) are tested only
-- on that second reading, on the contacts of the windows found (w), not on every call: the sort
-- runs on the contacts before exclusions, so it finds every window that could hold too many (a
-- superset), and a window is kept when its counted contacts are still more than $limit and one of
-- them was placed on its last date (HAVING).
WITH b AS NOT MATERIALIZED (
	SELECT k1, k2, hash(k1, k2) >> 32 AS hk, rid, ts, ld, cid, pk, party, channel
	FROM (
		SELECT CASE WHEN $per = 'debt' THEN 0 ELSE c.cid END AS k1,
			CASE WHEN $per = 'contact_point' THEN c.pk ELSE c.aid END AS k2,
			c.rid, c.ts, (c.la // 86400000000)::INTEGER AS ld, c.cid, c.pk, c.party, c.channel
		FROM aud_c c
		WHERE {{counted_base}}
	)
), l AS (
	SELECT k, lag(k, $limit) OVER (ORDER BY k) AS pk
	FROM (SELECT (hk << 32) | (ld::BIGINT + 2147483648)::UBIGINT AS k FROM b)
), o AS (
	SELECT DISTINCT k >> 32 AS hk, (k & 4294967295)::BIGINT - 2147483648 AS ld
	FROM l WHERE pk >> 32 = k >> 32 AND (k & 4294967295)::BIGINT - (pk & 4294967295)::BIGINT < $window_days
), w AS MATERIALIZED (
	SELECT c.k1, c.k2, o.ld AS wld, c.rid, c.ts, c.ld, c.cid, c.pk, c.party, c.channel
	FROM b c JOIN o ON c.hk = o.hk AND c.ld BETWEEN o.ld - ($window_days - 1) AND o.ld
)
SELECT
	arg_max(c.rid, c.ts) AS rid,
	$per = 'debt' AS use_owner,
	(DATE '1970-01-01' + (c.wld - ($window_days - 1))::INTEGER) AS window_start,
	(DATE '1970-01-01' + c.wld::INTEGER) AS window_end,
	c.wld AS ld,
	list_transform(list_sort(list({'t': c.ts, 'r': c.rid})), x -> x.r) AS rids,
	printf('%d %s in %d consecutive days (%s to %s); the limit is %d',
		count(*), $noun, $window_days, strftime(DATE '1970-01-01' + (c.wld - ($window_days - 1))::INTEGER, '%-d %b %Y'),
		strftime(DATE '1970-01-01' + c.wld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM w c
WHERE {{exclusions}}
GROUP BY c.k1, c.k2, c.wld
HAVING count(*) > $limit AND bool_or(c.ld = c.wld)
