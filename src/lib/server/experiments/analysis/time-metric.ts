/**
 * One time-to-event metric, one arm against control: Kaplan–Meier per arm (km.ts), log-rank
 * (the metric's fixed-horizon p) and the difference of the restricted mean survival time at
 * RMST_HORIZON days, or at the longest follow-up both arms have when that is shorter
 * (survival.ts), with a normal interval; its sequential interval and p apply the normal
 * mixture of sequential.ts (normalMixtureTest) to the RMST difference; the Bayesian view is
 * the normal approximation with a flat prior on that difference (bayes.ts). Pure; in days.
 */
import { EXPERIMENT_METRICS, type ExperimentMetric } from '../../../experiments/schema.ts';
import type { MetricResult, MetricRole } from '../../../experiments/analysis-types.ts';
import { bayesNormalDifference } from '../../../stats/bayes.ts';
import { normalQuantile } from '../../../stats/distributions.ts';
import type { Interval } from '../../../stats/effects.ts';
import { kaplanMeier, kmQuantile, lastTime, type TimeCount } from '../../../stats/km.ts';
import { DEFAULT_TUNING_N, normalMixtureTest, rhoSquared } from '../../../stats/sequential.ts';
import { logRank, rmstDifference } from '../../../stats/survival.ts';
import { emptyResult, fin, intervalOut, RMST_HORIZON, type Settings } from './metric.ts';

const kmPoints = (rows: readonly TimeCount[]) => {
	const curve = kaplanMeier(rows);
	const pts = curve.map((p) => ({ day: p.t, share: 1 - p.s }));
	return pts.length && pts[0]!.day > 0 ? [{ day: 0, share: 0 }, ...pts] : pts;
};

export function timeMetric(
	metric: ExperimentMetric,
	roles: MetricRole[],
	arm: string,
	times: Map<string, Map<string, TimeCount[]>>,
	s: Settings,
	withCurves: boolean,
	withBayes: boolean
): MetricResult {
	const out = emptyResult(metric, roles, arm);
	const lowerIsBetter = EXPERIMENT_METRICS[metric].better === 'down';
	const c = times.get('control')?.get(metric) ?? [];
	const a = times.get(arm)?.get(metric) ?? [];
	const size = (rs: readonly TimeCount[]) => rs.reduce((n, r) => n + r.events + r.censored, 0);
	const events = (rs: readonly TimeCount[]) => rs.reduce((n, r) => n + r.events, 0);
	out.n_control = size(c);
	out.n_arm = size(a);
	const lr = out.n_control > 0 && out.n_arm > 0 ? logRank([c, a]) : null;
	// the horizon: 90 days, or the longest follow-up both arms have when that is shorter (an
	// arm whose curve reached 0 is known to the end)
	const reach = (rs: readonly TimeCount[], km: readonly { s: number }[]) => (km.length && km[km.length - 1]!.s === 0 ? Infinity : rs.length ? rs[rs.length - 1]!.t : 0);
	const kmC = kaplanMeier(c);
	const kmA = kaplanMeier(a);
	const horizon = Math.min(RMST_HORIZON, reach(c, kmC), reach(a, kmA));
	const rd = out.n_control > 0 && out.n_arm > 0 && horizon > 0 ? rmstDifference(c, a, horizon, s.alpha) : null;
	out.survival = {
		horizon_days: horizon > 0 ? horizon : RMST_HORIZON,
		events_control: events(c),
		events_arm: events(a),
		median_control: kmQuantile(kmC, 0.5, lastTime(c)),
		median_arm: kmQuantile(kmA, 0.5, lastTime(a)),
		log_rank_statistic: fin(lr?.statistic ?? null),
		log_rank_p: fin(lr?.pValue ?? null),
		rmst_control: fin(rd?.control.rmst ?? null),
		rmst_arm: fin(rd?.arm.rmst ?? null),
		rmst_difference: intervalOut(rd?.difference ?? null),
		km_control: withCurves ? kmPoints(c) : null,
		km_arm: withCurves ? kmPoints(a) : null
	};
	out.control_value = out.survival.rmst_control;
	out.arm_value = out.survival.rmst_arm;
	out.p_value_fixed = out.survival.log_rank_p;
	if (!rd) {
		out.note = out.n_control === 0 || out.n_arm === 0 ? 'not enough data: an arm has no episode' : 'not enough follow-up for the restricted mean';
	} else {
		if (horizon < RMST_HORIZON) out.note = `the restricted mean is taken to ${horizon} days, the longest follow-up both arms have (not ${RMST_HORIZON})`;
		const d = rd.difference.estimate;
		const v = rd.difference.se ** 2;
		const cm = rd.control.rmst;
		const am = rd.arm.rmst;
		const vR = cm > 0 ? rd.arm.variance / cm ** 2 + (am ** 2 * rd.control.variance) / cm ** 4 : NaN;
		const z = normalQuantile(1 - s.alpha / 2);
		const rel: Interval | null = cm > 0 ? { estimate: am / cm - 1, se: Math.sqrt(vR), lower: am / cm - 1 - z * Math.sqrt(vR), upper: am / cm - 1 + z * Math.sqrt(vR) } : null;
		out.fixed = { difference: intervalOut(rd.difference), relative_lift: intervalOut(rel), p_value: out.survival.log_rank_p, df: null };
		// the same normal mixture as sequential.ts, on the RMST difference (τ² from the tuning sample size)
		const n = out.n_control + out.n_arm;
		const rho2 = rhoSquared(s.alpha, DEFAULT_TUNING_N);
		const mt = normalMixtureTest(d, v, v > 0 ? rho2 * v * n : 1, s.alpha);
		const mtR = rel && vR >= 0 && Number.isFinite(vR) ? normalMixtureTest(rel.estimate, vR, vR > 0 ? rho2 * vR * n : 1, s.alpha) : null;
		out.sequential = {
			difference: intervalOut({ estimate: d, se: Math.sqrt(v), lower: mt.lower, upper: mt.upper }),
			relative_lift: rel && mtR ? intervalOut({ estimate: rel.estimate, se: rel.se, lower: mtR.lower, upper: mtR.upper }) : null,
			p_value: fin(mt.pValue)
		};
		out.p_value_sequential = out.sequential.p_value;
		if (withBayes) {
			const b = bayesNormalDifference(d, Math.sqrt(v), { lowerIsBetter });
			out.bayes = {
				chance_to_beat: b.chanceToBeat,
				expected_loss_arm: b.expectedLossArm,
				expected_loss_control: b.expectedLossControl,
				prior: `flat prior on the RMST difference at ${horizon} days (normal approximation), in days`
			};
		}
	}
	const sequential = s.mode === 'sequential';
	out.difference = sequential ? (out.sequential?.difference ?? null) : (out.fixed?.difference ?? null);
	out.relative_lift = sequential ? (out.sequential?.relative_lift ?? null) : (out.fixed?.relative_lift ?? null);
	out.p_value = sequential ? out.p_value_sequential : out.p_value_fixed;
	return out;
}
