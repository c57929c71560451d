-- The compliance audit, rule type frequency: more than $limit counted contacts within
-- $window_days consecutive local dates (at the account's address), counted per person and debt,
-- per debt, or per person and contact point ($per). A rolling window is checked at every date:
-- one finding per date on which a counted contact was placed while the window ending that date
-- held more than the limit, with every contact of the window.
WITH c AS (
	SELECT CASE $per WHEN 'debt' THEN c.acct WHEN 'contact_point' THEN c.cust || chr(31) || c.cpoint ELSE c.cust || chr(31) || c.acct END AS k,
		c.rid, c.iid, c.cust, c.owner, c.acct, c.ts, c.la // 86400000000 AS ld
	FROM aud_c c
	WHERE {{counted}}
), d AS (
	SELECT k, ld, count(*) AS n FROM c GROUP BY ALL
), w AS (
	SELECT k, ld, sum(n) OVER (PARTITION BY k ORDER BY ld RANGE BETWEEN $window_days - 1 PRECEDING AND CURRENT ROW) AS wn FROM d
), o AS (
	SELECT k, ld, wn FROM w WHERE wn > $limit
)
SELECT
	CASE WHEN $per = 'debt' THEN arg_max(c.owner, c.ts) ELSE arg_max(c.cust, c.ts) END AS cust,
	arg_max(c.acct, c.ts) AS acct,
	(DATE '1970-01-01' + (o.ld - ($window_days - 1))::INTEGER) AS window_start,
	(DATE '1970-01-01' + o.ld::INTEGER) AS window_end,
	arg_max(c.rid, c.ts) AS rid,
	o.ld,
	list(c.iid ORDER BY c.ts, c.iid) AS iids,
	printf('%d %s in %d consecutive days (%s to %s); the limit is %d',
		o.wn::BIGINT, $noun, $window_days, strftime(DATE '1970-01-01' + (o.ld - ($window_days - 1))::INTEGER, '%-d %b %Y'),
		strftime(DATE '1970-01-01' + o.ld::INTEGER, '%-d %b %Y'), $limit) AS detail
FROM o JOIN c ON c.k = o.k AND c.ld BETWEEN o.ld - ($window_days - 1) AND o.ld
GROUP BY o.k, o.ld, o.wn
