-- experiments/cells: the sufficient statistics of every proportion, mean and count metric
-- of an experiment, per cell of arm × account segment × vulnerable × entry_week, from the
-- per-account outcomes (exp_outcomes, queries/experiments/outcomes.sql). Per metric m:
-- m__n, the accounts in its denominator (a NULL outcome is not), m__sum_y = Σy,
-- m__sum_y2 = Σy², and for CUPED the covariate's m__sum_x = Σx, m__sum_x2 = Σx²,
-- m__sum_xy = Σxy (x: settled payments in the 30 days before the assignment), over the
-- same accounts. Sums are additive: src/lib/server/experiments/analyze.ts adds the cells up
-- per arm, per arm and segment, and per arm over the weeks up to each entry_week (the effect
-- over time), so no per-account row leaves the database.
-- Also per cell: assigned (all accounts), with_episode (those with an episode since their
-- assignment) and mature_30 (an episode at least 30 days old).
-- No parameters.
SELECT arm, segment, vulnerable, entry_week,
	count(*) AS assigned,
	count(*) FILTER (WHERE has_episode) AS with_episode,
	count(*) FILTER (WHERE mature_30) AS mature_30,
	count(cure_rate_30d) AS cure_rate_30d__n, sum(cure_rate_30d) AS cure_rate_30d__sum_y, sum(cure_rate_30d * cure_rate_30d) AS cure_rate_30d__sum_y2,
		sum(x) FILTER (WHERE cure_rate_30d IS NOT NULL) AS cure_rate_30d__sum_x, sum(x * x) FILTER (WHERE cure_rate_30d IS NOT NULL) AS cure_rate_30d__sum_x2, sum(x * cure_rate_30d) AS cure_rate_30d__sum_xy,
	count(cure_rate_60d) AS cure_rate_60d__n, sum(cure_rate_60d) AS cure_rate_60d__sum_y, sum(cure_rate_60d * cure_rate_60d) AS cure_rate_60d__sum_y2,
		sum(x) FILTER (WHERE cure_rate_60d IS NOT NULL) AS cure_rate_60d__sum_x, sum(x * x) FILTER (WHERE cure_rate_60d IS NOT NULL) AS cure_rate_60d__sum_x2, sum(x * cure_rate_60d) AS cure_rate_60d__sum_xy,
	count(cure_rate_90d) AS cure_rate_90d__n, sum(cure_rate_90d) AS cure_rate_90d__sum_y, sum(cure_rate_90d * cure_rate_90d) AS cure_rate_90d__sum_y2,
		sum(x) FILTER (WHERE cure_rate_90d IS NOT NULL) AS cure_rate_90d__sum_x, sum(x * x) FILTER (WHERE cure_rate_90d IS NOT NULL) AS cure_rate_90d__sum_x2, sum(x * cure_rate_90d) AS cure_rate_90d__sum_xy,
	count(self_cure_rate) AS self_cure_rate__n, sum(self_cure_rate) AS self_cure_rate__sum_y, sum(self_cure_rate * self_cure_rate) AS self_cure_rate__sum_y2,
		sum(x) FILTER (WHERE self_cure_rate IS NOT NULL) AS self_cure_rate__sum_x, sum(x * x) FILTER (WHERE self_cure_rate IS NOT NULL) AS self_cure_rate__sum_x2, sum(x * self_cure_rate) AS self_cure_rate__sum_xy,
	count(payment_plan_uptake) AS payment_plan_uptake__n, sum(payment_plan_uptake) AS payment_plan_uptake__sum_y, sum(payment_plan_uptake * payment_plan_uptake) AS payment_plan_uptake__sum_y2,
		sum(x) FILTER (WHERE payment_plan_uptake IS NOT NULL) AS payment_plan_uptake__sum_x, sum(x * x) FILTER (WHERE payment_plan_uptake IS NOT NULL) AS payment_plan_uptake__sum_x2, sum(x * payment_plan_uptake) AS payment_plan_uptake__sum_xy,
	count(recovery_rate) AS recovery_rate__n, sum(recovery_rate) AS recovery_rate__sum_y, sum(recovery_rate * recovery_rate) AS recovery_rate__sum_y2,
		sum(x) FILTER (WHERE recovery_rate IS NOT NULL) AS recovery_rate__sum_x, sum(x * x) FILTER (WHERE recovery_rate IS NOT NULL) AS recovery_rate__sum_x2, sum(x * recovery_rate) AS recovery_rate__sum_xy,
	count(right_party_contact_rate) AS right_party_contact_rate__n, sum(right_party_contact_rate) AS right_party_contact_rate__sum_y, sum(right_party_contact_rate * right_party_contact_rate) AS right_party_contact_rate__sum_y2,
		sum(x) FILTER (WHERE right_party_contact_rate IS NOT NULL) AS right_party_contact_rate__sum_x, sum(x * x) FILTER (WHERE right_party_contact_rate IS NOT NULL) AS right_party_contact_rate__sum_x2, sum(x * right_party_contact_rate) AS right_party_contact_rate__sum_xy,
	count(contact_load) AS contact_load__n, sum(contact_load) AS contact_load__sum_y, sum(contact_load * contact_load) AS contact_load__sum_y2,
		sum(x) FILTER (WHERE contact_load IS NOT NULL) AS contact_load__sum_x, sum(x * x) FILTER (WHERE contact_load IS NOT NULL) AS contact_load__sum_x2, sum(x * contact_load) AS contact_load__sum_xy,
	count(complaints_per_1k_contacted) AS complaints_per_1k_contacted__n, sum(complaints_per_1k_contacted) AS complaints_per_1k_contacted__sum_y, sum(complaints_per_1k_contacted * complaints_per_1k_contacted) AS complaints_per_1k_contacted__sum_y2,
		sum(x) FILTER (WHERE complaints_per_1k_contacted IS NOT NULL) AS complaints_per_1k_contacted__sum_x, sum(x * x) FILTER (WHERE complaints_per_1k_contacted IS NOT NULL) AS complaints_per_1k_contacted__sum_x2, sum(x * complaints_per_1k_contacted) AS complaints_per_1k_contacted__sum_xy,
	count(opt_out_rate) AS opt_out_rate__n, sum(opt_out_rate) AS opt_out_rate__sum_y, sum(opt_out_rate * opt_out_rate) AS opt_out_rate__sum_y2,
		sum(x) FILTER (WHERE opt_out_rate IS NOT NULL) AS opt_out_rate__sum_x, sum(x * x) FILTER (WHERE opt_out_rate IS NOT NULL) AS opt_out_rate__sum_x2, sum(x * opt_out_rate) AS opt_out_rate__sum_xy,
	count(presumed_violations) AS presumed_violations__n, sum(presumed_violations) AS presumed_violations__sum_y, sum(presumed_violations * presumed_violations) AS presumed_violations__sum_y2,
		sum(x) FILTER (WHERE presumed_violations IS NOT NULL) AS presumed_violations__sum_x, sum(x * x) FILTER (WHERE presumed_violations IS NOT NULL) AS presumed_violations__sum_x2, sum(x * presumed_violations) AS presumed_violations__sum_xy
FROM exp_outcomes
GROUP BY ALL
ORDER BY ALL;
