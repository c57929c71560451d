-- UTC offsets (microseconds) per zone of aud_zone and UTC day over the days of the interactions,
-- at the start (off0) and the end (off1) of the day; t_change is the first instant (µs since
-- epoch) of the day with offset off1 when the offset changes inside the day (daylight saving,
-- found to the quarter hour). Local time of a contact = epoch + offset: integer arithmetic on
-- 30 M rows instead of 60 M time-zone conversions; the offsets come from DuckDB's ICU rules.
-- Used by the contact index (contact_index_append.sql) and the compliance overview's counts.
CREATE OR REPLACE TEMP TABLE aud_off AS
WITH r AS (
	SELECT epoch_us(min(occurred_at)) // 86400000000 - 1 AS d0, epoch_us(max(occurred_at)) // 86400000000 + 1 AS d1
	FROM interactions
), d AS (
	SELECT z.zid, z.zone, unnest(range(r.d0, r.d1 + 1)) AS day FROM aud_zone z, r WHERE r.d0 IS NOT NULL
), o AS (
	SELECT zid, zone, day,
		epoch_us(timezone(zone, make_timestamp(day * 86400000000)::TIMESTAMPTZ)) - day * 86400000000 AS off0,
		epoch_us(timezone(zone, make_timestamp((day + 1) * 86400000000 - 1)::TIMESTAMPTZ)) - ((day + 1) * 86400000000 - 1) AS off1
	FROM d
), q AS (
	SELECT zid, zone, day, off1, day * 86400000000 + k * 900000000 AS t
	FROM (SELECT *, unnest(range(0, 96)) AS k FROM o WHERE off0 <> off1)
), t AS (
	SELECT zid, day, min(t) AS t_change FROM q
	WHERE epoch_us(timezone(zone, make_timestamp(t)::TIMESTAMPTZ)) - t = off1
	GROUP BY ALL
)
SELECT o.zid, o.day, o.off0, o.off1, coalesce(t.t_change, 9223372036854775807) AS t_change
FROM o LEFT JOIN t USING (zid, day);
