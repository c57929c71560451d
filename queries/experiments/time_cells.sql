-- experiments/time_cells: the times to event of the episodes of the assigned accounts
-- (exp_outcomes, queries/experiments/outcomes.sql), grouped for Kaplan–Meier, log-rank and
-- RMST (src/lib/stats/km.ts, survival.ts): per arm × account segment × vulnerable cell,
-- measure (days_to_pay, time_to_cure, time_to_first_contact) and day t, how many had the
-- event that day and how many were censored. Additive: src/lib/server/experiments/
-- analyze.ts adds the cells up per arm and per arm and segment.
-- No parameters.
WITH m AS (
	SELECT arm, segment, vulnerable, 'days_to_pay' AS measure, pay_t AS t, pay_event AS event FROM exp_outcomes WHERE has_episode
	UNION ALL SELECT arm, segment, vulnerable, 'time_to_cure', cure_t, cure_event FROM exp_outcomes WHERE has_episode
	UNION ALL SELECT arm, segment, vulnerable, 'time_to_first_contact', contact_t, contact_event FROM exp_outcomes WHERE has_episode
)
SELECT arm, segment, vulnerable, measure, t,
	count(*) FILTER (WHERE event) AS events,
	count(*) FILTER (WHERE NOT event) AS censored
FROM m
GROUP BY ALL
ORDER BY ALL;
