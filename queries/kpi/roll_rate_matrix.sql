-- kpi/roll_rate_matrix: the end of kpi/roll_rate and its summary variant, put after their CTEs,
-- which end in `e` (the episodes started on or before $to: episode_id, started_on, and cured_on
-- and charged_off_on as known at $as_of, NULL when later or none). Rows: from_bucket, to_bucket,
-- episodes, share, as kpi/roll_rate says.
month_ends AS (
	SELECT last_day(m)::DATE AS month_end, (date_trunc('month', m)::DATE - 1) AS prev_end
	FROM range(date_trunc('month', $from::DATE), $to::DATE + 1, INTERVAL 1 MONTH) r(m)
),
transitions AS (
	SELECT * FROM month_ends WHERE month_end BETWEEN $from::DATE AND $to::DATE AND month_end <= $as_of::DATE
),
moves AS (
	SELECT (t.prev_end - e.started_on)::INTEGER AS dpd_from,
		CASE WHEN e.cured_on <= t.month_end THEN 'cured'
			WHEN e.charged_off_on <= t.month_end THEN 'charged_off' END AS closed_as,
		(t.month_end - e.started_on)::INTEGER AS dpd_to
	FROM transitions t JOIN e ON e.started_on <= t.prev_end
	WHERE coalesce(e.cured_on, e.charged_off_on) IS NULL OR coalesce(e.cured_on, e.charged_off_on) > t.prev_end
),
cells AS (
	SELECT
		CASE WHEN dpd_from < 30 THEN '1–29' WHEN dpd_from < 60 THEN '30–59' WHEN dpd_from < 90 THEN '60–89' WHEN dpd_from < 120 THEN '90–119' ELSE '120+' END AS from_bucket,
		coalesce(closed_as, CASE WHEN dpd_to < 30 THEN '1–29' WHEN dpd_to < 60 THEN '30–59' WHEN dpd_to < 90 THEN '60–89' WHEN dpd_to < 120 THEN '90–119' ELSE '120+' END) AS to_bucket,
		{{metrics:count(episodes)}}
	FROM moves
	GROUP BY ALL
)
SELECT from_bucket, to_bucket, episodes, episodes / sum(episodes) OVER (PARTITION BY from_bucket) AS share
FROM cells
ORDER BY list_position(['1–29', '30–59', '60–89', '90–119', '120+', 'charged_off', 'cured'], from_bucket),
	list_position(['1–29', '30–59', '60–89', '90–119', '120+', 'charged_off', 'cured'], to_bucket);
