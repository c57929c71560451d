-- kpi/summary_contact_load_distribution: kpi/contact_load_distribution from the summary tables:
-- without a filter on contacts from kpi_contact_weeks (all channels) and kpi_attribute_weeks'
-- channel rows (per channel); with one ($channel, $tone, $template, $agent select combos of kpi_contact_combos),
-- from the matching rows of kpi_account_contacts, summed per account, week and channel.
-- Parameters: $from, $to (dates), $threshold; $segment, $product, $region, $vulnerable and
-- $arm_bits (the experiment or arm filter as bits of kpi_arms) filter the accounts; $channel,
-- $tone, $template, $agent the contacts. {{contact_filter}}: true when one of those is set (the
-- planner then reads only the tables that answer).
WITH matched_weeks AS (
	SELECT c.week, c.ak, k.channel, sum(c.contacts) AS contacts
	FROM kpi_account_contacts c JOIN kpi_contact_combos k USING (combo)
	WHERE {{contact_filter}}
		AND kpi_contact_match(k.channel, k.tone, k.template_id, k.agent_id, $channel, $tone, $template, $agent)
		AND c.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(c.segment, c.product, c.region, c.vulnerable, c.arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
account_weeks AS (
	SELECT 'all' AS channel, contacts, sum(account_weeks) AS n
	FROM kpi_contact_weeks
	WHERE NOT {{contact_filter}} AND week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
	UNION ALL
	SELECT value AS channel, contacts, sum(account_weeks)
	FROM kpi_attribute_weeks
	WHERE NOT {{contact_filter}} AND attribute = 'channel' AND week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
	UNION ALL
	SELECT 'all', sum(contacts), 1 FROM matched_weeks GROUP BY week, ak
	UNION ALL
	SELECT channel, contacts, 1 FROM matched_weeks
),
{{include:kpi/load_histogram}}
