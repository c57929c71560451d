-- kpi/summary_pressure: kpi/pressure from the summary tables (same rows, to the last digit):
-- - messages and their opt-outs per bucket: the days of [$from, $to] of kpi_contact_days, or of
--   kpi_contact_combo_days for the combos a filter on contacts selects;
-- - the accounts seen at each pressure: the pressure_mask of the weeks that overlap the period
--   (kpi_account_weeks, or kpi_account_contacts for the matching combos), kept to the period's
--   days (kpi_days_mask, repeated in each bucket's 7 bits), or'd per account with the bits of
--   the buckets of its complaints in the period;
-- - complaints per bucket: kpi_events' pressure, of the accounts with a matching contact in the
--   period when a filter on contacts is set.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable and $arm_bits filter
-- the accounts; $channel, $tone, $template, $agent the contacts counted.
-- {{contact_filter}}: true when a filter on contacts is set.
WITH combos AS (
	SELECT combo FROM kpi_contact_combos
	WHERE kpi_contact_match(channel, tone, template_id, agent_id, $channel, $tone, $template, $agent)
),
msg AS (
	SELECT {{metrics:pressure_sums}}
	FROM (
		SELECT {{metrics:pressure_names}}
		FROM kpi_contact_days
		WHERE NOT {{contact_filter}} AND day BETWEEN $from::DATE AND $to::DATE
			AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
		UNION ALL
		SELECT {{metrics:pressure_names}}
		FROM kpi_contact_combo_days
		WHERE {{contact_filter}} AND combo IN (SELECT combo FROM combos) AND day BETWEEN $from::DATE AND $to::DATE
			AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	)
),
-- the weeks that overlap the period, each with the bits of pressure_mask its days in the period
-- keep (every bit for a week inside the period)
pw AS (
	SELECT week, {{metrics:pressure_days(days)}} AS keep
	FROM (
		SELECT week, kpi_days_mask(week, $from::DATE, $to::DATE) AS days
		FROM (SELECT unnest(generate_series(date_trunc('week', $from::DATE)::DATE, $to::DATE, INTERVAL 7 DAY))::DATE AS week)
	)
),
-- the buckets and weekdays each account was seen at by its (matching) contacts of the period
weeks AS (
	SELECT w.ak, w.pressure_mask & pw.keep AS m
	FROM kpi_account_weeks w JOIN pw USING (week)
	WHERE NOT {{contact_filter}} AND w.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(w.segment, w.product, w.region, w.vulnerable, w.arms, $segment, $product, $region, $vulnerable, $arm_bits)
	UNION ALL
	SELECT c.ak, c.pressure_mask & pw.keep
	FROM kpi_account_contacts c JOIN pw USING (week)
	WHERE {{contact_filter}} AND c.combo IN (SELECT combo FROM combos) AND c.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(c.segment, c.product, c.region, c.vulnerable, c.arms, $segment, $product, $region, $vulnerable, $arm_bits)
),
contacted AS (
	SELECT ak, bit_or(m) AS m FROM weeks GROUP BY ak HAVING bit_or(m) <> 0
),
complained AS (
	SELECT ak, pressure, kind
	FROM kpi_events
	WHERE kind = 'complaint' AND day BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
		AND (NOT {{contact_filter}} OR ak IN (SELECT ak FROM contacted))
),
-- per account: the buckets seen at a contact or a complaint (an or of the masks; the weekdays no longer matter)
seen AS (
	SELECT coalesce(c.m, 0::UBIGINT) | coalesce(k.m, 0::UBIGINT) AS m
	FROM contacted c FULL JOIN (
		SELECT ak, bit_or({{metrics:pressure_bucket_bits(pressure)}}) AS m FROM complained GROUP BY ak
	) k USING (ak)
),
accounts AS (
	SELECT {{metrics:pressure_accounts(m)}} FROM seen
),
complaint_buckets AS (
	SELECT pressure AS bucket, {{metrics:count(complaints)}} FROM complained GROUP BY 1
),
m AS (
	SELECT {{metrics:pressure_rows}} FROM msg, accounts
)
SELECT m.bucket,
	{{metrics:pressure_label(m.bucket)}} AS prior_contacts,
	coalesce(m.messages, 0) AS messages,
	coalesce(m.messages_opted_out, 0) AS messages_opted_out,
	m.accounts,
	coalesce(k.complaints, 0) AS complaints
FROM m LEFT JOIN complaint_buckets k USING (bucket)
WHERE coalesce(m.messages, 0) > 0 OR m.accounts > 0
ORDER BY m.bucket;
