-- compliance/findings_ranked_shape: whether the tables of the counted ranked views are those
-- migration 21 makes now (a store made while that migration was being written may hold an
-- earlier shape of them: ranked.ts then makes them again, they only hold counts it can redo):
-- the pos_* columns of compliance_ranked_groups (16) and whether compliance_ranked_values exists.
-- Parameters: none.
SELECT
	(SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
		AND table_name = 'compliance_ranked_groups' AND starts_with(column_name, 'pos_')) AS pos_columns,
	(SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
		AND table_name = 'compliance_ranked_values') AS values_table;
