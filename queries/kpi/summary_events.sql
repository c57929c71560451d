-- kpi/summary_events: per bucket of days, the event counts of the metric catalogue (complaints
-- received, all and through a regulator or ombudsman, and opt-out events, each counted once also
-- when it covers several accounts of the customer: {{metrics:event_counts}}), from the summary
-- table kpi_events. A bucket without
-- events has no row.
-- Parameters: $from, $to (dates) and the buckets: $grain = 'period' splits [$from, $to] at
-- $split (the previous and the current period; $split = $from for one bucket); 'week'
-- cuts each of those into calendar weeks (Monday to Sunday), 'month' into calendar months,
-- the buckets clipped to the period and to $split; $as_of; $segment, $product, $region,
-- $vulnerable, and $arm_bits (the bits of kpi_arms of the experiment or arm filtered on) (NULL = all). Only valid while the summary tables are fresh for $as_of
-- (src/lib/server/kpi/summaries.ts checks). kpi_bucket and kpi_bucket_end are macros
-- (migration 3). {{group}} is NULL, or an account attribute (segment, product, region)
-- from the allow-list in src/lib/server/kpi/summary.ts for a breakdown.
WITH {{matched}}
k AS (
	SELECT k.*, kpi_bucket(k.day, $grain, $from::DATE, $split::DATE) AS bucket
	FROM kpi_events k
	WHERE k.day BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
)
SELECT bucket, {{group}} AS grp,
	{{metrics:event_counts}}
FROM k {{semi_matched}}
GROUP BY ALL
ORDER BY ALL;
