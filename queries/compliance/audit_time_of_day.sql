-- The compliance audit, rule type time_of_day: a counted contact (a message when sent) before
-- $from_us or after $until_us local clock time (µs since local midnight) in any zone the collector
-- knew the consumer might be in when it was made (12 CFR 1006.6(b)(1)(i) and comment
-- 6(b)(1)(i)-1: a convenient time in every location the collector knows of): the account's
-- address as it was then (the index's za and la, from the zone history), the contact point's zone
-- when it differs (lc), and the addresses of the person's other debts at that time (aud_pz, the
-- people who have known more than one zone; their few contacts are converted one by one). Exactly
-- the bounds (08:00:00, 21:00:00) are inside. With $except_consented (the rule's
-- except_consented_times), a time the person agreed to is not a finding (1006.6(b)(1): "absent the
-- prior consent of the consumer"): contact_preferences kind consent_to_time, a local clock range
-- (local_start ≤ clock < local_end, may wrap midnight) on the channels the event covers ('all' every
-- one, call covers ringless voicemail), for the debts it covers, from effective_at until until_at;
-- each zone's clock is checked against it.
WITH hits AS MATERIALIZED (
	SELECT c.rid, c.la, c.lc, c.za, c.zc, c.cid, c.aid, c.channel, c.ts
	FROM aud_c c
	WHERE {{counted}}
	  AND (c.la % 86400000000 < $from_us OR c.la % 86400000000 > $until_us
		OR (c.lc IS NOT NULL AND (c.lc % 86400000000 < $from_us OR c.lc % 86400000000 > $until_us)))
), other AS (
	-- the person's other address zones in force at the contact, and the local time there
	SELECT x.rid, x.la, x.zid, epoch_us(timezone(z.zone, make_timestamp(x.ts)::TIMESTAMPTZ)) AS lt, x.cid, x.aid, x.channel, x.ts
	FROM (
		SELECT DISTINCT c.rid, c.la, c.ts, pz.zid, c.cid, c.aid, c.channel
		FROM aud_c c JOIN aud_pz pz ON pz.cid = c.cid AND c.ts >= pz.from_ts AND c.ts < pz.to_ts
		WHERE {{counted}} AND pz.zid <> c.za AND pz.zid IS DISTINCT FROM c.zc
	) x JOIN aud_zone z ON z.zid = x.zid
), bad0 AS (
	SELECT rid, la, za AS zid, la AS lt, 0 AS ord, cid, aid, channel, ts FROM hits WHERE la % 86400000000 < $from_us OR la % 86400000000 > $until_us
	UNION ALL
	SELECT rid, la, zc, lc, 1, cid, aid, channel, ts FROM hits WHERE lc IS NOT NULL AND (lc % 86400000000 < $from_us OR lc % 86400000000 > $until_us)
	UNION ALL
	SELECT rid, la, zid, lt, 2, cid, aid, channel, ts FROM other WHERE lt % 86400000000 < $from_us OR lt % 86400000000 > $until_us
), ct AS (
	-- the local ranges the person agreed to (none unless the rule honours them)
	SELECT p.cid, p.aid, p.account_id IS NULL AS every_debt, p.channel AS pch,
		epoch_us(p.effective_at) AS start_ts, coalesce(epoch_us(p.until_at), 9223372036854775807) AS end_ts,
		epoch_us(DATE '1970-01-01' + p.local_start) AS s, epoch_us(DATE '1970-01-01' + p.local_end) AS e
	FROM aud_pref p
	WHERE $except_consented AND p.kind = 'consent_to_time' AND p.local_start IS NOT NULL AND p.local_end IS NOT NULL AND p.local_start <> p.local_end
), bad AS (
	SELECT b.* FROM bad0 b
	WHERE NOT EXISTS (
		SELECT 1 FROM ct
		WHERE ct.cid = b.cid AND (ct.every_debt OR ct.aid = b.aid) AND b.ts >= ct.start_ts AND b.ts < ct.end_ts
		  AND (ct.pch = 'all' OR ct.pch = b.channel::VARCHAR OR (ct.pch = 'call' AND b.channel = 'ringless_voicemail'::contact_channel))
		  AND CASE WHEN ct.s < ct.e THEN b.lt % 86400000000 >= ct.s AND b.lt % 86400000000 < ct.e
		           ELSE b.lt % 86400000000 >= ct.s OR b.lt % 86400000000 < ct.e END
	)
), bz AS MATERIALIZED (
	SELECT b.rid, b.la, b.ord, z.zone,
		printf('%s in %s (%s)', strftime(make_timestamp(b.lt), '%H:%M:%S'), z.zone,
			['the address', 'the contact point', 'the address of another debt of the person'][b.ord + 1]) AS t
	FROM bad b JOIN aud_zone z ON z.zid = b.zid
), multi AS (
	-- the contacts outside the hours in another zone than the address's (a few): the others have
	-- one row, the address's, and need no grouping
	SELECT DISTINCT rid FROM bz WHERE ord > 0
)
SELECT b.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, b.la // 86400000000 AS ld, [b.rid] AS rids,
	b.t || printf('; allowed %s to %s local time', $allowed_from, $allowed_until) AS detail
FROM bz b
WHERE b.ord = 0 AND b.rid NOT IN (SELECT rid FROM multi)
UNION ALL
-- the zones of a contact listed in order of (ord, zone), one per zone: a list of (ord, zone, text)
-- sorted after the grouping, not an ordered aggregate (DuckDB sorts each group of an ordered
-- aggregate apart: 3 s for 70,000 groups of one row at 200,000 accounts)
SELECT b.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, any_value(b.la) // 86400000000 AS ld, [b.rid] AS rids,
	array_to_string(list_transform(list_sort(list({'o': b.ord, 'z': b.zone, 't': b.t})), x -> x.t), '; ')
	|| printf('; allowed %s to %s local time', $allowed_from, $allowed_until) AS detail
FROM bz b
WHERE b.rid IN (SELECT rid FROM multi)
GROUP BY b.rid
