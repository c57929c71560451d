-- kpi/episode_facts: a chain of CTEs (included by other files with {{include:kpi/episode_facts}},
-- after a CTE `scope` of the accounts, usually {{include:kpi/scope}}) that ends in `facts`: one
-- row per delinquency episode of the accounts in scope
-- that started in [$from, $to] and on or before $as_of, with the account's attributes, the
-- episode's base columns (src/lib/metrics/counts.ts EPISODE_BASE_COLUMNS) computed here from the
-- raw tables, and its facts as known at $as_of (days to cure, recovery, the times to event, …,
-- generated from the metric catalogue by {{metrics:episode_facts}}) and its age in days.
-- The facts keep beside them the base columns that the facts judged at the as-of date read
-- ({{metrics:episode_asof_base}}), so that the summary table can judge them again at a later date.
-- The summary rebuild (queries/summary/episodes.sql) keeps this relation for every episode, the
-- incremental refresh (summary/refresh_episodes.sql) for the accounts an import touched; the
-- raw-table path (kpi/episodes.sql, kpi/time_to_event.sql) takes it for a period and filters.
-- Parameters: $from, $to, $as_of (dates).
ep AS (
	SELECT d.episode_id, d.account_id, d.started_on, d.amount_past_due,
		CASE WHEN d.cured_on <= $as_of::DATE THEN d.cured_on END AS cured_on,
		CASE WHEN d.charged_off_on <= $as_of::DATE THEN d.charged_off_on END AS charged_off_on,
		a.segment, a.product, a.region, a.vulnerable, a.closed_on, a.closed_reason
	FROM delinquencies d JOIN scope a USING (account_id)
	WHERE d.started_on BETWEEN $from::DATE AND $to::DATE AND d.started_on <= $as_of::DATE
),
-- an outbound right-party conversation on a day from the start to the cure
ep_conversation AS (
	SELECT DISTINCT e.episode_id
	FROM ep e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.outcome = 'conversation' AND i.channel IN ('call', 'ringless_voicemail')
		AND i.occurred_at >= $from::TIMESTAMPTZ -- implied by the line below; filters before the join
		AND i.occurred_at::DATE BETWEEN e.started_on AND e.cured_on
),
-- the settled payments from the start to the as-of date
ep_pay AS (
	SELECT e.episode_id,
		min(p.paid_at::DATE) AS paid_on,
		sum(p.amount) FILTER (WHERE p.paid_at::DATE <= coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)) AS paid_in_episode,
		bool_or(p.plan_id IS NOT NULL AND p.paid_at::DATE <= e.started_on + 30) AS plan_within_30
	FROM ep e JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= e.started_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied; filters before the join
	GROUP BY e.episode_id
),
-- the first outbound contact from the start to the end of the episode
ep_first_contact AS (
	SELECT e.episode_id, min(i.occurred_at::DATE) AS contacted_on
	FROM ep e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND i.occurred_at::DATE >= e.started_on
		AND i.occurred_at >= $from::TIMESTAMPTZ -- implied; filters before the join
		AND i.occurred_at::DATE <= coalesce(e.cured_on, e.charged_off_on, $as_of::DATE)
	GROUP BY 1
),
-- the first settled payment on or after that contact
ep_pay_after_contact AS (
	SELECT c.episode_id, min(p.paid_at::DATE) AS paid_on
	FROM ep_first_contact c JOIN ep e USING (episode_id) JOIN payments p ON p.account_id = e.account_id
	WHERE p.status = 'settled' AND p.paid_at::DATE >= c.contacted_on AND p.paid_at::DATE <= $as_of::DATE
		AND p.paid_at >= $from::TIMESTAMPTZ -- implied; filters before the join
	GROUP BY 1
),
base AS (
	SELECT e.*, c.episode_id IS NOT NULL AS conversation_before_cure,
		p.paid_on, p.paid_in_episode, p.plan_within_30,
		f.contacted_on, pc.paid_on AS paid_after_contact_on
	FROM ep e
	LEFT JOIN ep_conversation c USING (episode_id)
	LEFT JOIN ep_pay p USING (episode_id)
	LEFT JOIN ep_first_contact f USING (episode_id)
	LEFT JOIN ep_pay_after_contact pc USING (episode_id)
),
facts AS (
	SELECT episode_id, account_id, segment, product, region, vulnerable,
		{{metrics:episode_asof_base}},
		{{metrics:episode_facts}},
		{{metrics:episode_age}}
	FROM base
)
