-- kpi/days_to_pay_curves: for each monthly cohort of episodes (by started_on) in [$from, $to],
-- judged at $as_of, grouped by day since the start: how many made their first settled
-- payment on the account that day (events) and how many were censored that day. The rules
-- are those of days_to_pay in kpi/time_to_event: the first settled payment on or after
-- started_on (by its UTC date) and on or before the as-of date; an episode with no payment is
-- censored at the as-of date, or at its charge-off (a payment after the charge-off does not
-- count). src/lib/server/kpi/charts.ts draws the Kaplan–Meier curves (days 0–120) from these
-- counts, with the same tail rule as the cure curves.
-- Parameters: $from, $to, $as_of (dates); $segment, $product, $region, $vulnerable,
-- $experiment, $arm filter the accounts; $channel, $tone, $template, $agent keep the accounts
-- with at least one matching outbound contact in [$from, $to]. NULL means no filter.
WITH e AS (
	SELECT d.episode_id, d.account_id, d.started_on, date_trunc('month', d.started_on)::DATE AS cohort,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on
	FROM delinquencies d JOIN kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent) a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
),
first_pay AS (
	SELECT e.episode_id, min(p.paid_at::DATE) AS paid_on
	FROM e JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= e.started_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied by the line above; lets DuckDB drop older rows before the join
	GROUP BY 1
),
pay AS (
	SELECT e.cohort,
		f.paid_on IS NOT NULL AND (e.charged_off_on IS NULL OR f.paid_on <= e.charged_off_on) AS event,
		CASE WHEN event THEN (f.paid_on - e.started_on)::INTEGER
			ELSE (coalesce(e.charged_off_on, $as_of::DATE) - e.started_on)::INTEGER END AS t
	FROM e LEFT JOIN first_pay f USING (episode_id)
)
SELECT cohort, t, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
FROM pay
GROUP BY ALL
ORDER BY cohort, t;
