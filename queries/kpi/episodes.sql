-- kpi/episodes: the episode counts of the metric catalogue (src/lib/metrics/counts.ts: episodes,
-- mature_N, cured_N, self-cure, recovery, charge-off, plan uptake, attrition after cure, generated
-- by {{metrics:episode_counts}}) over the episodes of kpi/episode_facts: started in [$from, $to],
-- of the accounts in scope, judged at $as_of. The raw-table path; the summary path counts the
-- same facts from kpi_episodes (kpi/summary_episodes.sql).
-- Parameters: those of kpi/episode_facts.
WITH {{include:kpi/scope}},
{{include:kpi/episode_facts}}
SELECT {{metrics:episode_counts}}
FROM facts;
