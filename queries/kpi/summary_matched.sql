-- kpi/summary_matched: a chain of CTEs (put after WITH by src/lib/server/kpi/summary.ts in place
-- of {{matched}} when a filter on contacts is set) that ends in `matched`: per bucket of
-- [$from, $to] (as kpi_bucket cuts it: $grain, $split), the accounts (ak, and their segment,
-- product and region for a breakdown) with an outbound contact on a day of the bucket that
-- matches the contact filters ($channel, $tone, $template, $agent: the combos of
-- kpi_contact_combos they select) and whose account the account filters select. The episodes,
-- events and contacts of a bucket are then those of its matched accounts, as the raw tables'
-- kpi_scope takes them for a period. summary.ts runs the same CTEs as temporary tables on one
-- connection when several queries need them (summaryCounts).
m_days AS (
	SELECT unnest(generate_series($from::DATE, $to::DATE, INTERVAL 1 DAY))::DATE AS day
),
m_weeks AS (
	SELECT DISTINCT date_trunc('week', day)::DATE AS week FROM m_days
),
-- a week belongs to the bucket of its first day in the period, and also to the bucket of its
-- last day when that is another one
m_week_buckets AS (
	SELECT week, kpi_bucket(greatest(week, $from::DATE), $grain, $from::DATE, $split::DATE) AS bucket,
		kpi_bucket_end(greatest(week, $from::DATE), $grain, $to::DATE, $split::DATE) AS bucket_end
	FROM m_weeks
	UNION
	SELECT week, kpi_bucket(least(week + 6, $to::DATE), $grain, $from::DATE, $split::DATE),
		kpi_bucket_end(least(week + 6, $to::DATE), $grain, $to::DATE, $split::DATE)
	FROM m_weeks
),
m_combos AS (
	SELECT combo FROM kpi_contact_combos
	WHERE kpi_contact_match(channel, tone, template_id, agent_id, $channel, $tone, $template, $agent)
),
-- each account once per bucket (the episodes, events and contacts of several queries are then
-- semi-joined to fewer rows). With a filter on the channel alone or the tone alone
-- ({{attribute_days}}), one row per account-week of kpi_account_weeks answers: its mask of the days
-- with a contact of that channel or tone ({{attribute_days_mask}}, over alias w); else the rows of
-- kpi_account_contacts of the combos the filters select.
matched AS (
	SELECT DISTINCT bucket, ak FROM (
		SELECT b.bucket, c.ak
		FROM kpi_account_contacts c JOIN m_week_buckets b USING (week)
		WHERE NOT {{attribute_days}} AND c.combo IN (SELECT combo FROM m_combos)
			AND c.week BETWEEN $from::DATE - 6 AND $to::DATE
			AND kpi_summary_match(c.segment, c.product, c.region, c.vulnerable, c.arms, $segment, $product, $region, $vulnerable, $arm_bits)
			AND (c.days_mask & kpi_days_mask(c.week, b.bucket, b.bucket_end)) <> 0
		UNION ALL
		SELECT b.bucket, w.ak
		FROM kpi_account_weeks w JOIN m_week_buckets b USING (week)
		WHERE {{attribute_days}}
			AND w.week BETWEEN $from::DATE - 6 AND $to::DATE
			AND kpi_summary_match(w.segment, w.product, w.region, w.vulnerable, w.arms, $segment, $product, $region, $vulnerable, $arm_bits)
			AND ({{attribute_days_mask}} & kpi_days_mask(w.week, b.bucket, b.bucket_end)) <> 0
	)
),
