-- experiments/time_cells: the times to event of the episodes of the assigned accounts
-- (exp_outcomes, queries/experiments/outcomes.sql), grouped for Kaplan–Meier, log-rank and
-- RMST (src/lib/stats/km.ts, survival.ts): per arm × account segment × vulnerable cell,
-- measure (days_to_pay, time_to_cure, time_to_first_contact) and day t, how many had the
-- event that day and how many were censored. Additive: src/lib/server/experiments/
-- analysis/cells.ts adds the cells up per arm and per arm and segment.
-- No parameters.
WITH m AS (
	{{metrics:experiment_times(exp_outcomes, arm, segment, vulnerable)}}
)
SELECT arm, segment, vulnerable, measure, t,
	count(*) FILTER (WHERE event) AS events,
	count(*) FILTER (WHERE NOT event) AS censored
FROM m
GROUP BY ALL
ORDER BY ALL;
