-- experiments/outcomes: per assigned account (exp_units, queries/experiments/units.sql)
-- the outcome of every experiment metric (src/lib/experiments/schema.ts, EXPERIMENT_METRICS),
-- judged at $as_of. A NULL outcome means the account is not in that metric's denominator.
--
-- Account-level metrics (intention to treat: every assigned account, reached or not, from
-- its first day in the experiment, ws, to $as_of; days are UTC dates as in queries/kpi/):
-- - right_party_contact_rate: 1 when the account had an outbound contact with the outcome
--   `conversation`, else 0;
-- - contact_load: outbound contacts (all channels) per account-week: contacts × 7 / the
--   days from ws to $as_of (both included);
-- - complaints_per_1k_contacted: complaints received; opt_out_rate: opt-out events
--   (contact_preferences kind `opt_out` for the account, or without an account: for all of
--   its customer's debts), effective while assigned; presumed_violations:
--   queries/experiments/presumed_violations.sql (exp_violations).
--   These three are counts per account; the analysis reports them per 1,000 assigned
--   accounts.
--
-- Episode metrics: over the account's first episode started on or after ws (exp_units).
-- An account without one has no episode outcome and is left out of these metrics (NULL),
-- rather than counted as not cured: assignment comes before the episode, so whether an
-- episode starts cannot depend on the arm, and the denominator stays comparable. The rules
-- are those of queries/kpi/episodes.sql and queries/kpi/time_to_event.sql (kpis.md):
-- - cure_rate_Nd (N = 30, 60, 90): 1 when cured within N days of started_on; only mature
--   episodes (at least N days between started_on and $as_of); charged off before the cure:
--   not cured;
-- - self_cure_rate: mature at 30 days, cured within 30 days with no outbound right-party
--   conversation (call or ringless voicemail with outcome `conversation`) between started_on
--   and the cure;
-- - payment_plan_uptake: mature at 30 days, a settled payment with a plan_id within 30 days
--   of started_on;
-- - recovery_rate: mature at 30 days, settled payments from started_on to the end of the
--   episode (cure, charge-off or $as_of) ÷ amount_past_due, capped at 1;
-- - days_to_pay (pay_t, pay_event): days to the first settled payment on or after
--   started_on; censored at $as_of, or at the charge-off (a later payment does not count);
-- - time_to_cure (cure_t, cure_event): days to the cure; censored at $as_of; a charged-off
--   episode never cures, so it stays at risk until $as_of as a non-cure;
-- - time_to_first_contact (contact_t, contact_event): days to the first outbound contact on
--   or after started_on; censored at the cure, the charge-off or $as_of.
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
	SELECT u.k, count(*) AS complaints
	FROM complaints k JOIN exp_units u USING (account_id)
	WHERE k.received_at >= $from::TIMESTAMPTZ AND k.received_at < $as_of::DATE + 1
		AND k.received_at::DATE >= u.ws
	GROUP BY u.k
),
o AS (
	SELECT k, count(*) AS opt_outs
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
	SELECT u.k, u.arm, u.segment, u.vulnerable, u.entry_week, u.ws, u.started_on, u.cured_on, u.charged_off_on, u.amount_past_due,
		($as_of::DATE - u.started_on)::INTEGER AS age,
		(u.cured_on - u.started_on)::INTEGER AS days_to_cure,
		(DATE '1970-01-01' + p.paid_d)::DATE AS paid_on,
		p.paid_d IS NOT NULL AND (u.charged_off_on IS NULL OR DATE '1970-01-01' + p.paid_d <= u.charged_off_on) AS paid,
		coalesce(p.x, 0) AS x, p.paid_in_episode, p.plan_within_30,
		c.contacts, c.conversation, c.first_contact_on, c.conversation_before_cure,
		kc.complaints, o.opt_outs, v.presumed_violations
	FROM exp_units u
	LEFT JOIN exp_contacts c USING (k)
	LEFT JOIN p USING (k)
	LEFT JOIN kc USING (k)
	LEFT JOIN o USING (k)
	LEFT JOIN exp_violations v USING (k)
)
SELECT k, arm, segment, vulnerable, entry_week, x,
	started_on IS NOT NULL AS has_episode,
	age >= 30 AS mature_30,
	-- proportions and means
	CASE WHEN age >= 30 THEN coalesce(days_to_cure <= 30, false)::DOUBLE END AS cure_rate_30d,
	CASE WHEN age >= 60 THEN coalesce(days_to_cure <= 60, false)::DOUBLE END AS cure_rate_60d,
	CASE WHEN age >= 90 THEN coalesce(days_to_cure <= 90, false)::DOUBLE END AS cure_rate_90d,
	CASE WHEN age >= 30 THEN coalesce(days_to_cure <= 30 AND NOT coalesce(conversation_before_cure, false), false)::DOUBLE END AS self_cure_rate,
	CASE WHEN age >= 30 THEN coalesce(plan_within_30, false)::DOUBLE END AS payment_plan_uptake,
	CASE WHEN age >= 30 THEN least(1, coalesce(paid_in_episode, 0) / amount_past_due)::DOUBLE END AS recovery_rate,
	coalesce(conversation, false)::DOUBLE AS right_party_contact_rate,
	(coalesce(contacts, 0) * 7.0 / ($as_of::DATE - ws + 1))::DOUBLE AS contact_load,
	-- counts
	coalesce(complaints, 0)::DOUBLE AS complaints_per_1k_contacted,
	coalesce(opt_outs, 0)::DOUBLE AS opt_out_rate,
	coalesce(presumed_violations, 0)::DOUBLE AS presumed_violations,
	-- times to event (episodes only)
	CASE WHEN started_on IS NOT NULL THEN
		CASE WHEN paid THEN (paid_on - started_on) ELSE (coalesce(charged_off_on, $as_of::DATE) - started_on) END END::INTEGER AS pay_t,
	CASE WHEN started_on IS NOT NULL THEN paid END AS pay_event,
	CASE WHEN started_on IS NOT NULL THEN coalesce(days_to_cure, age) END::INTEGER AS cure_t,
	CASE WHEN started_on IS NOT NULL THEN days_to_cure IS NOT NULL END AS cure_event,
	CASE WHEN started_on IS NOT NULL THEN (coalesce(first_contact_on, cured_on, charged_off_on, $as_of::DATE) - started_on) END::INTEGER AS contact_t,
	CASE WHEN started_on IS NOT NULL THEN first_contact_on IS NOT NULL END AS contact_event
FROM e;
