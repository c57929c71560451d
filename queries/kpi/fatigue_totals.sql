-- kpi/fatigue_totals: the end of kpi/fatigue_index and kpi/summary_fatigue_index, put after their
-- CTEs, which end in `w` (one row per account-week counted, with its fatigue_index).
-- One row: account_weeks, weeks_over (index > 0), total_index (exact: the weights are
-- decimals), max_index; no row when there is no account-week. The mean is total ÷ weeks.
SELECT {{metrics:count(account_weeks)}},
	count(*) FILTER (WHERE fatigue_index > 0) AS weeks_over,
	sum(fatigue_index)::DOUBLE AS total_index,
	max(fatigue_index)::DOUBLE AS max_index
FROM w
HAVING count(*) > 0;
