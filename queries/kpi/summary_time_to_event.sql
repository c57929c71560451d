-- kpi/summary_time_to_event: the counts of queries/kpi/time_to_event.sql (events and
-- censored per measure and day), per bucket of episode start dates, from kpi_episodes.
-- Parameters: $from, $to (dates) and the buckets: $grain = 'period' splits [$from, $to] at
-- $split (the previous and the current period; $split = $from for one bucket); 'week'
-- cuts each of those into calendar weeks (Monday to Sunday), 'month' into calendar months,
-- the buckets clipped to the period and to $split; $as_of; $segment, $product, $region,
-- $vulnerable (NULL = all). Only valid while the summary tables are fresh for $as_of
-- (src/lib/server/kpi/summaries.ts checks). kpi_bucket and kpi_bucket_end are macros
-- (migration 3). {{group}} is NULL, or an account attribute (segment, product, region)
-- from the allow-list in src/lib/server/kpi/summary.ts for a breakdown.
WITH e AS (
	SELECT kpi_bucket(k.started_on, $grain, $from::DATE, $split::DATE) AS bucket, k.*
	FROM kpi_episodes k
	WHERE k.started_on BETWEEN $from::DATE AND $to::DATE
		AND ($segment IS NULL OR k.segment = $segment)
		AND ($product IS NULL OR k.product = $product)
		AND ($region IS NULL OR k.region = $region)
		AND ($vulnerable IS NULL OR k.vulnerable = $vulnerable)
),
m AS (
	SELECT bucket, {{group}} AS grp, 'days_to_pay' AS measure, pay_t AS t, pay_event AS event FROM e
	UNION ALL SELECT bucket, {{group}}, 'time_to_first_contact', contact_t, contact_event FROM e
	UNION ALL SELECT bucket, {{group}}, 'first_contact_to_pay', contact_to_pay_t, contact_to_pay_event FROM e WHERE contact_to_pay_t IS NOT NULL
)
SELECT bucket, grp, measure, t, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
FROM m
GROUP BY ALL
ORDER BY ALL;
