-- experiments/outcomes: per assigned account (exp_units, queries/experiments/units.sql)
-- the outcome of every experiment metric (src/lib/experiments/schema.ts, EXPERIMENT_METRICS),
-- judged at $as_of. A NULL outcome means the account is not in that metric's denominator.
--
-- The outcomes are generated from the metric catalogue ({{metrics:experiment_outcomes}},
-- src/lib/metrics/sql.ts): each experiment metric's definition is in src/lib/metrics/catalogue.ts
-- and the facts they are computed from in src/lib/metrics/counts.ts. This file computes the base
-- columns, per account:
-- - account-level (intention to treat: every assigned account, reached or not, from its first
--   day in the experiment, ws, to $as_of; days are UTC dates): contacts and conversation
--   (exp_contacts), complaints received, opt_outs (contact_preferences kind `opt_out` for the
--   account, or without an account: for all of its customer's debts), presumed_violations
--   (queries/experiments/presumed_violations.sql, exp_violations), exposure_days (ws to $as_of,
--   both included);
-- - episode base columns over the account's first episode started on or after ws (exp_units).
--   An account without one has no episode outcome and is left out of those metrics (NULL),
--   rather than counted as not cured: assignment comes before the episode, so whether an
--   episode starts cannot depend on the arm, and the denominator stays comparable.
-- x is the CUPED covariate: the settled payments on the account in the 30 days before the
-- assignment (paid_at in [assigned_at − 30 days, assigned_at)), 0 when none.
-- Reads exp_units (queries/experiments/units.sql), exp_contacts (contacts.sql) and
-- exp_violations (presumed_violations.sql).
-- Parameters: $from (the earliest ws of the experiment), $pre_from (31 days before the
-- earliest assignment), $as_of (date).
WITH p AS (
	-- one pass over the settled payments: the covariate before the assignment, and the
	-- episode's payments (days as day numbers, see units.sql)
	SELECT u.k,
		sum(p.amount) FILTER (WHERE p.paid_at < u.assigned_at AND p.paid_at >= u.assigned_at - INTERVAL 30 DAY)::DOUBLE AS x,
		min(p.d) FILTER (WHERE p.d >= u.started_d) AS paid_d,
		sum(p.amount) FILTER (WHERE p.d >= u.started_d AND p.d <= u.episode_end_d)::DOUBLE AS paid_in_episode,
		bool_or(p.plan_id IS NOT NULL AND p.d >= u.started_d AND p.d <= u.started_d + 30) AS plan_within_30
	FROM (
		SELECT account_id, paid_at, (epoch_us(paid_at) // 86400000000)::INTEGER AS d, amount, plan_id
		FROM payments
		WHERE status = 'settled' AND paid_at >= $pre_from::TIMESTAMPTZ AND paid_at < $as_of::DATE + 1 -- filters before the join
	) p JOIN exp_units u USING (account_id)
	WHERE (p.paid_at < u.assigned_at AND p.paid_at >= u.assigned_at - INTERVAL 30 DAY) OR p.d >= u.started_d
	GROUP BY u.k
),
kc AS (
	SELECT u.k, count(*) AS n_complaints
	FROM complaints k JOIN exp_units u USING (account_id)
	WHERE k.received_at >= $from::TIMESTAMPTZ AND k.received_at < $as_of::DATE + 1
		AND k.received_at::DATE >= u.ws
	GROUP BY u.k
),
o AS (
	SELECT k, count(*) AS n_opt_outs
	FROM (
		SELECT u.k
		FROM contact_preferences cp JOIN exp_units u ON u.account_id = cp.account_id
		WHERE cp.kind = 'opt_out' AND cp.effective_at::DATE BETWEEN u.ws AND $as_of::DATE
		UNION ALL
		-- an opt-out without an account covers every debt of the customer
		SELECT u.k
		FROM contact_preferences cp JOIN exp_units u ON u.customer_id = cp.customer_id
		WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL AND cp.effective_at::DATE BETWEEN u.ws AND $as_of::DATE
	)
	GROUP BY k
),
e AS (
	-- the base columns of the metric catalogue (src/lib/metrics/counts.ts) under its names
	SELECT u.k, u.arm, u.segment, u.vulnerable, u.entry_week, u.ws, u.started_on, u.cured_on, u.charged_off_on, u.amount_past_due,
		NULL::DATE AS closed_on, NULL::VARCHAR AS closed_reason,
		(DATE '1970-01-01' + p.paid_d)::DATE AS paid_on, p.paid_in_episode, p.plan_within_30,
		c.first_contact_on AS contacted_on, NULL::DATE AS paid_after_contact_on, c.conversation_before_cure,
		coalesce(p.x, 0) AS x,
		c.contacts, c.conversation, ($as_of::DATE - u.ws + 1) AS exposure_days,
		kc.n_complaints AS complaints, o.n_opt_outs AS opt_outs, v.n_violations AS presumed_violations
	FROM exp_units u
	LEFT JOIN exp_contacts c USING (k)
	LEFT JOIN p USING (k)
	LEFT JOIN kc USING (k)
	LEFT JOIN o USING (k)
	LEFT JOIN exp_violations v USING (k)
),
f AS (
	SELECT * EXCLUDE (conversation_before_cure, plan_within_30),
		{{metrics:episode_facts}},
		{{metrics:episode_age}}
	FROM e
)
SELECT k, arm, segment, vulnerable, entry_week, x,
	started_on IS NOT NULL AS has_episode,
	age >= 30 AS mature_30,
	-- every proportion, mean and count metric of the catalogue, per account
	{{metrics:experiment_outcomes}},
	-- the times to event (accounts with an episode)
	pay_t, pay_event, cure_t, cure_event, contact_t, contact_event
FROM f;
