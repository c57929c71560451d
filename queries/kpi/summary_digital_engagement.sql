-- kpi/summary_digital_engagement: kpi/digital_engagement from the summary table
-- kpi_contact_combo_days (its engagement counts per combo and day), the combos chosen by the
-- filters on contacts.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable and $arm_bits filter
-- the accounts; $channel, $tone, $template, $agent the combos.
SELECT k.channel,
	{{metrics:engagement_sums}}
FROM kpi_contact_combo_days d JOIN kpi_contact_combos k USING (combo)
WHERE d.day BETWEEN $from::DATE AND $to::DATE
	AND kpi_contact_match(k.channel, k.tone, k.template_id, k.agent_id, $channel, $tone, $template, $agent)
	AND kpi_summary_match(d.segment, d.product, d.region, d.vulnerable, d.arms, $segment, $product, $region, $vulnerable, $arm_bits)
GROUP BY k.channel
HAVING sum(digital_messages) > 0
ORDER BY list_position(['sms', 'email', 'push', 'in_app'], k.channel);
