-- kpi/facts_summary: a chain of CTEs that ends in `facts`, as kpi/episode_facts does, read from
-- the summary table kpi_episodes instead of the raw tables: the episodes started in
-- [$from, $to] of the accounts the account filters select, with their facts and age at $as_of.
-- With a filter on contacts, {{matched}} is kpi/summary_matched over the whole period and
-- {{in_matched}} keeps the episodes of its accounts; else nothing and true
-- (src/lib/server/kpi/summary.ts withEpisodeFacts). Only valid while the summary tables are
-- fresh for $as_of.
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable, $arm_bits
-- (the bits of kpi_arms of the experiment or arm filtered on), $channel, $tone, $template,
-- $agent (NULL = all), $grain and $split (for kpi/summary_matched).
{{matched}}
facts AS (
	SELECT k.*, {{metrics:episode_age(k.started_on)}}
	FROM kpi_episodes k
	WHERE k.started_on BETWEEN $from::DATE AND $to::DATE
		AND kpi_summary_match(k.segment, k.product, k.region, k.vulnerable, k.arms, $segment, $product, $region, $vulnerable, $arm_bits)
		AND {{in_matched}}
)
