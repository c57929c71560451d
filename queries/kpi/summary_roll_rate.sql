-- kpi/summary_roll_rate: kpi/roll_rate from the summary table kpi_episodes (each episode's cure and
-- charge-off as known at the as-of date it was built for); with a filter on contacts, {{matched}}
-- (kpi/summary_matched, one bucket for the period) keeps the episodes of the accounts with a
-- matching outbound contact in [$from, $to].
-- Parameters: $from, $to, $as_of (dates), $grain 'period', $split = $from; $segment, $product,
-- $region, $vulnerable and $arm_bits filter the accounts; $channel, $tone, $template, $agent the
-- contacts.
WITH {{matched}}
e AS (
	SELECT k.episode_id, k.started_on, k.cured_on, k.charged_off_on
	FROM kpi_episodes k
	WHERE k.started_on <= $to::DATE
		AND kpi_summary_match(k.segment, k.product, k.region, k.vulnerable, k.arms, $segment, $product, $region, $vulnerable, $arm_bits)
		AND {{in_matched}}
),
{{include:kpi/roll_rate_matrix}}
