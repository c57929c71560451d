-- kpi/complaint_groups: the end of kpi/complaints_by_category and its summary variant, put after
-- their CTEs, which end in `k` (one row per complaint: month, category, source, kind). Rows: month
-- (first day, or NULL for the whole period), dimension ('category', 'source' or 'total'), value,
-- complaints, complaints_via_regulator; only the values with complaints.
SELECT month,
	CASE WHEN grouping(category) = 0 THEN 'category' WHEN grouping(source) = 0 THEN 'source' ELSE 'total' END AS dimension,
	coalesce(category, source, 'all') AS value,
	{{metrics:count(complaints)}},
	{{metrics:count(complaints_via_regulator)}}
FROM k
GROUP BY GROUPING SETS ((month, category), (month, source), (month), (category), (source), ())
HAVING count(*) > 0
ORDER BY month NULLS LAST, list_position(['category', 'source', 'total'], dimension), value;
