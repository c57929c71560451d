-- kpi/cure_trend: per monthly cohort of episodes (by started_on) in [$from, $to], the episode
-- counts of the metric catalogue ({{metrics:episode_counts}}) as known at $as_of, from which
-- src/lib/server/kpi/charts.ts takes the 30- and 60-day cure rates (a cohort with no mature
-- episode yet has no rate: it is provisional). {{facts}} is kpi/facts_summary or
-- kpi/episode_facts (src/lib/server/kpi/summary.ts withEpisodeFacts).
-- Parameters: those of kpi/episode_facts.
WITH {{facts}}
SELECT date_trunc('month', started_on)::DATE AS cohort, {{metrics:episode_counts}}
FROM facts
GROUP BY 1
ORDER BY 1;
