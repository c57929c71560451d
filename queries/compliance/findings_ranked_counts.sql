-- compliance/findings_ranked_counts: what a ranked row counts over its group of findings (g: one
-- row per finding, with key, kind and local_date): the findings in all and per kind, the first
-- and the latest local date. Included by findings_ranked.sql (the page over the findings table)
-- and findings_ranked_build.sql (the counts kept per audit), so both count alike.
count(*) AS findings,
		count(*) FILTER (WHERE kind = 'violation') AS violation,
		count(*) FILTER (WHERE kind = 'presumed_violation') AS presumed_violation,
		count(*) FILTER (WHERE kind = 'risk_flag') AS risk_flag,
		min(local_date) AS first,
		max(local_date) AS latest
