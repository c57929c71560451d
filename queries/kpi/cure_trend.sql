-- kpi/cure_trend: per monthly cohort of episodes (by started_on) in [$from, $to], the counts
-- behind the 30- and 60-day cure rates: mature episodes and those cured in time (as known
-- at $as_of). A cohort with no mature episode yet has no rate: it is provisional.
-- Parameters: $from, $to, $as_of; $segment, $product, $region, $vulnerable (NULL = all).
SELECT date_trunc('month', d.started_on)::DATE AS cohort,
	count(*) AS episodes,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30) AS mature_30,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 30) AS cured_30,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60) AS mature_60,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 60) AS cured_60
FROM delinquencies d JOIN accounts a USING (account_id)
WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
	AND ($segment IS NULL OR a.segment = $segment)
	AND ($product IS NULL OR a.product = $product)
	AND ($region IS NULL OR a.region = $region)
	AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
GROUP BY 1
ORDER BY 1;
