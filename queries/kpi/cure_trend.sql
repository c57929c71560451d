-- kpi/cure_trend: per monthly cohort of episodes (by started_on) in [$from, $to], the counts
-- behind the 30- and 60-day cure rates: mature episodes and those cured in time (as known
-- at $as_of). A cohort with no mature episode yet has no rate: it is provisional.
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, the episodes are those of the accounts
-- that had a matching outbound contact in the period.
WITH acc AS (
	SELECT a.* FROM accounts a
	WHERE ($segment IS NULL OR a.segment = $segment)
		AND ($product IS NULL OR a.product = $product)
		AND ($region IS NULL OR a.region = $region)
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
		AND ($experiment IS NULL OR a.account_id IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = $experiment AND ($arm IS NULL OR x.variant = $arm)))
),
-- with a filter on contacts: only the accounts that had a matching outbound contact in the period
reached AS (
	SELECT DISTINCT i.account_id FROM interactions i
	WHERE ($channel IS NOT NULL OR $tone IS NOT NULL OR $template IS NOT NULL OR $agent IS NOT NULL)
		AND i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND ($channel IS NULL OR i.channel = $channel)
		AND ($tone IS NULL OR i.tone = $tone)
		AND ($template IS NULL OR i.template_id = $template)
		AND ($agent IS NULL OR i.agent_id = $agent)
),
scope AS (
	SELECT * FROM acc
	WHERE ($channel IS NULL AND $tone IS NULL AND $template IS NULL AND $agent IS NULL) OR account_id IN (SELECT account_id FROM reached)
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
