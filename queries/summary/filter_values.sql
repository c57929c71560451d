-- summary/filter_values: rebuilds kpi_filter_values, the values the Overview's filters
-- offer, with how many accounts (products, regions) or outbound contacts (templates,
-- agents) or assigned accounts (experiments, and arms written experiment/arm) have each.
-- Rebuilt after every import. No parameters.
CREATE OR REPLACE TABLE kpi_filter_values AS
SELECT 'product' AS dimension, product AS value, count(*) AS n FROM accounts GROUP BY ALL
UNION ALL SELECT 'region', region, count(*) FROM accounts GROUP BY ALL
UNION ALL SELECT 'template', template_id, count(*) FROM interactions WHERE direction = 'outbound' AND template_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'agent', agent_id, count(*) FROM interactions WHERE direction = 'outbound' AND agent_id IS NOT NULL GROUP BY ALL
UNION ALL SELECT 'experiment', experiment_id, count(*) FROM experiment_assignments GROUP BY ALL
UNION ALL SELECT 'arm', experiment_id || '/' || variant, count(*) FROM experiment_assignments GROUP BY ALL
ORDER BY 1, 2;
