-- kpi/roll_rate: the roll-rate transition matrix. Each month-end M in [$from, $to] (and on or
-- before $as_of) closes one transition, from the month-end before it (P) to M. Every episode
-- open at P (started on or before P, not cured and not charged off by P, as known at
-- $as_of) is one row, whatever its account (an account with two open episodes gives two
-- rows). Its bucket at P: days past due = P − started_on, in 1–29 (an episode that started on
-- P itself, 0 days, counts here), 30–59, 60–89, 90–119 or 120+. Its bucket at M: cured if
-- cured_on ≤ M, charged_off if charged_off_on ≤ M, else the days-past-due bucket of
-- M − started_on. Not a cohort: the episodes are those open at the month-ends, whenever
-- they started. Rows: from_bucket, to_bucket, episodes, and share = episodes ÷ all episodes
-- of the from_bucket (the matrix's row); only the cells with episodes.
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable,
-- $experiment, $arm filter the accounts; $channel, $tone, $template, $agent keep the accounts
-- with at least one matching outbound contact in [$from, $to]. NULL means no filter.
WITH month_ends AS (
	SELECT last_day(m)::DATE AS month_end, (date_trunc('month', m)::DATE - 1) AS prev_end
	FROM range(date_trunc('month', $from::DATE), $to::DATE + 1, INTERVAL 1 MONTH) r(m)
),
transitions AS (
	SELECT * FROM month_ends WHERE month_end BETWEEN $from::DATE AND $to::DATE AND month_end <= $as_of::DATE
),
e AS (
	SELECT d.episode_id, d.started_on,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on
	FROM delinquencies d JOIN kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent) a USING (account_id)
	WHERE d.started_on <= $to::DATE
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
