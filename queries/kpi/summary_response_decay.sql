-- kpi/summary_response_decay: kpi/response_decay from the summary table kpi_episode_contacts (built
-- for the as-of date of the summaries; another as-of date reads the raw tables).
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable and $arm_bits filter
-- the accounts; $channel, $tone, $template, $agent the contacts counted (the combos of
-- kpi_contact_combos they select). {{contact_filter}}: true when one of those is set.
SELECT contact_number::BIGINT AS contact_number,
	count(*) AS contacts,
	count(*) FILTER (WHERE responded) AS responded
FROM kpi_episode_contacts
WHERE started_on BETWEEN $from::DATE AND $to::DATE
	AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	AND (NOT {{contact_filter}} OR combo IN (
		SELECT combo FROM kpi_contact_combos WHERE kpi_contact_match(channel, tone, template_id, agent_id, $channel, $tone, $template, $agent)))
GROUP BY 1
ORDER BY 1;
