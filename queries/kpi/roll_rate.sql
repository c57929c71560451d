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
-- with at least one matching outbound contact in [$from, $to]. NULL means no filter. The
-- raw-table path; kpi/summary_roll_rate gives the same rows from the summary table kpi_episodes.
WITH e AS (
	SELECT d.episode_id, d.started_on,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on
	FROM delinquencies d JOIN kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent) a USING (account_id)
	WHERE d.started_on <= $to::DATE
),
{{include:kpi/roll_rate_matrix}}
