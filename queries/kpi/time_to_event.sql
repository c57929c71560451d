-- kpi/time_to_event: for the episodes of kpi/episode_facts (started in [$from, $to], of the
-- accounts in scope, judged at $as_of), per time measure the Overview's KPIs read (days_to_pay,
-- time_to_first_contact, first_contact_to_pay: the facts <measure>_t and <measure>_event of
-- src/lib/metrics/counts.ts) and day t: how many had the event that day and how many were
-- censored that day. The Kaplan–Meier curve is drawn from these counts in src/lib/stats/km.ts.
-- Parameters: those of kpi/episode_facts.
WITH {{include:kpi/scope}},
{{include:kpi/episode_facts}},
m AS (
	{{metrics:kpi_times(facts)}}
)
SELECT measure, t, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
FROM m
GROUP BY ALL
ORDER BY measure, t;
