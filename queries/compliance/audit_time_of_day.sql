-- The compliance audit, rule type time_of_day: a counted contact (a message when sent) before
-- $from_us or after $until_us local clock time (µs since local midnight) at the account's address
-- or, when it differs, in the contact point's zone: it must be inside the window in every zone
-- the data points to. Exactly the bounds (08:00:00, 21:00:00) are inside.
SELECT c.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, c.la // 86400000000 AS ld, [c.rid] AS rids,
	concat_ws('; ',
		CASE WHEN c.la % 86400000000 < $from_us OR c.la % 86400000000 > $until_us
			THEN printf('%s in %s (the address)', strftime(make_timestamp(c.la), '%H:%M:%S'), za.zone) END,
		CASE WHEN c.lc IS NOT NULL AND (c.lc % 86400000000 < $from_us OR c.lc % 86400000000 > $until_us)
			THEN printf('%s in %s (the contact point)', strftime(make_timestamp(c.lc), '%H:%M:%S'), zc.zone) END
	) || printf('; allowed %s to %s local time', $allowed_from, $allowed_until) AS detail
FROM aud_c c
JOIN aud_zone za ON za.zid = c.za
LEFT JOIN aud_zone zc ON zc.zid = c.zc
WHERE {{counted}}
  AND (c.la % 86400000000 < $from_us OR c.la % 86400000000 > $until_us
	OR (c.lc IS NOT NULL AND (c.lc % 86400000000 < $from_us OR c.lc % 86400000000 > $until_us)))
