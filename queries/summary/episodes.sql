-- summary/episodes: rebuilds kpi_episodes, one row per delinquency episode started on or
-- before $as_of (the data's as-of date), holding everything the episode KPIs need as known
-- at $as_of: days to cure and to charge-off, whether a right-party conversation came before
-- the cure, the share of the past-due amount recovered in the episode, payment-plan uptake,
-- the three time-to-event measures (time and event flag) and attrition after cure, next
-- to the account's attributes. The Overview reads it instead of joining the raw tables;
-- src/lib/server/kpi/summaries.ts rebuilds it after every import. The rules are those of
-- queries/kpi/episodes.sql and queries/kpi/time_to_event.sql (tests check they agree).
-- Parameters: $as_of (date).
CREATE OR REPLACE TABLE kpi_episodes AS
WITH e AS (
	SELECT d.episode_id, d.account_id, d.started_on, d.amount_past_due,
		CASE WHEN d.cured_on <= $as_of::DATE THEN (d.cured_on - d.started_on)::INTEGER END AS days_to_cure,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN (d.charged_off_on - d.started_on)::INTEGER END AS days_to_charge_off,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on,
		a.segment, a.product, a.region, a.vulnerable, a.closed_on, a.closed_reason
	FROM delinquencies d JOIN accounts a USING (account_id)
	WHERE d.started_on <= $as_of::DATE
),
conversation AS (
	SELECT DISTINCT e.episode_id
	FROM e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.outcome = 'conversation' AND i.channel IN ('call', 'ringless_voicemail')
		AND i.occurred_at::DATE BETWEEN e.started_on AND e.cured_on
),
pay AS (
	SELECT e.episode_id,
		min(p.paid_at::DATE) AS paid_on,
		sum(p.amount) FILTER (WHERE p.paid_at::DATE <= coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)) AS paid_in_episode,
		bool_or(p.plan_id IS NOT NULL AND p.paid_at::DATE <= e.started_on + 30) AS plan_within_30
	FROM e JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= e.started_on AND p.paid_at::DATE <= $as_of::DATE
	GROUP BY e.episode_id
),
first_contact AS (
	SELECT e.episode_id, min(i.occurred_at::DATE) AS contacted_on
	FROM e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.occurred_at::DATE >= e.started_on
		AND i.occurred_at::DATE <= coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)
	GROUP BY 1
),
pay_after_contact AS (
	SELECT c.episode_id, min(p.paid_at::DATE) AS paid_on
	FROM first_contact c JOIN e USING (episode_id) JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= c.contacted_on AND p.paid_at::DATE <= $as_of::DATE
	GROUP BY 1
),
joined AS (
	SELECT e.*, c.episode_id IS NOT NULL AS conversation_before_cure,
		p.paid_on, p.paid_in_episode, coalesce(p.plan_within_30, false) AS plan_within_30,
		f.contacted_on, pc.paid_on AS paid_after_contact_on
	FROM e
	LEFT JOIN conversation c USING (episode_id)
	LEFT JOIN pay p USING (episode_id)
	LEFT JOIN first_contact f USING (episode_id)
	LEFT JOIN pay_after_contact pc USING (episode_id)
)
SELECT episode_id, account_id, started_on, segment, product, region, vulnerable,
	days_to_cure, days_to_charge_off, conversation_before_cure,
	least(1, coalesce(paid_in_episode, 0) / amount_past_due)::DOUBLE AS recovered_share,
	plan_within_30,
	-- days to pay: a payment after a charge-off does not count (censored at the charge-off)
	(paid_on IS NOT NULL AND (charged_off_on IS NULL OR paid_on <= charged_off_on)) AS pay_event,
	CASE WHEN paid_on IS NOT NULL AND (charged_off_on IS NULL OR paid_on <= charged_off_on) THEN (paid_on - started_on)::INTEGER
		ELSE (coalesce(charged_off_on, $as_of::DATE) - started_on)::INTEGER END AS pay_t,
	contacted_on IS NOT NULL AS contact_event,
	(coalesce(contacted_on, cured_on, charged_off_on, $as_of::DATE) - started_on)::INTEGER AS contact_t,
	-- first contact to payment: only episodes with a first contact
	CASE WHEN contacted_on IS NOT NULL THEN (paid_after_contact_on IS NOT NULL AND (charged_off_on IS NULL OR paid_after_contact_on <= charged_off_on)) END AS contact_to_pay_event,
	CASE WHEN contacted_on IS NOT NULL THEN
		CASE WHEN paid_after_contact_on IS NOT NULL AND (charged_off_on IS NULL OR paid_after_contact_on <= charged_off_on) THEN (paid_after_contact_on - contacted_on)::INTEGER
			ELSE (coalesce(charged_off_on, $as_of::DATE) - contacted_on)::INTEGER END END AS contact_to_pay_t,
	closed_reason = 'customer_left' AND closed_on BETWEEN cured_on AND cured_on + 180 AS left_within_180_of_cure,
	cured_on
FROM joined
ORDER BY started_on, episode_id;
