-- kpi/days_to_pay_curves: for each monthly cohort of episodes (by started_on) in [$from, $to],
-- judged at $as_of, grouped by day since the start: how many made their first settled payment
-- on the account that day (events) and how many were censored that day: the facts pay_t and
-- pay_event of the metric catalogue (the days to pay of the tiles). src/lib/server/kpi/charts.ts
-- draws the Kaplan–Meier curves (days 0–120) from these counts, with the same tail rule as the
-- cure curves. {{facts}} is kpi/facts_summary or kpi/episode_facts
-- (src/lib/server/kpi/summary.ts withEpisodeFacts).
-- Parameters: those of kpi/episode_facts.
WITH {{facts}}
SELECT date_trunc('month', started_on)::DATE AS cohort, pay_t AS t,
	count(*) FILTER (WHERE pay_event) AS events,
	count(*) FILTER (WHERE NOT pay_event) AS censored
FROM facts
GROUP BY ALL
ORDER BY cohort, t;
