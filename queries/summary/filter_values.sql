-- summary/filter_values: rebuilds kpi_filter_values, the values the Overview's filters
-- offer, with how many accounts (products, regions) or outbound contacts (templates,
-- agents) or assigned accounts (experiments, and arms written experiment/arm) have each.
-- Read from the other summary tables (every interaction has its account: the import requires
-- it), so that it is cheap after an incremental refresh too. Rebuilt after every import, last.
-- No parameters.
CREATE OR REPLACE TABLE kpi_filter_values AS
WITH combos AS (
	SELECT c.template_id, c.agent_id, sum(d.outbound_contacts) AS n
	FROM kpi_contact_combo_days d JOIN kpi_contact_combos c USING (combo)
	GROUP BY ALL
)
SELECT 'product' AS dimension, product AS value, count(*) AS n FROM kpi_accounts GROUP BY ALL
UNION ALL SELECT 'region', region, count(*) FROM kpi_accounts GROUP BY ALL
UNION ALL SELECT 'template', template_id, sum(n)::BIGINT FROM combos WHERE template_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'agent', agent_id, sum(n)::BIGINT FROM combos WHERE agent_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'experiment', experiment_id, count(*) FROM experiment_assignments GROUP BY ALL
UNION ALL SELECT 'arm', experiment_id || '/' || variant, count(*) FROM experiment_assignments GROUP BY ALL
ORDER BY 1, 2;
