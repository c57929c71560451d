-- kpi/cure_trend: per monthly cohort of episodes (by started_on) in [$from, $to], the counts
-- behind the 30- and 60-day cure rates: mature episodes and those cured in time (as known
-- at $as_of). A cohort with no mature episode yet has no rate: it is provisional.
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, the episodes are those of the accounts
-- that had a matching outbound contact in the period.
WITH scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
)
SELECT date_trunc('month', d.started_on)::DATE AS cohort,
	count(*) AS episodes,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30) AS mature_30,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 30 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 30) AS cured_30,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60) AS mature_60,
	count(*) FILTER (WHERE ($as_of::DATE - d.started_on) >= 60 AND d.cured_on <= $as_of::DATE AND (d.cured_on - d.started_on) <= 60) AS cured_60
FROM delinquencies d JOIN scope a USING (account_id)
WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
GROUP BY 1
ORDER BY 1;
