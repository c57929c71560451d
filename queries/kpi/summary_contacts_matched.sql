-- kpi/summary_contacts_matched: the contact KPIs' counts per bucket, as kpi/summary_contacts
-- gives them, when a filter on contacts is set ($channel, $tone, $template, $agent select the
-- combos of kpi_contact_combos): rows of three kinds:
--   'load'   — how many account-weeks had each number of matching outbound contacts, over the
--              calendar weeks that overlap the bucket, each counted whole (kpi_account_contacts;
--              kpi_attribute_weeks when the filter is on the channel or the tone alone);
--   'sums'   — matching outbound contacts, calls and right-party conversations made on the
--              bucket's days (kpi_contact_combo_days);
--   'firsts' — accounts with a matching contact on a day of the bucket (kpi/summary_matched).
-- {{account_join}}: a join to kpi_accounts when {{group}} is an account attribute, else nothing.
-- {{matched}} is kpi/summary_matched (or nothing when its relations are temporary tables).
-- Parameters: those of kpi/summary_contacts and the contact filters. {{group}} as there.
-- {{attribute_load}}: true when the filter is on one attribute of kpi_attribute_weeks alone;
-- {{attribute_match}} then selects its rows (w.attribute = 'channel' AND w.value = $channel).
WITH {{matched}}
load_weeks AS (
	SELECT c.week, c.ak, c.segment, c.product, c.region, sum(c.contacts) AS contacts
	FROM kpi_account_contacts c
	WHERE NOT {{attribute_load}} AND c.combo IN (SELECT combo FROM m_combos)
		AND c.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(c.segment, c.product, c.region, c.vulnerable, c.arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
-- with a filter on the channel or the tone alone, the per-attribute histogram already holds
-- the load (kpi_attribute_weeks: account-weeks by their number of contacts on each channel and
-- in each tone)
load AS (
	SELECT b.bucket, {{group}} AS grp, w.contacts, count(*) AS n
	FROM load_weeks w JOIN m_week_buckets b USING (week)
	GROUP BY ALL
	UNION ALL
	SELECT b.bucket, {{group}} AS grp, w.contacts, sum(w.account_weeks) AS n
	FROM kpi_attribute_weeks w JOIN m_week_buckets b USING (week)
	WHERE {{attribute_load}} AND {{attribute_match}}
		AND w.week BETWEEN $from::DATE - 6 AND $to::DATE
		AND kpi_summary_match(w.segment, w.product, w.region, w.vulnerable, w.arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
sums AS (
	SELECT kpi_bucket(day, $grain, $from::DATE, $split::DATE) AS bucket, {{group}} AS grp,
		sum(outbound_contacts) AS outbound_contacts, sum(outbound_calls) AS outbound_calls, sum(conversations) AS conversations
	FROM kpi_contact_combo_days
	WHERE day BETWEEN $from::DATE AND $to::DATE
		AND combo IN (SELECT combo FROM m_combos)
		AND kpi_summary_match(segment, product, region, vulnerable, arms, $segment, $product, $region, $vulnerable, $arm_bits)
	GROUP BY ALL
),
firsts AS (
	-- (matched holds each account once per bucket; {{account_join}} joins kpi_accounts when grouped
	-- by an account attribute: carrying the attributes in matched took twice as long to build)
	SELECT m.bucket, {{group}} AS grp, count(*) AS n FROM matched m {{account_join}} GROUP BY ALL
)
SELECT 'load' AS kind, bucket, grp, contacts, n::BIGINT AS n, NULL::BIGINT AS outbound_contacts, NULL::BIGINT AS outbound_calls, NULL::BIGINT AS conversations FROM load
UNION ALL SELECT 'sums', bucket, grp, NULL, NULL, outbound_contacts, outbound_calls, conversations FROM sums
UNION ALL SELECT 'firsts', bucket, grp, NULL, n, NULL, NULL, NULL FROM firsts
ORDER BY ALL;
