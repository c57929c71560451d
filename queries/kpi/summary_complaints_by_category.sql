-- kpi/summary_complaints_by_category: kpi/complaints_by_category from the summary table kpi_events;
-- with a filter on contacts, {{matched}} (kpi/summary_matched, one bucket for the period) keeps the
-- complaints of the accounts with a matching outbound contact in [$from, $to].
-- Parameters: $from, $to (dates), $grain 'period', $split = $from; $segment, $product, $region,
-- $vulnerable and $arm_bits filter the accounts; $channel, $tone, $template, $agent the contacts.
WITH {{matched}}
k AS (
	SELECT date_trunc('month', k.day)::DATE AS month, k.category, k.source, k.kind
	FROM kpi_events k
	WHERE k.kind = 'complaint' AND k.day BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(k.segment, k.product, k.region, k.vulnerable, k.arms, $segment, $product, $region, $vulnerable, $arm_bits)
		AND {{in_matched}}
)
{{include:kpi/complaint_groups}}
