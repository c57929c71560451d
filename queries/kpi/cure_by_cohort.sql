-- kpi/cure_by_cohort: for each monthly cohort of episodes (by started_on) in [$from, $to],
-- grouped by day since the start: how many cured that day (events) and how many were
-- censored (still open at the as-of date, or charged off: a charged-off episode never cures,
-- so it stays in the risk set until the as-of date as a non-cure). Feeds the Kaplan–Meier
-- cure curves (days 0–120) and the monthly trend of the cure rates.
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
),
e AS (
	SELECT date_trunc('month', d.started_on)::DATE AS cohort, d.started_on,
		CASE WHEN d.cured_on <= $as_of::DATE THEN (d.cured_on - d.started_on)::INTEGER END AS days_to_cure,
		($as_of::DATE - d.started_on)::INTEGER AS age
	FROM delinquencies d JOIN scope a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
)
SELECT cohort, coalesce(days_to_cure, age) AS t,
	count(*) FILTER (WHERE days_to_cure IS NOT NULL) AS events,
	count(*) FILTER (WHERE days_to_cure IS NULL) AS censored
FROM e
GROUP BY ALL
ORDER BY cohort, t;
