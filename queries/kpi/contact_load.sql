-- kpi/contact_load: outbound contacts per account-week (calendar weeks starting Monday, UTC)
-- in [$from, $to], over account-weeks with at least one contact: median, 90th percentile,
-- maximum, and how many are above $threshold.
-- Parameters: $from, $to, $threshold; $segment, $product, $region, $vulnerable (NULL = all).
WITH weeks AS (
	SELECT i.account_id, date_trunc('week', i.occurred_at::DATE) AS week, count(*) AS contacts
	FROM interactions i JOIN accounts a USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND ($segment IS NULL OR a.segment = $segment)
		AND ($product IS NULL OR a.product = $product)
		AND ($region IS NULL OR a.region = $region)
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
	GROUP BY ALL
)
SELECT
	count(*) AS account_weeks,
	count(*) FILTER (WHERE contacts > $threshold) AS over_threshold,
	quantile_disc(contacts, 0.5) AS median,
	quantile_disc(contacts, 0.9) AS p90,
	max(contacts) AS max
FROM weeks;
