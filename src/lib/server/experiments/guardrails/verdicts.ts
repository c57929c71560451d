/**
 * The verdict of each guardrail × arm of an experiment's analysis (shared/spec/experiments.md,
 * "Guardrails and alerts"). Pure: reads the analysis, stores nothing.
 *
 * A guardrail names a metric, the direction that is better and a rule; it is judged per arm
 * against control, on the experiment's analysis (analysis/analyze.ts):
 * - harm: the arm is significantly worse than control, one-sided at the rule's threshold when
 *   it is a level in (0, 0.5) (the demo files write 0.05 "at the experiment's alpha"), else at
 *   analysis.alpha, and at exactly that level: the always-valid one-sided test
 *   (sequential.ts oneSidedMixtureTest, safe at every look whatever the analysis mode), whose
 *   p-value and bound are one test. For a count the exact one-sided Poisson test must agree as
 *   well (rare events: the normal approximation alone is not trusted): the verdict's p is the
 *   larger of the two, and a breach errs with probability at most the level. For a time to
 *   event the difference is that of the RMST at 90 days.
 * - non_inferiority: the threshold is a margin in the metric's units (a share for a
 *   proportion, per 1,000 accounts for a count, days for a time): breached when the interval
 *   of the analysis mode lies wholly beyond the margin on the worse side (the arm is worse by
 *   more than the margin); ok when it lies wholly within (non-inferiority shown); otherwise
 *   not_enough_data (still inconclusive). The two-sided (1 − α) interval makes each of the two
 *   one-sided claims at α/2 (the usual convention for non-inferiority, CONSORT).
 * - hard_limit: no statistics: the arm's count (events of a count or proportion, events of a
 *   time to event, the mean of a mean metric) above the threshold while control's is not, or
 *   is lower per account (a violation "the control does not have"; a count control shares at
 *   the same rate is not the arm's doing).
 * An arm without data gives not_enough_data. The alerts a breach raises are evaluate-running.ts's.
 */
import type { Experiment, Guardrail } from '../../../experiments/schema.ts';
import { EXPERIMENT_METRICS } from '../../../experiments/schema.ts';
import type { AnalysisForVerdicts, GuardrailVerdict, MetricResult } from '../../../experiments/analysis-types.ts';
import { poissonRateTest } from '../../../stats/rare.ts';
import { DEFAULT_TUNING_N, oneSidedMixtureTest, rhoSquared, sequentialCompare } from '../../../stats/sequential.ts';
import type { Store } from '../../db/store.ts';

const UNIT_WORDS: Record<string, string> = {
	share: '',
	mean: '',
	per_account_week: ' contacts per account-week',
	per_1000_accounts: ' per 1,000 accounts',
	days: ' days'
};

function fmt(x: number | null | undefined, unit: string): string {
	if (x == null || !Number.isFinite(x)) return '–';
	if (unit === 'share') return `${(x * 100).toFixed(2)}%`;
	const a = Math.abs(x);
	const digits = a >= 100 ? 1 : a >= 1 ? 2 : 4;
	return x.toLocaleString('en-US', { maximumFractionDigits: digits }) + (UNIT_WORDS[unit] ?? '');
}
const fmtDiff = (x: number | null | undefined, unit: string) => {
	if (x == null || !Number.isFinite(x)) return '–';
	if (unit === 'share') return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} points`;
	return (x >= 0 ? '+' : '') + fmt(x, unit);
};

/** the level of a harm rule: its threshold when that is a level, else the experiment's alpha */
export function harmLevel(g: Guardrail, alpha: number): number {
	return g.rule.threshold > 0 && g.rule.threshold < 0.5 ? g.rule.threshold : alpha;
}

function harm(g: Guardrail, r: MetricResult, a: AnalysisForVerdicts): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const level = harmLevel(g, a.alpha);
	const worseUp = g.direction === 'lower_is_better';
	const base = { level, n_control: r.n_control, n_arm: r.n_arm, control_value: r.control_value, arm_value: r.arm_value, unit: r.unit };
	// the difference, its variance and the mixture variance of the always-valid test, in the metric's units
	let d: number | null = null;
	let variance: number | null = null;
	let tau2: number | null = null;
	if (r.kind === 'time') {
		const rd = r.survival?.rmst_difference;
		if (rd && rd.se != null) {
			d = rd.estimate;
			variance = rd.se ** 2;
			tau2 = variance > 0 ? rhoSquared(level, DEFAULT_TUNING_N) * variance * (r.n_control + r.n_arm) : 1;
		}
	} else if (r.effect_stats) {
		const scale = r.kind === 'count' ? 1000 : 1;
		const seq = sequentialCompare(r.effect_stats.control, r.effect_stats.arm, { alpha: level });
		if (seq) {
			d = seq.absolute.estimate * scale;
			variance = (seq.absolute.se * scale) ** 2;
			tau2 = seq.tau2 * scale * scale;
		}
	}
	if (d == null || variance == null || tau2 == null)
		return { verdict: 'not_enough_data', evidence: { ...base, difference: null }, message: `${r.arm}: ${r.label}: not enough data to test for harm (${r.note ?? 'no comparison'})` };
	// one-sided, in the worse direction, at the level: the always-valid one-sided test (its bound
	// and p-value are one test: the bound passes 0 exactly when p < level)
	const sign = worseUp ? 1 : -1;
	const t = oneSidedMixtureTest(sign * d, variance, tau2, level);
	const bound = sign * t.lower; // worse up: the difference is at least this; worse down: at most
	const evidence: GuardrailVerdict['evidence'] = { ...base, difference: d, bound, p_value_one_sided: t.pValue, method: 'always-valid one-sided' };
	let p = t.pValue;
	if (r.kind === 'count' && r.poisson) {
		// rare events: the normal approximation alone is not trusted; the exact one-sided Poisson
		// test must agree. A breach needs both p below the level, so its false-alarm rate is at most
		// the level; the verdict's p is the larger of the two (a valid p for that rule)
		const e = poissonRateTest(
			{ events: r.poisson.events_control, exposure: r.poisson.exposure_control },
			{ events: r.poisson.events_arm, exposure: r.poisson.exposure_arm },
			{ alpha: level, alternative: worseUp ? 'greater' : 'less' }
		);
		evidence.events_control = r.poisson.events_control;
		evidence.events_arm = r.poisson.events_arm;
		evidence.poisson_p_one_sided = e?.pValue ?? null;
		evidence.method = 'always-valid one-sided and exact Poisson one-sided';
		p = e == null ? 1 : Math.max(p, e.pValue);
	}
	evidence.p_value = p;
	const worse = p < level;
	const pct = `${+((1 - level) * 100).toFixed(1)}%`;
	const boundWords = `always-valid one-sided ${pct} bound: the difference is ${worseUp ? 'at least' : 'at most'} ${fmtDiff(bound, r.unit)}`;
	const values = `${r.arm} ${fmt(r.arm_value, r.unit)}, control ${fmt(r.control_value, r.unit)}${r.kind === 'time' ? ` (restricted mean to ${r.survival?.horizon_days} days)` : ''}`;
	const pWords = `p = ${p.toPrecision(3)}, one-sided at ${level}${evidence.poisson_p_one_sided != null ? ` (the larger of the always-valid ${t.pValue.toPrecision(3)} and the exact Poisson ${Number(evidence.poisson_p_one_sided).toPrecision(3)})` : ''}`;
	if (worse)
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${r.label} is significantly worse than control (${values}; difference ${fmtDiff(d, r.unit)}, ${boundWords}; ${pWords})`
		};
	return { verdict: 'ok', evidence, message: `${r.arm}: ${r.label}: no harm detected (${values}; ${boundWords}; ${pWords})` };
}

function nonInferiority(g: Guardrail, r: MetricResult, a: AnalysisForVerdicts): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const margin = g.rule.threshold;
	const worseUp = g.direction === 'lower_is_better';
	const iv = r.difference;
	const base = { margin, mode: a.mode, alpha: a.alpha, n_control: r.n_control, n_arm: r.n_arm, control_value: r.control_value, arm_value: r.arm_value, unit: r.unit };
	if (!iv || iv.lower == null || iv.upper == null)
		return { verdict: 'not_enough_data', evidence: { ...base, difference: null }, message: `${r.arm}: ${r.label}: not enough data for the non-inferiority margin (${r.note ?? 'no comparison'})` };
	const evidence = { ...base, difference: iv.estimate, lower: iv.lower, upper: iv.upper };
	const interval = `${a.mode === 'sequential' ? 'always-valid ' : ''}${Math.round((1 - a.alpha) * 100)}% interval ${fmtDiff(iv.lower, r.unit)} to ${fmtDiff(iv.upper, r.unit)}`;
	const marginWords = `${worseUp ? 'a rise' : 'a fall'} of ${fmt(margin, r.unit)}`;
	const beyond = worseUp ? iv.lower > margin : iv.upper < -margin;
	const within = worseUp ? iv.upper <= margin : iv.lower >= -margin;
	if (beyond)
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${r.label} ${worseUp ? 'rose' : 'fell'} by ${fmt(Math.abs(iv.estimate), r.unit)} against control (${r.arm} ${fmt(r.arm_value, r.unit)}, control ${fmt(r.control_value, r.unit)}; ${interval}): beyond the non-inferiority margin, ${marginWords}`
		};
	if (within)
		return { verdict: 'ok', evidence, message: `${r.arm}: ${r.label} is within the margin (${marginWords}; ${interval})` };
	return {
		verdict: 'not_enough_data',
		evidence,
		message: `${r.arm}: ${r.label}: not yet shown to be within the margin of ${marginWords} (${interval})`
	};
}

function hardLimit(g: Guardrail, r: MetricResult): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const limit = g.rule.threshold;
	const count = (which: 'control' | 'arm'): number | null => {
		if (r.kind === 'time') return r.survival ? (which === 'arm' ? r.survival.events_arm : r.survival.events_control) : null;
		if (r.kind === 'mean') return which === 'arm' ? r.arm_value : r.control_value;
		const st = r.stats?.[which];
		return st ? Math.round(st.sum) : null;
	};
	const armCount = count('arm');
	const controlCount = count('control');
	const evidence = { limit, count_arm: armCount, count_control: controlCount, n_arm: r.n_arm, n_control: r.n_control };
	if (armCount == null || r.n_arm === 0)
		return { verdict: 'not_enough_data', evidence, message: `${r.arm}: ${r.label}: no account of the arm to count yet` };
	const perAccount = (c: number | null, n: number) => (c == null || n === 0 ? 0 : c / n);
	const above = g.direction === 'lower_is_better' ? armCount > limit : armCount < limit;
	const controlAbove = controlCount != null && (g.direction === 'lower_is_better' ? controlCount > limit : controlCount < limit);
	const armWorse =
		r.kind === 'mean'
			? g.direction === 'lower_is_better'
				? armCount > (controlCount ?? -Infinity)
				: armCount < (controlCount ?? Infinity)
			: g.direction === 'lower_is_better'
				? perAccount(armCount, r.n_arm) > perAccount(controlCount, r.n_control)
				: perAccount(armCount, r.n_arm) < perAccount(controlCount, r.n_control);
	const what = r.kind === 'mean' ? fmt(armCount, r.unit) : `${armCount.toLocaleString('en-US')} (${r.label.toLowerCase()})`;
	const ctl = r.kind === 'mean' ? fmt(controlCount, r.unit) : (controlCount ?? 0).toLocaleString('en-US');
	if (above && (!controlAbove || armWorse))
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${what} in the arm, ${g.direction === 'lower_is_better' ? 'above' : 'below'} the hard limit of ${limit}; control has ${ctl}`
		};
	return { verdict: 'ok', evidence, message: `${r.arm}: ${what} in the arm, control ${ctl}: within the hard limit of ${limit}${above ? ' (control shares it at the same or a higher rate)' : ''}` };
}

/** the verdict of every guardrail × arm of an analysis (pure) */
export function guardrailVerdicts(e: Experiment, a: AnalysisForVerdicts): GuardrailVerdict[] {
	const out: GuardrailVerdict[] = [];
	for (const g of e.guardrails) {
		for (const arm of e.arms.map((x) => x.id).filter((x) => x !== 'control')) {
			const r = a.metrics.find((m) => m.metric === g.metric && m.arm === arm);
			const head = {
				arm,
				metric: g.metric,
				label: EXPERIMENT_METRICS[g.metric].label,
				rule: g.rule.kind,
				direction: g.direction,
				threshold: g.rule.threshold,
				stop_on_breach: g.stop_on_breach
			};
			if (!r) {
				out.push({ ...head, verdict: 'not_enough_data', evidence: {}, message: `${arm}: ${head.label}: not analysed` });
				continue;
			}
			const v = g.rule.kind === 'harm' ? harm(g, r, a) : g.rule.kind === 'non_inferiority' ? nonInferiority(g, r, a) : hardLimit(g, r);
			if (!a.trustworthy) v.evidence.trustworthy = false;
			out.push({ ...head, ...v });
		}
	}
	return out;
}

/** the guardrail verdicts of an analysis (the verdicts are pure: the store is for the API's symmetry) */
export async function evaluateGuardrails(_store: Store, e: Experiment, analysis: AnalysisForVerdicts): Promise<GuardrailVerdict[]> {
	return guardrailVerdicts(e, analysis);
}
