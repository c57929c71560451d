-- kpi/time_to_event: for the episodes started in [$from, $to], grouped by day: how many had
-- their first settled payment (days_to_pay) or their first outbound contact
-- (time_to_first_contact) that day after the start, and how many were censored that day
-- (no event by the as-of date, or by the charge-off; for contact, by the end of the episode);
-- and, for the episodes with a first contact, the days from it to the first settled
-- payment on or after it (first_contact_to_pay, censored like days_to_pay).
-- The Kaplan–Meier curve is drawn from these counts in src/lib/stats/km.ts.
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, episodes, complaints and opt-outs are
-- those of the accounts that had a matching outbound contact in the period.
WITH scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
),
e AS (
	SELECT d.episode_id, d.account_id, d.started_on,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on
	FROM delinquencies d JOIN scope a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
),
first_pay AS (
	SELECT e.episode_id, min(p.paid_at::DATE) AS paid_on
	FROM e JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= e.started_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied by the line above; lets DuckDB drop older rows before the join
	GROUP BY 1
),
first_contact AS (
	SELECT e.episode_id, min(i.occurred_at::DATE) AS contacted_on
	FROM e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.occurred_at::DATE >= e.started_on
		AND i.occurred_at >= $from::TIMESTAMPTZ -- implied; filters before the join
		AND i.occurred_at::DATE <= coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)
	GROUP BY 1
),
pay_after_contact AS (
	SELECT c.episode_id, min(p.paid_at::DATE) AS paid_on
	FROM first_contact c JOIN e USING (episode_id) JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= c.contacted_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied; filters before the join
	GROUP BY 1
),
contact_to_pay AS (
	SELECT 'first_contact_to_pay' AS measure,
		CASE WHEN f.paid_on IS NOT NULL AND (e.charged_off_on IS NULL OR f.paid_on <= e.charged_off_on) THEN (f.paid_on - c.contacted_on)::INTEGER
			ELSE (coalesce(e.charged_off_on, $as_of::DATE) - c.contacted_on)::INTEGER END AS t,
		f.paid_on IS NOT NULL AND (e.charged_off_on IS NULL OR f.paid_on <= e.charged_off_on) AS event
	FROM first_contact c JOIN e USING (episode_id) LEFT JOIN pay_after_contact f USING (episode_id)
),
pay AS (
	SELECT 'days_to_pay' AS measure,
		-- a payment after a charge-off is not counted: the episode is censored at the charge-off
		CASE WHEN f.paid_on IS NOT NULL AND (e.charged_off_on IS NULL OR f.paid_on <= e.charged_off_on) THEN (f.paid_on - e.started_on)::INTEGER
			ELSE (coalesce(e.charged_off_on, $as_of::DATE) - e.started_on)::INTEGER END AS t,
		f.paid_on IS NOT NULL AND (e.charged_off_on IS NULL OR f.paid_on <= e.charged_off_on) AS event
	FROM e LEFT JOIN first_pay f USING (episode_id)
),
contact AS (
	SELECT 'time_to_first_contact' AS measure,
		(coalesce(c.contacted_on, e.cured_on, e.charged_off_on, $as_of::DATE) - e.started_on)::INTEGER AS t,
		c.contacted_on IS NOT NULL AS event
	FROM e LEFT JOIN first_contact c USING (episode_id)
)
SELECT measure, t, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
FROM (SELECT * FROM pay UNION ALL SELECT * FROM contact UNION ALL SELECT * FROM contact_to_pay)
GROUP BY ALL
ORDER BY measure, t;
