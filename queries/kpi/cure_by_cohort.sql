-- kpi/cure_by_cohort: for each monthly cohort of episodes (by started_on) in [$from, $to],
-- grouped by day since the start: how many cured that day (events) and how many were
-- censored (still open at the as-of date, or charged off: a charged-off episode never cures,
-- so it stays in the risk set until the as-of date as a non-cure). Feeds the Kaplan–Meier
-- cure curves (days 0–120) and the monthly trend of the cure rates.
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, the episodes are those of the accounts
-- that had a matching outbound contact in the period.
WITH scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
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
