-- kpi/scope: the CTE `scope` (included after WITH by {{include:kpi/scope}}): the accounts the
-- filters select, for kpi/episode_facts and the raw-table queries.
-- Parameters: $from, $to (dates); the filters $segment, $product, $region, $vulnerable,
-- $experiment and $arm (the accounts assigned), $channel, $tone, $template, $agent (NULL = all).
-- With a filter on contacts, the accounts that had a matching outbound contact in the period.
scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
)
