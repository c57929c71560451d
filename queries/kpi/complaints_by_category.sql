-- kpi/complaints_by_category: complaints received in [$from, $to] (received_at, UTC) per
-- calendar month and over the whole period (month NULL), counted three ways: per category
-- (dimension 'category'), per source (dimension 'source') and in all (dimension 'total',
-- value 'all'); each row also counts how many of its complaints came through a regulator or
-- an ombudsman (source regulator or ombudsman). Rows: month (first day, or NULL), dimension,
-- value, complaints, via_regulator_or_ombudsman; only the values with complaints (no row at
-- all when there is no complaint).
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent keep the accounts with at least one
-- matching outbound contact in [$from, $to]. NULL means no filter.
WITH contacted AS (
	-- computed only when a contact filter is set
	SELECT DISTINCT i.account_id
	FROM interactions i
	WHERE ($channel IS NOT NULL OR $tone IS NOT NULL OR $template IS NOT NULL OR $agent IS NOT NULL)
		AND i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND ($channel IS NULL OR i.channel = $channel)
		AND ($tone IS NULL OR i.tone = $tone)
		AND ($template IS NULL OR i.template_id = $template)
		AND ($agent IS NULL OR i.agent_id = $agent)
),
k AS (
	SELECT date_trunc('month', c.received_at::DATE)::DATE AS month, c.category, c.source,
		c.source IN ('regulator', 'ombudsman') AS via_regulator
	FROM complaints c JOIN accounts a USING (account_id)
	WHERE c.received_at >= $from::TIMESTAMPTZ AND c.received_at < $to::DATE + 1
		AND ($segment IS NULL OR a.segment = $segment)
		AND ($product IS NULL OR a.product = $product)
		AND ($region IS NULL OR a.region = $region)
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
		AND ($experiment IS NULL OR a.account_id IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = $experiment AND ($arm IS NULL OR x.variant = $arm)))
		AND (($channel IS NULL AND $tone IS NULL AND $template IS NULL AND $agent IS NULL) OR a.account_id IN (SELECT account_id FROM contacted))
)
SELECT month,
	CASE WHEN grouping(category) = 0 THEN 'category' WHEN grouping(source) = 0 THEN 'source' ELSE 'total' END AS dimension,
	coalesce(category, source, 'all') AS value,
	count(*) AS complaints,
	count(*) FILTER (WHERE via_regulator) AS via_regulator_or_ombudsman
FROM k
GROUP BY GROUPING SETS ((month, category), (month, source), (month), (category), (source), ())
HAVING count(*) > 0
ORDER BY month NULLS LAST, list_position(['category', 'source', 'total'], dimension), value;
