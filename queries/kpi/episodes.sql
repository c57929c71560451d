-- kpi/episodes: counts behind the episode KPIs — cure rate at 30/60/90 days, self-cure,
-- recovery, charge-off, payment-plan uptake and attrition after cure — over the
-- delinquency episodes that started in [$from, $to], judged at $as_of.
-- Parameters: $from, $to, $as_of (dates); the filters $segment, $product, $region,
-- $vulnerable, $experiment and $arm (the accounts assigned), $channel, $tone, $template,
-- $agent (NULL = all). With a filter on contacts, episodes, complaints and opt-outs are
-- those of the accounts that had a matching outbound contact in the period.
WITH scope AS (
	SELECT * FROM kpi_scope($from, $to, $segment, $product, $region, $vulnerable, $experiment, $arm, $channel, $tone, $template, $agent)
),
ep AS (
	SELECT d.episode_id, d.account_id, d.started_on, d.cured_on, d.charged_off_on, d.amount_past_due,
		a.closed_on, a.closed_reason
	FROM delinquencies d
	JOIN scope a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE
		AND d.started_on <= $as_of::DATE
),
-- cures and charge-offs as known at the as-of date
e AS (
	SELECT *,
		CASE WHEN cured_on <= $as_of::DATE THEN (cured_on - started_on)::INTEGER END AS days_to_cure,
		CASE WHEN charged_off_on <= $as_of::DATE THEN (charged_off_on - started_on)::INTEGER END AS days_to_charge_off,
		($as_of::DATE - started_on)::INTEGER AS age
	FROM ep
),
conversation AS (
	SELECT DISTINCT e.episode_id
	FROM e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.outcome = 'conversation' AND i.channel IN ('call', 'ringless_voicemail')
		AND i.occurred_at >= $from::TIMESTAMPTZ -- implied by the line below; filters before the join
		AND i.occurred_at::DATE BETWEEN e.started_on AND e.started_on + e.days_to_cure
),
pay AS (
	SELECT e.episode_id,
		sum(p.amount) FILTER (WHERE p.paid_at::DATE <= coalesce(e.started_on + e.days_to_cure, e.started_on + e.days_to_charge_off, $as_of::DATE)) AS paid_in_episode,
		bool_or(p.plan_id IS NOT NULL AND p.paid_at::DATE <= e.started_on + 30) AS plan_within_30
	FROM e JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= e.started_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied; filters before the join
	GROUP BY e.episode_id
)
SELECT
	count(*) AS episodes,
	count(*) FILTER (WHERE age >= 30) AS mature_30,
	count(*) FILTER (WHERE age >= 60) AS mature_60,
	count(*) FILTER (WHERE age >= 90) AS mature_90,
	count(*) FILTER (WHERE age >= 180) AS mature_180,
	count(*) FILTER (WHERE age >= 30 AND days_to_cure <= 30) AS cured_30,
	count(*) FILTER (WHERE age >= 60 AND days_to_cure <= 60) AS cured_60,
	count(*) FILTER (WHERE age >= 90 AND days_to_cure <= 90) AS cured_90,
	count(*) FILTER (WHERE age >= 30 AND days_to_cure <= 30 AND c.episode_id IS NULL) AS self_cured_30,
	coalesce(sum(least(1, coalesce(p.paid_in_episode, 0) / e.amount_past_due)) FILTER (WHERE age >= 30), 0) AS recovered_share_sum,
	count(*) FILTER (WHERE age >= 180 AND days_to_charge_off <= 180) AS charged_off_180,
	count(*) FILTER (WHERE age >= 30 AND coalesce(p.plan_within_30, false)) AS plan_within_30,
	count(*) FILTER (WHERE days_to_cure IS NOT NULL AND e.started_on + days_to_cure <= $as_of::DATE - 180) AS cured_mature_180,
	count(*) FILTER (WHERE days_to_cure IS NOT NULL AND e.started_on + days_to_cure <= $as_of::DATE - 180
		AND closed_reason = 'customer_left' AND closed_on BETWEEN e.started_on + days_to_cure AND e.started_on + days_to_cure + 180) AS left_after_cure
FROM e
LEFT JOIN conversation c USING (episode_id)
LEFT JOIN pay p USING (episode_id);
