-- kpi/complaints_by_category: complaints received in [$from, $to] (received_at, UTC) per
-- calendar month and over the whole period (month NULL), counted three ways: per category
-- (dimension 'category'), per source (dimension 'source') and in all (dimension 'total',
-- value 'all'); each row also counts how many of its complaints came through a regulator or
-- an ombudsman (source regulator or ombudsman). Rows: month (first day, or NULL), dimension,
-- value, complaints, via_regulator_or_ombudsman; only the values with complaints (no row at
-- all when there is no complaint). The raw-table path; kpi/summary_complaints_by_category gives
-- the same rows from the summary tables.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent keep the accounts with at least one
-- matching outbound contact in [$from, $to]. NULL means no filter.
WITH k AS (
	SELECT date_trunc('month', c.received_at::DATE)::DATE AS month, c.category, c.source,
		'complaint' AS kind
	FROM complaints c JOIN kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent) a USING (account_id)
	WHERE c.received_at >= $from::TIMESTAMPTZ AND c.received_at < $to::DATE + 1
)
{{include:kpi/complaint_groups}}
