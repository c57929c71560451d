-- kpi/filter_values: the values the Overview's filters offer: every product and region of
-- the accounts, with how many accounts have each. No parameters.
SELECT 'product' AS dimension, product AS value, count(*) AS accounts FROM accounts GROUP BY ALL
UNION ALL
SELECT 'region', region, count(*) FROM accounts GROUP BY ALL
ORDER BY 1, 2;
