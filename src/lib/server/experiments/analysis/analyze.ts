/**
 * The analysis of a message experiment (shared/spec/experiments.md, "Statistics"), put
 * together: the kept statistics (cache.ts), the arms and the sample-ratio-mismatch check
 * (Pearson χ² of the assigned counts, and of the accounts with an episode, against the
 * weights, srm.ts; p < 0.001 marks the results untrustworthy), every metric × arm (group.ts),
 * the segments (segments.ts), the guardrail verdicts (guardrails/verdicts.ts) and the decision
 * the analysis supports (src/lib/experiments/decision.ts). What it returns is described in
 * src/lib/experiments/analysis-types.ts; the effect over time is over-time.ts's.
 */
import type { Experiment } from '../../../experiments/schema.ts';
import type { ExperimentAnalysis, SrmOut } from '../../../experiments/analysis-types.ts';
import { decideExperiment } from '../../../experiments/decision.ts';
import { DEFAULT_TUNING_N } from '../../../stats/sequential.ts';
import { SRM_THRESHOLD, sampleRatioMismatch } from '../../../stats/srm.ts';
import type { Store } from '../../db/store.ts';
import { dataAsOf } from '../../kpi/as-of.ts';
import { guardrailVerdicts } from '../guardrails/verdicts.ts';
import { experimentStats } from './cache.ts';
import { addUp, type ExperimentStats } from './cells.ts';
import { analyseGroup } from './group.ts';
import { RMST_HORIZON, type Settings } from './metric.ts';
import { segmentResults } from './segments.ts';

function srmOut(observed: number[], weights: number[]): SrmOut | null {
	const r = sampleRatioMismatch(observed, weights, SRM_THRESHOLD);
	return r ? { observed, expected: r.expected, statistic: r.statistic, df: r.df, p_value: r.pValue, flagged: r.flagged } : null;
}

// ------------------------------------------------------------------ the analysis

export interface AnalyzeOptions {
	/** the as-of date (YYYY-MM-DD); default the data's as-of date */
	asOf?: string;
}

/** The analysis of experiment `e` at the data's as-of date (or opts.asOf). */
export async function analyzeExperiment(store: Store, e: Experiment, opts: AnalyzeOptions = {}): Promise<ExperimentAnalysis> {
	const t0 = Date.now();
	if (opts.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) throw new Error(`the as-of date ${opts.asOf} is not a date written YYYY-MM-DD`);
	const asOf = opts.asOf ?? (await dataAsOf(store)) ?? new Date().toISOString().slice(0, 10);
	const ts = Date.now();
	const { stats, cached } = await experimentStats(store, e, asOf);
	const statsMs = Date.now() - ts;
	const out = analysisFromStats(e, stats, asOf);
	return { ...out, timings: { stats_ms: statsMs, stats_cached: cached, total_ms: Date.now() - t0 } };
}

/**
 * The analysis of experiment `e` from its sufficient statistics (however they were computed: the
 * DuckDB store's, cache.ts, or another engine's, src/lib/server/engines/experiments-sql.ts). Pure
 * but for computed_at; timings are the caller's.
 */
export function analysisFromStats(e: Experiment, stats: Pick<ExperimentStats, 'cells' | 'time_cells'>, asOf: string): Omit<ExperimentAnalysis, 'timings'> {
	const s: Settings = { alpha: e.analysis.alpha, mode: e.analysis.mode, cupedOn: e.analysis.variance_reduction === 'cuped' };
	const armIds = e.arms.map((a) => a.id);
	const warnings: string[] = [];

	// arms and SRM
	const all = addUp(stats.cells);
	const unknown = [...all.keys()].filter((a) => !armIds.includes(a));
	if (unknown.length)
		warnings.push(
			`assignments name ${unknown.length === 1 ? 'an arm' : 'arms'} the definition does not have: ${unknown.map((u) => `${u} (${all.get(u)!.assigned} accounts)`).join(', ')}; they are left out`
		);
	const arms = e.arms.map((a) => ({
		arm: a.id,
		weight: a.weight,
		assigned: all.get(a.id)?.assigned ?? 0,
		with_episode: all.get(a.id)?.with_episode ?? 0,
		mature_30: all.get(a.id)?.mature_30 ?? 0
	}));
	const weights = e.arms.map((a) => a.weight);
	const srmAssigned = srmOut(arms.map((a) => a.assigned), weights);
	const srmAnalysed = srmOut(arms.map((a) => a.with_episode), weights);
	const srmFlagged = !!srmAssigned?.flagged || !!srmAnalysed?.flagged;
	if (srmAssigned?.flagged)
		warnings.push(`sample ratio mismatch: the assigned counts (${arms.map((a) => `${a.arm} ${a.assigned}`).join(', ')}) do not fit the weights (χ² p = ${srmAssigned.p_value.toPrecision(3)} < ${SRM_THRESHOLD}); the results are not trustworthy`);
	else if (srmAnalysed?.flagged)
		warnings.push(`sample ratio mismatch: the accounts with an episode (${arms.map((a) => `${a.arm} ${a.with_episode}`).join(', ')}) do not fit the weights (χ² p = ${srmAnalysed.p_value.toPrecision(3)} < ${SRM_THRESHOLD}); the results are not trustworthy`);
	if (arms.every((a) => a.assigned === 0)) warnings.push(`no account is assigned to ${e.id} on or before ${asOf}`);

	const known = stats.cells.filter((c) => armIds.includes(c.arm));
	const knownTimes = stats.time_cells.filter((c) => armIds.includes(c.arm));
	const metrics = analyseGroup(e, known, knownTimes, s, { curves: true, bayes: 'all' });

	const segments = segmentResults(e, known, knownTimes, s);

	const partial = {
		experiment: e.id,
		version: e.version,
		title: e.title,
		status: e.status,
		as_of: asOf,
		computed_at: new Date().toISOString(),
		mode: s.mode,
		alpha: s.alpha,
		correction: e.analysis.correction,
		variance_reduction: e.analysis.variance_reduction,
		sequential_tuning_n: DEFAULT_TUNING_N,
		rmst_horizon_days: RMST_HORIZON,
		control: 'control',
		arms,
		srm: { assigned: srmAssigned, analysed: srmAnalysed, flagged: srmFlagged, threshold: SRM_THRESHOLD },
		trustworthy: !srmFlagged && unknown.length === 0,
		warnings,
		metrics,
		segments
	};
	const guardrails = guardrailVerdicts(e, partial);
	const decision = decideExperiment({
		analysis: { ...partial, guardrails },
		primary_metric: e.primary_metric,
		planned_end: e.planned_end,
		mde: e.analysis.mde ?? null,
		started_on: e.launched?.at.slice(0, 10) ?? e.start,
		min_run_days: e.analysis.min_run_days ?? null
	});
	return { ...partial, guardrails, decision };
}
