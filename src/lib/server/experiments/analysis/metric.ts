/**
 * One metric, one arm against control, for a proportion, a mean or a count: the effect with
 * its fixed-horizon and sequential intervals, CUPED, the Bayesian view and (counts) the exact
 * Poisson tests, from the sufficient statistics of the arms (cells.ts). Pure; the methods are
 * those of src/lib/stats:
 * - fixed horizon: Welch t on the per-account outcomes (effects.ts compareArms; a proportion
 *   is the 0/1 case), relative lift by the delta method;
 * - sequential: the mSPRT / asymptotic confidence sequence of sequential.ts (tuning sample
 *   size 5,000); `difference`, `relative_lift` and `p_value` follow analysis.mode;
 * - CUPED (cuped.ts) for proportions and means when analysis.variance_reduction is cuped and
 *   the covariate (settled payments in the 30 days before the assignment) varies within the
 *   arms; θ is pooled over all arms;
 * - Bayesian: Beta(1, 1) priors for proportions (bayes.ts bayesProportions, on the raw
 *   counts), the normal approximation with flat priors for means and counts (bayesMeans);
 * - counts: the exact conditional Poisson rate test (rare.ts), exposure = assigned accounts,
 *   zero events allowed; the count metric's fixed-horizon p is the larger of its two-sided p
 *   and the Welch p on the per-account counts (Poisson assumes independent events; an
 *   account with many presumed violations breaks that, Welch is robust to it);
 * - few events (fewer than FEW_EVENTS in an arm of a share or a count): the exact interval of
 *   the rate ratio, or its confidence sequence, instead of the delta method.
 * The times to event are time-metric.ts's. Units: see src/lib/experiments/analysis-types.ts.
 */
import { EXPERIMENT_METRICS, type ExperimentMetric } from '../../../experiments/schema.ts';
import type { ArmStats, IntervalOut, MetricResult, MetricRole, MetricUnit } from '../../../experiments/analysis-types.ts';
import { bayesMeans, bayesProportions } from '../../../stats/bayes.ts';
import { cuped, type CovariateStats } from '../../../stats/cuped.ts';
import { compareArms, type Interval, type SufficientStats } from '../../../stats/effects.ts';
import { poissonRateRatioSequence, poissonRateTest } from '../../../stats/rare.ts';
import { sequentialCompare } from '../../../stats/sequential.ts';
import { kindOf, zeroCov, type Group } from './cells.ts';

/** the restricted mean survival time is taken to this many days (time-metric.ts) */
export const RMST_HORIZON = 90;
const SCALE_COUNT = 1000;
/**
 * Below this many events in an arm (a share's successes, a count's events), the delta-method
 * interval of the relative lift is not valid (it has zero width at zero events): see statMetric.
 */
export const FEW_EVENTS = 10;

/** what every metric's analysis reads from the experiment's analysis settings */
export interface Settings {
	alpha: number;
	mode: 'sequential' | 'fixed';
	cupedOn: boolean;
}

export const fin = (x: number | null | undefined): number | null => (x == null || !Number.isFinite(x) ? null : x);

export function intervalOut(i: Interval | null | undefined, scale = 1): IntervalOut | null {
	if (!i || !Number.isFinite(i.estimate)) return null;
	return { estimate: i.estimate * scale, se: fin(i.se * scale), lower: fin(i.lower * scale), upper: fin(i.upper * scale) };
}

function unitOf(m: ExperimentMetric): MetricUnit {
	const k = kindOf(m);
	if (k === 'proportion') return 'share';
	if (k === 'count') return 'per_1000_accounts';
	if (k === 'time') return 'days';
	return m === 'contacts_per_account_week' ? 'per_account_week' : 'mean';
}

const statsOf = (c: CovariateStats): SufficientStats => ({ n: c.n, sum: c.sumY, sumSquares: c.sumY2 });
const armStatsOut = (c: CovariateStats): ArmStats => ({ n: c.n, sum: c.sumY, sum_squares: c.sumY2, sum_x: c.sumX, sum_x2: c.sumX2, sum_xy: c.sumXY });

export interface CupedInfo {
	theta: number;
	varianceReduction: number;
	covariateMean: number;
	adjusted: Map<string, SufficientStats>;
}

/** CUPED over every arm of a group for one metric; null when it does not apply */
export function cupedFor(metric: ExperimentMetric, groups: Map<string, Group>, armIds: readonly string[], s: Settings): CupedInfo | null {
	const k = kindOf(metric);
	if (!s.cupedOn || (k !== 'proportion' && k !== 'mean')) return null;
	const present = armIds.filter((a) => (groups.get(a)?.m[metric]?.n ?? 0) > 0);
	if (present.length < 2) return null;
	const r = cuped(present.map((a) => groups.get(a)!.m[metric]!));
	if (r.theta === 0) return null;
	return {
		theta: r.theta,
		varianceReduction: r.varianceReduction,
		covariateMean: r.covariateMean,
		adjusted: new Map(present.map((a, i) => [a, r.arms[i]!.stats]))
	};
}

export function emptyResult(metric: ExperimentMetric, roles: MetricRole[], arm: string): MetricResult {
	return {
		metric,
		label: EXPERIMENT_METRICS[metric].label,
		kind: kindOf(metric),
		roles,
		better: EXPERIMENT_METRICS[metric].better,
		unit: unitOf(metric),
		arm,
		n_control: 0,
		n_arm: 0,
		control_value: null,
		arm_value: null,
		difference: null,
		relative_lift: null,
		relative_method: 'delta',
		fixed: null,
		sequential: null,
		p_value: null,
		p_value_fixed: null,
		p_value_sequential: null,
		p_value_adjusted: null,
		significant: null,
		cuped: null,
		bayes: null,
		poisson: null,
		survival: null,
		stats: null,
		effect_stats: null,
		note: null
	};
}

export function statMetric(
	metric: ExperimentMetric,
	roles: MetricRole[],
	arm: string,
	groups: Map<string, Group>,
	cup: CupedInfo | null,
	s: Settings,
	withBayes: boolean
): MetricResult {
	const out = emptyResult(metric, roles, arm);
	const k = kindOf(metric);
	const scale = k === 'count' ? SCALE_COUNT : 1;
	const lowerIsBetter = EXPERIMENT_METRICS[metric].better === 'down';
	const c = groups.get('control')?.m[metric] ?? zeroCov();
	const a = groups.get(arm)?.m[metric] ?? zeroCov();
	out.n_control = c.n;
	out.n_arm = a.n;
	out.control_value = c.n > 0 ? (c.sumY / c.n) * scale : null;
	out.arm_value = a.n > 0 ? (a.sumY / a.n) * scale : null;
	out.stats = { control: armStatsOut(c), arm: armStatsOut(a) };
	const applied = !!cup && cup.adjusted.has('control') && cup.adjusted.has(arm);
	const cs = applied ? cup!.adjusted.get('control')! : statsOf(c);
	const as = applied ? cup!.adjusted.get(arm)! : statsOf(a);
	out.effect_stats = { control: cs, arm: as };
	if (cup)
		out.cuped = {
			applied,
			theta: cup.theta,
			variance_reduction: cup.varianceReduction,
			covariate_mean: cup.covariateMean,
			adjusted_control_value: applied && cs.n > 0 ? (cs.sum / cs.n) * scale : null,
			adjusted_arm_value: applied && as.n > 0 ? (as.sum / as.n) * scale : null
		};

	const fixed = compareArms(cs, as, { alpha: s.alpha, test: 'welch' });
	const seq = sequentialCompare(cs, as, { alpha: s.alpha });
	if (!fixed || !seq) out.note = `not enough data: the effect needs at least 2 accounts in each arm (control ${c.n}, ${arm} ${a.n})`;
	out.fixed = fixed
		? { difference: intervalOut(fixed.absolute, scale), relative_lift: intervalOut(fixed.relative), p_value: fin(fixed.pValue), df: fin(fixed.df) }
		: null;
	out.sequential = seq ? { difference: intervalOut(seq.absolute, scale), relative_lift: intervalOut(seq.relative), p_value: fin(seq.pValue) } : null;
	out.p_value_fixed = out.fixed?.p_value ?? null;
	out.p_value_sequential = out.sequential?.p_value ?? null;

	if (k === 'count') {
		const events = (x: number) => Math.round(x);
		const pr = poissonRateTest({ events: events(c.sumY), exposure: c.n }, { events: events(a.sumY), exposure: a.n }, { alpha: s.alpha });
		const worse = poissonRateTest({ events: events(c.sumY), exposure: c.n }, { events: events(a.sumY), exposure: a.n }, {
			alpha: s.alpha,
			alternative: lowerIsBetter ? 'greater' : 'less'
		});
		out.poisson = {
			events_control: events(c.sumY),
			events_arm: events(a.sumY),
			exposure_control: c.n,
			exposure_arm: a.n,
			rate_ratio: fin(pr?.rateRatio ?? null),
			lower: fin(pr?.lower ?? null),
			upper: fin(pr?.upper ?? null),
			p_value: fin(pr?.pValue ?? null),
			p_value_worse: fin(worse?.pValue ?? null)
		};
		// the count's fixed-horizon p: the larger of the exact Poisson p (right for rare,
		// independent events, zero events allowed) and the Welch p on the per-account counts
		// (right when some accounts have many events, e.g. presumed violations)
		const welch = out.fixed?.p_value ?? null;
		const exact = out.poisson.p_value;
		out.p_value_fixed = exact == null ? welch : welch == null ? exact : Math.max(exact, welch);
		if (out.fixed) out.fixed.p_value = out.p_value_fixed;
	}

	// few events: the delta-method interval of a ratio is not valid (zero width at zero events);
	// the fixed analysis takes the exact interval of the rate ratio instead, the always-valid one
	// shows no relative lift (the difference stands)
	if ((k === 'proportion' || k === 'count') && c.n > 0 && a.n > 0) {
		const ev = { control: Math.round(c.sumY), arm: Math.round(a.sumY) };
		if (Math.min(ev.control, ev.arm) < FEW_EVENTS) {
			const exact = poissonRateTest({ events: ev.control, exposure: c.n }, { events: ev.arm, exposure: a.n }, { alpha: s.alpha });
			const ratio = exact?.rateRatio;
			if (out.fixed)
				out.fixed.relative_lift =
					exact && ratio != null && Number.isFinite(ratio)
						? { estimate: ratio - 1, se: null, lower: fin(exact.lower - 1), upper: Number.isFinite(exact.upper) ? exact.upper - 1 : null }
						: null;
			// the always-valid analysis: the confidence sequence of the rate ratio (a mixture martingale)
			const cs = poissonRateRatioSequence({ events: ev.control, exposure: c.n }, { events: ev.arm, exposure: a.n }, s.alpha);
			if (out.sequential)
				out.sequential.relative_lift =
					cs && Number.isFinite(cs.rateRatio) ? { estimate: cs.rateRatio - 1, se: null, lower: cs.lower - 1, upper: Number.isFinite(cs.upper) ? cs.upper - 1 : null } : null;
			out.relative_method = 'exact';
			out.note ??=
				ev.control === 0 && ev.arm === 0
					? 'no events in either arm: no relative lift'
					: `few events (${ev.control} in control, ${ev.arm} in ${arm}): ` +
						(ev.control === 0
							? 'no relative lift (control has none); see the difference'
							: s.mode === 'sequential'
								? 'the relative lift is the always-valid interval of the rate ratio'
								: 'the relative lift is the exact interval of the rate ratio');
		}
	}

	const sequential = s.mode === 'sequential';
	out.difference = sequential ? (out.sequential?.difference ?? null) : (out.fixed?.difference ?? null);
	out.relative_lift = sequential ? (out.sequential?.relative_lift ?? null) : (out.fixed?.relative_lift ?? null);
	out.p_value = sequential ? out.p_value_sequential : out.p_value_fixed;

	if (withBayes) {
		if (k === 'proportion') {
			const b = bayesProportions({ successes: Math.round(c.sumY), n: c.n }, { successes: Math.round(a.sumY), n: a.n }, { lowerIsBetter });
			if (b)
				out.bayes = {
					chance_to_beat: b.chanceToBeat,
					expected_loss_arm: b.expectedLossArm,
					expected_loss_control: b.expectedLossControl,
					prior: 'Beta(1, 1) on each arm’s share (uniform), on the raw counts'
				};
		} else {
			const b = bayesMeans(k === 'mean' ? cs : statsOf(c), k === 'mean' ? as : statsOf(a), { lowerIsBetter });
			if (b)
				out.bayes = {
					chance_to_beat: b.chanceToBeat,
					expected_loss_arm: b.expectedLossArm * scale,
					expected_loss_control: b.expectedLossControl * scale,
					prior: 'flat prior on each arm’s mean (normal approximation)' + (k === 'mean' && applied ? ', on the CUPED-adjusted outcomes' : '')
				};
		}
	}
	return out;
}
