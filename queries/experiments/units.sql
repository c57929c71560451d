-- experiments/units: one row per account assigned to experiment $experiment (intention to
-- treat: every assigned account, reached or not), with what the other queries of this
-- folder need (src/lib/server/experiments/analysis/sql.ts keeps it in the temporary table
-- exp_units):
-- - k, a row number: the other queries join and group on it rather than on account_id;
-- - arm (the assignment's variant), assigned_at, and ws, the first day the account counts
--   in the experiment: the later of the assignment's date (UTC) and the experiment's start;
-- - the account's attributes for the segments (segment, vulnerable) and the joins
--   (customer_id);
-- - entry_week: the Monday of the week the account entered the experiment (its assignment,
--   or, when it was assigned before its episode started, the episode's start): the effect
--   over time is cumulated over it;
-- - the account's first delinquency episode that started on or after ws and on or before
--   $as_of, with its cure and charge-off as known at $as_of (NULL: no episode; such an
--   account has no episode outcome, see queries/experiments/outcomes.sql);
-- - ws_d, started_d, cured_d and episode_end_d (the cure, the charge-off or $as_of): the same
--   days as day numbers (days since 1970-01-01), cheap to compare over many rows;
-- - the UTC offset of the account's time zone (accounts.timezone) in seconds: tz_off0 at the
--   start, and up to four changes (daylight saving) tz_at1…4 (epoch seconds) with the
--   offsets from then on, tz_off1…4, from the day before the earliest ws to the day after
--   $as_of. They give the customer's local date of a call without converting every row
--   (queries/experiments/contacts.sql). Four changes cover two years; a longer window
--   keeps the fourth offset.
-- Accounts assigned after $as_of are not counted yet (nor any, when the experiment starts
-- after $as_of).
-- Parameters: $experiment (id), $start (the experiment's start date), $as_of (date).
WITH x AS (
	-- the UTC day of the assignment from its instant (cheaper than a cast, the same in UTC)
	SELECT row_number() OVER ()::INTEGER AS k, x.account_id, x.variant AS arm, x.assigned_at,
		greatest(DATE '1970-01-01' + (epoch_us(x.assigned_at) // 86400000000)::INTEGER, $start::DATE) AS ws
	FROM experiment_assignments x
	WHERE x.experiment_id = $experiment AND x.assigned_at < $as_of::DATE + 1
		AND $start::DATE <= $as_of::DATE -- an experiment that starts after $as_of has no account yet
),
xa AS (
	SELECT x.*, a.customer_id, a.segment, a.vulnerable, a.timezone
	FROM x LEFT JOIN accounts a USING (account_id)
),
ep AS (
	SELECT xa.k, d.episode_id, d.started_on, d.amount_past_due,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on
	FROM delinquencies d JOIN xa USING (account_id)
	WHERE d.started_on >= xa.ws AND d.started_on <= $as_of::DATE
		AND d.started_on >= $start::DATE -- implied by the line above; filters before the join
	QUALIFY row_number() OVER (PARTITION BY xa.k ORDER BY d.started_on, d.episode_id) = 1
),
-- the offset of each zone hour by hour, and the hours where it changes
zone_hours AS (
	SELECT z.timezone, epoch(h.hour)::BIGINT AS at_s, (epoch(timezone(z.timezone, h.hour)) - epoch(h.hour))::BIGINT AS off_s
	FROM (SELECT DISTINCT timezone FROM xa WHERE timezone IS NOT NULL) z
	CROSS JOIN generate_series(
		(least((SELECT min(ws) FROM x), $as_of::DATE) - 1)::TIMESTAMPTZ, ($as_of::DATE + 2)::TIMESTAMPTZ, INTERVAL 1 HOUR) h(hour)
),
zones AS (
	SELECT timezone, list(off_s ORDER BY at_s) AS offs, list(at_s ORDER BY at_s) AS ats
	FROM (SELECT * FROM zone_hours QUALIFY off_s IS DISTINCT FROM lag(off_s) OVER (PARTITION BY timezone ORDER BY at_s))
	GROUP BY timezone
)
SELECT xa.k, xa.account_id, xa.arm, xa.assigned_at, xa.ws,
	xa.customer_id, xa.segment, xa.vulnerable,
	date_trunc('week', greatest(xa.ws, coalesce(ep.started_on, xa.ws)))::DATE AS entry_week,
	ep.episode_id, ep.started_on, ep.amount_past_due::DOUBLE AS amount_past_due, ep.cured_on, ep.charged_off_on,
	-- the same days as day numbers (days since 1970-01-01), for the comparisons over many rows
	(xa.ws - DATE '1970-01-01')::INTEGER AS ws_d,
	(ep.started_on - DATE '1970-01-01')::INTEGER AS started_d,
	(ep.cured_on - DATE '1970-01-01')::INTEGER AS cured_d,
	(coalesce(ep.cured_on, ep.charged_off_on, $as_of::DATE) - DATE '1970-01-01')::INTEGER AS episode_end_d,
	coalesce(z.offs[1], 0) AS tz_off0,
	z.ats[2] AS tz_at1, z.offs[2] AS tz_off1,
	z.ats[3] AS tz_at2, z.offs[3] AS tz_off2,
	z.ats[4] AS tz_at3, z.offs[4] AS tz_off3,
	z.ats[5] AS tz_at4, z.offs[5] AS tz_off4
FROM xa
LEFT JOIN ep USING (k)
LEFT JOIN zones z USING (timezone);
