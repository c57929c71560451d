-- kpi/summary_episodes: the counts of queries/kpi/episodes.sql, per bucket of episode
-- start dates, from the summary table kpi_episodes (one scan). A bucket without episodes
-- has no row.
-- Parameters: $from, $to (dates) and the buckets: $grain = 'period' splits [$from, $to] at
-- $split (the previous and the current period; $split = $from for one bucket); 'week'
-- cuts each of those into calendar weeks (Monday to Sunday), 'month' into calendar months,
-- the buckets clipped to the period and to $split; $as_of; $segment, $product, $region,
-- $vulnerable (NULL = all). Only valid while the summary tables are fresh for $as_of
-- (src/lib/server/kpi/summaries.ts checks). kpi_bucket and kpi_bucket_end are macros
-- (migration 3). {{group}} is NULL, or an account attribute (segment, product, region)
-- from the allow-list in src/lib/server/kpi/summary.ts for a breakdown.
WITH e AS (
	SELECT k.*, kpi_bucket(k.started_on, $grain, $from::DATE, $split::DATE) AS bucket,
		($as_of::DATE - k.started_on)::INTEGER AS age
	FROM kpi_episodes k
	WHERE k.started_on BETWEEN $from::DATE AND $to::DATE
		AND ($segment IS NULL OR segment = $segment)
		AND ($product IS NULL OR product = $product)
		AND ($region IS NULL OR region = $region)
		AND ($vulnerable IS NULL OR vulnerable = $vulnerable)
)
SELECT bucket, {{group}} AS grp,
	count(*) AS episodes,
	count(*) FILTER (WHERE age >= 30) AS mature_30,
	count(*) FILTER (WHERE age >= 60) AS mature_60,
	count(*) FILTER (WHERE age >= 90) AS mature_90,
	count(*) FILTER (WHERE age >= 180) AS mature_180,
	count(*) FILTER (WHERE age >= 30 AND days_to_cure <= 30) AS cured_30,
	count(*) FILTER (WHERE age >= 60 AND days_to_cure <= 60) AS cured_60,
	count(*) FILTER (WHERE age >= 90 AND days_to_cure <= 90) AS cured_90,
	count(*) FILTER (WHERE age >= 30 AND days_to_cure <= 30 AND NOT conversation_before_cure) AS self_cured_30,
	coalesce(sum(recovered_share) FILTER (WHERE age >= 30), 0) AS recovered_share_sum,
	count(*) FILTER (WHERE age >= 180 AND days_to_charge_off <= 180) AS charged_off_180,
	count(*) FILTER (WHERE age >= 30 AND plan_within_30) AS plan_within_30,
	count(*) FILTER (WHERE cured_on <= $as_of::DATE - 180) AS cured_mature_180,
	count(*) FILTER (WHERE cured_on <= $as_of::DATE - 180 AND left_within_180_of_cure) AS left_after_cure
FROM e
GROUP BY ALL
ORDER BY ALL;
