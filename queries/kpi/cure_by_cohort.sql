-- kpi/cure_by_cohort: for each monthly cohort of episodes (by started_on) in [$from, $to],
-- grouped by day since the start: how many cured that day (events) and how many were censored
-- (still open at the as-of date, or charged off: a charged-off episode never cures, so it stays
-- in the risk set until the as-of date as a non-cure): the facts cure_t and cure_event of the
-- metric catalogue. Feeds the Kaplan–Meier cure curves (days 0–120). {{facts}} is
-- kpi/facts_summary or kpi/episode_facts (src/lib/server/kpi/summary.ts withEpisodeFacts).
-- Parameters: those of kpi/episode_facts.
WITH {{facts}}
SELECT date_trunc('month', started_on)::DATE AS cohort, cure_t AS t,
	count(*) FILTER (WHERE cure_event) AS events,
	count(*) FILTER (WHERE NOT cure_event) AS censored
FROM facts
GROUP BY ALL
ORDER BY cohort, t;
