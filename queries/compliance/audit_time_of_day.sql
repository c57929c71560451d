-- The compliance audit, rule type time_of_day: a counted contact (a message when sent) before
-- $from_us or after $until_us local clock time (µs since local midnight) in any zone the collector
-- knew the consumer might be in when it was made (12 CFR 1006.6(b)(1)(i) and comment
-- 6(b)(1)(i)-1: a convenient time in every location the collector knows of): the account's
-- address as it was then (the index's za and la, from the zone history), the contact point's zone
-- when it differs (lc), and the addresses of the person's other debts at that time (aud_pz, the
-- people who have known more than one zone; their few contacts are converted one by one). Exactly
-- the bounds (08:00:00, 21:00:00) are inside.
WITH hits AS MATERIALIZED (
	SELECT c.rid, c.la, c.lc, c.za, c.zc
	FROM aud_c c
	WHERE {{counted}}
	  AND (c.la % 86400000000 < $from_us OR c.la % 86400000000 > $until_us
		OR (c.lc IS NOT NULL AND (c.lc % 86400000000 < $from_us OR c.lc % 86400000000 > $until_us)))
), other AS (
	-- the person's other address zones in force at the contact, and the local time there
	SELECT x.rid, x.la, x.zid, epoch_us(timezone(z.zone, make_timestamp(x.ts)::TIMESTAMPTZ)) AS lt
	FROM (
		SELECT DISTINCT c.rid, c.la, c.ts, pz.zid
		FROM aud_c c JOIN aud_pz pz ON pz.cid = c.cid AND c.ts >= pz.from_ts AND c.ts < pz.to_ts
		WHERE {{counted}} AND pz.zid <> c.za AND pz.zid IS DISTINCT FROM c.zc
	) x JOIN aud_zone z ON z.zid = x.zid
), bad AS (
	SELECT rid, la, za AS zid, la AS lt, 0 AS ord FROM hits WHERE la % 86400000000 < $from_us OR la % 86400000000 > $until_us
	UNION ALL
	SELECT rid, la, zc, lc, 1 FROM hits WHERE lc IS NOT NULL AND (lc % 86400000000 < $from_us OR lc % 86400000000 > $until_us)
	UNION ALL
	SELECT rid, la, zid, lt, 2 FROM other WHERE lt % 86400000000 < $from_us OR lt % 86400000000 > $until_us
)
SELECT b.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, any_value(b.la) // 86400000000 AS ld, [b.rid] AS rids,
	string_agg(printf('%s in %s (%s)', strftime(make_timestamp(b.lt), '%H:%M:%S'), z.zone,
		['the address', 'the contact point', 'the address of another debt of the person'][b.ord + 1]), '; ' ORDER BY b.ord, z.zone)
	|| printf('; allowed %s to %s local time', $allowed_from, $allowed_until) AS detail
FROM bad b JOIN aud_zone z ON z.zid = b.zid
GROUP BY b.rid
