-- kpi/summary_pressure: kpi/pressure from the summary tables (same rows, to the last digit):
-- - messages and their opt-outs per bucket: the days of [$from, $to] of kpi_contact_days, or of
--   kpi_contact_combo_days for the combos a filter on contacts selects;
-- - the accounts seen at each pressure: the pressure_mask of the weeks that overlap the period
--   (kpi_account_weeks, or kpi_account_contacts for the matching combos), kept to the period's
--   days (kpi_days_mask) and turned into the buckets seen (6 bits), or'd per account with the
--   buckets of its complaints in the period;
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
-- the buckets each account was seen at by its (matching) contacts of the period
weeks AS (
	SELECT ak, pressure_mask, kpi_days_mask(week, $from::DATE, $to::DATE) AS days
	FROM kpi_account_weeks
	WHERE NOT {{contact_filter}} AND week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	UNION ALL
	SELECT ak, pressure_mask, kpi_days_mask(week, $from::DATE, $to::DATE)
	FROM kpi_account_contacts
	WHERE {{contact_filter}} AND combo IN (SELECT combo FROM combos) AND week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
),
contacted AS (
	SELECT ak, bit_or({{metrics:pressure_seen(pressure_mask, days)}}) AS seen
	FROM weeks
	GROUP BY ak
	HAVING seen <> 0
),
complained AS (
	SELECT ak, pressure, kind
	FROM kpi_events
	WHERE kind = 'complaint' AND day BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
		AND (NOT {{contact_filter}} OR ak IN (SELECT ak FROM contacted))
),
seen AS (
	SELECT ak, bit_or(seen) AS seen
	FROM (SELECT ak, seen FROM contacted UNION ALL SELECT ak, (1 << pressure)::INTEGER FROM complained)
	GROUP BY ak
),
buckets AS (
	SELECT bucket, count(*) AS accounts FROM seen, range({{metrics:pressure_buckets}}) r(bucket)
	WHERE (seen >> bucket::INTEGER) & 1 = 1
	GROUP BY bucket
),
complaint_buckets AS (
	SELECT pressure AS bucket, {{metrics:count(complaints)}} FROM complained GROUP BY 1
),
m AS (
	SELECT {{metrics:pressure_rows}} FROM msg
)
SELECT m.bucket,
	{{metrics:pressure_label(m.bucket)}} AS prior_contacts,
	coalesce(m.messages, 0) AS messages,
	coalesce(m.messages_opted_out, 0) AS messages_opted_out,
	coalesce(b.accounts, 0) AS accounts,
	coalesce(k.complaints, 0) AS complaints
FROM m LEFT JOIN buckets b USING (bucket) LEFT JOIN complaint_buckets k USING (bucket)
WHERE coalesce(m.messages, 0) > 0 OR coalesce(b.accounts, 0) > 0
ORDER BY m.bucket;
