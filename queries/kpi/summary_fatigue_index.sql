-- kpi/summary_fatigue_index: kpi/fatigue_index from the summary tables, at the default threshold
-- (the one they were built with; another threshold reads the raw tables): without a filter on
-- contacts, kpi_account_weeks' fatigue_index; with one ($channel, $tone, $template, $agent select
-- combos of kpi_contact_combos), the parts of the index that the matching combos make
-- (kpi_account_contacts), summed per account-week with a matching contact.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable and $arm_bits filter
-- the accounts. {{contact_filter}}: true when a filter on contacts is set.
WITH w AS (
	SELECT fatigue_index
	FROM kpi_account_weeks
	WHERE NOT {{contact_filter}} AND week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	UNION ALL
	SELECT sum(c.fatigue_index)
	FROM kpi_account_contacts c JOIN kpi_contact_combos k USING (combo)
	WHERE {{contact_filter}}
		AND kpi_contact_match(k.channel, k.tone, k.template_id, k.agent_id, $channel, $tone, $template, $agent)
		AND c.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(c.segment, c.product, c.region, c.vulnerable, c.arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY c.week, c.ak
)
{{include:kpi/fatigue_totals}}
