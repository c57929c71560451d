-- kpi/facts_summary: a chain of CTEs that ends in `facts`, as kpi/episode_facts does, read from
-- the summary table kpi_episodes instead of the raw tables: the episodes started in
-- [$from, $to] of the accounts the account filters select, with their facts and age at $as_of.
-- Only valid while the summary tables are fresh for $as_of and the filters are on account
-- attributes (src/lib/server/kpi/summary.ts withEpisodeFacts decides).
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable (NULL = all).
facts AS (
	SELECT k.*, {{metrics:episode_age(k.started_on)}}
	FROM kpi_episodes k
	WHERE k.started_on BETWEEN $from::DATE AND $to::DATE
		AND ($segment IS NULL OR k.segment = $segment)
		AND ($product IS NULL OR k.product = $product)
		AND ($region IS NULL OR k.region = $region)
		AND ($vulnerable IS NULL OR k.vulnerable = $vulnerable)
)
