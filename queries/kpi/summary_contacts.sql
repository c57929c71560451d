-- kpi/summary_contacts: the contact KPIs' counts per bucket, from the summary tables, as
-- rows of three kinds:
--   'load'   — the contact-load distribution: how many account-weeks had each number of
--              outbound contacts (contacts, n), over the calendar weeks that overlap the
--              bucket, each counted whole (kpi_contact_weeks);
--   'sums'   — outbound contacts, calls and right-party conversations made on the bucket's
--              days (kpi_contact_days);
--   'firsts' — accounts contacted on the bucket's days, each once (n): an account counts at
--              its first week with a contact on a day of the bucket, that is when its
--              previous contacted week ended before the bucket (kpi_account_weeks; for
--              weekly buckets the weeks that are whole buckets come from kpi_contact_weeks).
-- Parameters: $from, $to (dates) and the buckets: $grain = 'period' splits [$from, $to] at
-- $split (the previous and the current period; $split = $from for one bucket); 'week'
-- cuts each of those into calendar weeks (Monday to Sunday), 'month' into calendar months,
-- the buckets clipped to the period and to $split; $segment, $product, $region,
-- $vulnerable, and $arm_bits (the bits of kpi_arms of the experiment or arm filtered on) (NULL = all). Only valid while the summary tables are fresh
-- (src/lib/server/kpi/summaries.ts checks). kpi_bucket, kpi_bucket_end and kpi_days_mask
-- are macros (migration 3). {{group}} is NULL, or an account attribute (segment, product,
-- region) from the allow-list in src/lib/server/kpi/summary.ts for a breakdown.
WITH days AS (
	SELECT unnest(generate_series($from::DATE, $to::DATE, INTERVAL 1 DAY))::DATE AS day
),
-- the weeks cut by a bucket: a bucket starts on another day than a Monday or ends on
-- another day than a Sunday
edge_weeks AS (
	SELECT DISTINCT date_trunc('week', day)::DATE AS week FROM days
	WHERE (kpi_bucket(day, $grain, $from::DATE, $split::DATE) = day AND isodow(day) <> 1)
		OR (kpi_bucket_end(day, $grain, $to::DATE, $split::DATE) = day AND isodow(day) <> 7)
),
-- a week belongs to the bucket of its first day in the period, and also to the bucket of
-- its last day when that is another one
week_buckets AS (
	SELECT week, kpi_bucket(greatest(week, $from::DATE), $grain, $from::DATE, $split::DATE) AS bucket,
		kpi_bucket_end(greatest(week, $from::DATE), $grain, $to::DATE, $split::DATE) AS bucket_end
	FROM (SELECT DISTINCT date_trunc('week', day)::DATE AS week FROM days)
	UNION
	SELECT week, kpi_bucket(least(week + 6, $to::DATE), $grain, $from::DATE, $split::DATE),
		kpi_bucket_end(least(week + 6, $to::DATE), $grain, $to::DATE, $split::DATE)
	FROM (SELECT DISTINCT date_trunc('week', day)::DATE AS week FROM days)
),
cw AS (
	SELECT * FROM kpi_contact_weeks
	WHERE week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
),
load AS (
	SELECT b.bucket, {{group}} AS grp, cw.contacts, sum(cw.account_weeks) AS n
	FROM cw JOIN week_buckets b USING (week)
	GROUP BY ALL
),
sums AS (
	SELECT kpi_bucket(day, $grain, $from::DATE, $split::DATE) AS bucket, {{group}} AS grp,
		sum(outbound_contacts) AS outbound_contacts, sum(outbound_calls) AS outbound_calls, sum(conversations) AS conversations
	FROM kpi_contact_days
	WHERE day BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
-- weekly buckets: a week that is a whole bucket counts every account-week in it
whole_week_firsts AS (
	SELECT b.bucket, {{group}} AS grp, sum(cw.account_weeks) AS n
	FROM cw JOIN week_buckets b USING (week)
	WHERE $grain = 'week' AND cw.week NOT IN (SELECT week FROM edge_weeks)
	GROUP BY ALL
),
row_firsts AS (
	SELECT b.bucket, {{group}} AS grp, count(*) AS n
	FROM kpi_account_weeks w JOIN week_buckets b USING (week)
	WHERE w.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND $grain <> 'period'
		AND ($grain <> 'week' OR w.week IN (SELECT week FROM edge_weeks))
		AND (w.days_mask & kpi_days_mask(w.week, b.bucket, b.bucket_end)) <> 0
		AND w.previous_last_day < b.bucket
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
-- the same for the two buckets of grain 'period', in one scan without the join
period_firsts AS (
	SELECT {{group}} AS grp,
		-- (the cheap test first; a week wholly inside the bucket always has a contact in it)
		count(*) FILTER (WHERE w.previous_last_day < $from::DATE
			AND ((w.week >= $from::DATE AND w.week + 6 < $split::DATE) OR (w.days_mask & kpi_days_mask(w.week, $from::DATE, $split::DATE - 1)) <> 0)) AS n_previous,
		count(*) FILTER (WHERE w.previous_last_day < $split::DATE
			AND ((w.week >= $split::DATE AND w.week + 6 <= $to::DATE) OR (w.days_mask & kpi_days_mask(w.week, $split::DATE, $to::DATE)) <> 0)) AS n_current
	FROM kpi_account_weeks w
	WHERE w.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND $grain = 'period'
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
)
SELECT 'load' AS kind, bucket, grp, contacts, n::BIGINT AS n, NULL::BIGINT AS outbound_contacts, NULL::BIGINT AS outbound_calls, NULL::BIGINT AS conversations FROM load
UNION ALL SELECT 'sums', bucket, grp, NULL, NULL, outbound_contacts, outbound_calls, conversations FROM sums
UNION ALL SELECT 'firsts', bucket, grp, NULL, n, NULL, NULL, NULL FROM whole_week_firsts
UNION ALL SELECT 'firsts', bucket, grp, NULL, n, NULL, NULL, NULL FROM row_firsts
UNION ALL SELECT 'firsts', $from::DATE, grp, NULL, n_previous, NULL, NULL, NULL FROM period_firsts WHERE $split::DATE > $from::DATE
UNION ALL SELECT 'firsts', $split::DATE, grp, NULL, n_current, NULL, NULL, NULL FROM period_firsts
ORDER BY ALL;
