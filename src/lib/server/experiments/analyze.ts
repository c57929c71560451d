/**
 * The analysis of a message experiment (shared/spec/experiments.md, "Statistics"): per arm
 * against control and per metric (primary, secondary, guardrails) the effect with its
 * fixed-horizon and sequential intervals, CUPED, the Bayesian view, multiple-comparison
 * adjustment, exact Poisson tests for the rare counts, Kaplan–Meier / log-rank / RMST for the
 * times to event, the sample-ratio-mismatch check, guardrail verdicts and segments; and the
 * effect over time as as-of snapshots (effectOverTime).
 *
 * Data. The per-account outcomes are computed in DuckDB by the queries of queries/experiments/
 * (units → contacts → presumed_violations → outcomes, as temporary tables on a connection of
 * their own) and only their sufficient statistics leave the database: per cell of arm ×
 * account segment × vulnerable × entry week, n, Σy, Σy², Σx, Σx², Σxy of every proportion,
 * mean and count metric (cells.sql), and per cell the events and censored per day of the
 * three times to event (time_cells.sql). The cells add up to the arms and the segments here. The statistics are kept per store and reused while the data, the
 * assignments and the as-of date are the same (fingerprint.sql): computing them reads every
 * interaction of the assigned accounts (seconds at hundreds of thousands of accounts), the
 * analysis on top of them takes milliseconds. `evaluateRunningExperiments` (guardrails.ts)
 * runs after every import, so the pages find them ready.
 *
 * Units. Proportions are shares (0–1), differences in shares; recovery_rate is a mean share;
 * contacts_per_account_week outbound contacts per account-week; the counts (complaints, opt-outs, presumed
 * violations) are reported per 1,000 assigned accounts, their differences too (so a
 * guardrail threshold of 0.5 reads "0.5 per 1,000 accounts"); the times to event in days.
 *
 * Methods, all from src/lib/stats:
 * - fixed horizon: Welch t on the per-account outcomes (effects.ts compareArms; a proportion
 *   is the 0/1 case), relative lift by the delta method;
 * - sequential: the mSPRT / asymptotic confidence sequence of sequential.ts (tuning sample
 *   size 5,000); `difference`, `relative_lift` and `p_value` follow analysis.mode;
 * - CUPED (cuped.ts) for proportions and means when analysis.variance_reduction is cuped and
 *   the covariate (settled payments in the 30 days before the assignment) varies within the
 *   arms; θ is pooled over all arms;
 * - Bayesian: Beta(1, 1) priors for proportions (bayes.ts bayesProportions, on the raw
 *   counts), the normal approximation with flat priors for means and counts (bayesMeans) and
 *   for the RMST difference of the times to event;
 * - counts: the exact conditional Poisson rate test (rare.ts), exposure = assigned accounts,
 *   zero events allowed; the count metric's fixed-horizon p is the larger of its two-sided p
 *   and the Welch p on the per-account counts (Poisson assumes independent events; an
 *   account with many presumed violations breaks that, Welch is robust to it);
 * - times to event: Kaplan–Meier per arm (km.ts), log-rank (the time metric's fixed-horizon
 *   p) and the RMST difference at 90 days, or at the longest follow-up both arms have when
 *   that is shorter (survival.ts), with a normal interval; its sequential interval and p
 *   apply the same normal mixture (sequential.ts normalMixtureTest) to the RMST difference;
 * - multiple comparisons: Holm or Benjamini–Hochberg (multiple.ts) over arms × (primary and
 *   secondary metrics), on the p of analysis.mode; per segment over the segment's own family;
 * - SRM: Pearson χ² of the assigned counts (and of the accounts with an episode) against the
 *   weights (srm.ts); p < 0.001 marks the results untrustworthy.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { EXPERIMENT_METRICS, type Experiment, type ExperimentMetric } from '../../experiments/schema.ts';
import { bayesMeans, bayesProportions } from '../../stats/bayes.ts';
import { cuped, type CovariateStats } from '../../stats/cuped.ts';
import { normalCdf, normalPdf, normalQuantile } from '../../stats/distributions.ts';
import { compareArms, interactionTest, type Interval, type SufficientStats } from '../../stats/effects.ts';
import { kaplanMeier, kmQuantile, lastTime, type TimeCount } from '../../stats/km.ts';
import { adjustPValues } from '../../stats/multiple.ts';
import { poissonRateRatioSequence, poissonRateTest } from '../../stats/rare.ts';
import { DEFAULT_TUNING_N, normalMixtureTest, rhoSquared, sequentialCompare } from '../../stats/sequential.ts';
import { SRM_THRESHOLD, sampleRatioMismatch } from '../../stats/srm.ts';
import { logRank, rmstDifference } from '../../stats/survival.ts';
import { rows as connRows, type Store } from '../db/store.ts';
import { SEGMENTS } from '../../vocabulary.ts';
import { dataAsOf } from '../kpi/summary.ts';
import { querySql } from '../paths.ts';
import { guardrailVerdicts, type GuardrailVerdict } from './guardrails.ts';
import { decideExperiment, type ExperimentDecision } from '../../experiments/decision.ts';

// ------------------------------------------------------------------ output types

export type MetricKind = 'proportion' | 'mean' | 'time' | 'count';
export type MetricRole = 'primary' | 'secondary' | 'guardrail';
export type MetricUnit = 'share' | 'mean' | 'per_account_week' | 'per_1000_accounts' | 'days';

/** an estimate with its standard error and interval (null ends: unbounded or unknown) */
export interface IntervalOut {
	estimate: number;
	se: number | null;
	lower: number | null;
	upper: number | null;
}

/** the sufficient statistics of one arm for one metric: y the outcome, x the CUPED covariate */
export interface ArmStats {
	n: number;
	sum: number;
	sum_squares: number;
	sum_x: number;
	sum_x2: number;
	sum_xy: number;
}

export interface MetricResult {
	metric: ExperimentMetric;
	label: string;
	kind: MetricKind;
	/** why the experiment looks at it (a metric can be both secondary and a guardrail) */
	roles: MetricRole[];
	better: 'up' | 'down';
	unit: MetricUnit;
	arm: string;
	/** units in the metric's denominator: accounts (episodes for the episode metrics) */
	n_control: number;
	n_arm: number;
	/** the observed values: share, mean, per 1,000 accounts, or (time) RMST at 90 days in days */
	control_value: number | null;
	arm_value: number | null;
	/** arm − control with the interval of analysis.mode (CUPED-adjusted when cuped.applied) */
	difference: IntervalOut | null;
	/** arm/control − 1 with the interval of analysis.mode */
	relative_lift: IntervalOut | null;
	/**
	 * how the relative lift's interval is computed: 'delta' (the delta method, with the
	 * difference's analysis), 'exact' (fewer than FEW_EVENTS events in an arm of a share or a count:
	 * the fixed analysis takes the exact interval of the rate ratio, the always-valid one the
	 * confidence sequence of the rate ratio, both minus 1)
	 */
	relative_method: 'delta' | 'exact';
	fixed: { difference: IntervalOut | null; relative_lift: IntervalOut | null; p_value: number | null; df: number | null } | null;
	sequential: { difference: IntervalOut | null; relative_lift: IntervalOut | null; p_value: number | null } | null;
	/** the p of analysis.mode */
	p_value: number | null;
	/** Welch t (proportions, means), the larger of exact Poisson and Welch (counts), log-rank (times) */
	p_value_fixed: number | null;
	/** always-valid p (mSPRT) */
	p_value_sequential: number | null;
	/** Holm or BH over arms × primary and secondary metrics; null for a guardrail-only metric */
	p_value_adjusted: number | null;
	/** p_value_adjusted < alpha (null for a guardrail-only metric or without data) */
	significant: boolean | null;
	cuped: {
		applied: boolean;
		theta: number;
		variance_reduction: number;
		covariate_mean: number;
		adjusted_control_value: number | null;
		adjusted_arm_value: number | null;
	} | null;
	bayes: { chance_to_beat: number; expected_loss_arm: number; expected_loss_control: number; prior: string } | null;
	/** count metrics: exact conditional test of the rate ratio (arm/control), exposure = accounts */
	poisson: {
		events_control: number;
		events_arm: number;
		exposure_control: number;
		exposure_arm: number;
		/** null when neither arm has an event, or only control has none (infinite) */
		rate_ratio: number | null;
		lower: number | null;
		upper: number | null;
		p_value: number | null;
		/** one-sided p in the "worse" direction (more events when better is down) */
		p_value_worse: number | null;
	} | null;
	/** time metrics */
	survival: {
		/** the RMST horizon: 90 days, or the longest follow-up both arms have when shorter */
		horizon_days: number;
		events_control: number;
		events_arm: number;
		median_control: number | null;
		median_arm: number | null;
		log_rank_statistic: number | null;
		log_rank_p: number | null;
		rmst_control: number | null;
		rmst_arm: number | null;
		/** RMST(arm) − RMST(control) to horizon_days, normal interval at alpha */
		rmst_difference: IntervalOut | null;
		/** Kaplan–Meier: the share that has had the event by each day with an event (null in segments) */
		km_control: { day: number; share: number }[] | null;
		km_arm: { day: number; share: number }[] | null;
	} | null;
	/** raw sufficient statistics (proportions, means, counts per account) */
	stats: { control: ArmStats; arm: ArmStats } | null;
	/** the statistics the effect uses, after CUPED (= stats when not applied) */
	effect_stats: { control: SufficientStats; arm: SufficientStats } | null;
	/** why something is missing, in words */
	note: string | null;
}

export interface SrmOut {
	observed: number[];
	expected: number[];
	statistic: number;
	df: number;
	p_value: number;
	flagged: boolean;
}

export interface SegmentResult {
	/** 'segment=retail' …, 'vulnerable' */
	key: string;
	dimension: 'segment' | 'vulnerable';
	value: string;
	label: string;
	arms: { arm: string; assigned: number }[];
	metrics: MetricResult[];
	/**
	 * the scan for uneven effects: per arm, the primary metric's effect in the segment against its
	 * effect in the rest of the experiment (treatment × segment interaction): the difference of
	 * the two fixed-horizon differences, its standard error √(se_s² + se_r²), the two-sided z-test p,
	 * and p_adjusted by Holm over every segment × arm of the scan; flagged when p_adjusted < alpha
	 */
	interaction: SegmentInteraction[];
}

export interface SegmentInteraction {
	arm: string;
	metric: ExperimentMetric;
	in_segment: number | null;
	in_rest: number | null;
	interaction: number | null;
	se: number | null;
	p_value: number | null;
	p_adjusted: number | null;
	flagged: boolean;
}

export interface EffectPoint {
	/** the date the analysis is taken at (a snapshot: what it would have said that day) */
	as_of: string;
	n_control: number;
	n_arm: number;
	control_value: number | null;
	arm_value: number | null;
	difference: number | null;
	lower: number | null;
	upper: number | null;
	p_value: number | null;
}

export interface ExperimentAnalysis {
	experiment: string;
	version: number;
	title: string;
	status: Experiment['status'];
	as_of: string;
	computed_at: string;
	mode: 'sequential' | 'fixed';
	alpha: number;
	correction: 'holm' | 'bh';
	variance_reduction: 'cuped' | 'none';
	sequential_tuning_n: number;
	rmst_horizon_days: number;
	control: string;
	arms: { arm: string; weight: number; assigned: number; with_episode: number; mature_30: number }[];
	srm: { assigned: SrmOut | null; analysed: SrmOut | null; flagged: boolean; threshold: number };
	/** false when the SRM check flags the assignment, or assignments name an arm the definition does not have */
	trustworthy: boolean;
	warnings: string[];
	metrics: MetricResult[];
	guardrails: GuardrailVerdict[];
	/** what the analysis supports, in one sentence, by the product's decision rule (src/lib/experiments/decision.ts) */
	decision: ExperimentDecision;
	segments: SegmentResult[];
	timings: { stats_ms: number; stats_cached: boolean; total_ms: number };
}

// ------------------------------------------------------------------ the statistics from SQL

export const RMST_HORIZON = 90;
const SCALE_COUNT = 1000;
/**
 * Below this many events in an arm (a share's successes, a count's events), the delta-method
 * interval of the relative lift is not valid (it has zero width at zero events): see statMetric.
 */
export const FEW_EVENTS = 10;

type Kind = MetricKind;
const kindOf = (m: ExperimentMetric): Kind => EXPERIMENT_METRICS[m].kind;
/** the metrics with sufficient statistics in cells.sql (everything but the times to event) */
export const CELL_METRICS = (Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[]).filter((m) => kindOf(m) !== 'time');
export const TIME_METRICS = (Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[]).filter((m) => kindOf(m) === 'time');

export interface StatsCell {
	arm: string;
	segment: string | null;
	vulnerable: boolean | null;
	entry_week: string;
	assigned: number;
	with_episode: number;
	mature_30: number;
	m: Partial<Record<ExperimentMetric, CovariateStats>>;
}

export interface TimeCell {
	arm: string;
	segment: string | null;
	vulnerable: boolean | null;
	measure: ExperimentMetric;
	t: number;
	events: number;
	censored: number;
}

export interface ExperimentStats {
	experiment: string;
	as_of: string;
	key: string;
	computed_ms: number;
	cells: StatsCell[];
	time_cells: TimeCell[];
}

const num = (v: unknown): number => (v == null ? 0 : Number(v));
const isoDay = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const sql = (name: string) => querySql('experiments/' + name).replace(/;\s*$/, '');

async function run(conn: DuckDBConnection, text: string, params?: Record<string, string>): Promise<Record<string, unknown>[]> {
	return connRows(conn, text, params);
}

/** the per-account outcomes and their sufficient statistics, on a connection of its own */
async function computeStats(store: Store, e: Experiment, asOf: string, key: string): Promise<ExperimentStats> {
	const t0 = Date.now();
	const conn = await store.connect();
	try {
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_units AS\n${sql('units')}`, { experiment: e.id, start: e.start, as_of: asOf });
		const [b] = await run(conn, `SELECT min(ws)::VARCHAR AS from_day, (min(assigned_at)::DATE - 31)::VARCHAR AS pre_from FROM exp_units`);
		const p = { from: (b?.from_day as string | null) ?? asOf, pre_from: (b?.pre_from as string | null) ?? asOf, as_of: asOf };
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_contacts AS\n${sql('contacts')}`, p);
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_violations AS\n${sql('presumed_violations')}`, p);
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_outcomes AS\n${sql('outcomes')}`, p);
		const cellRows = await run(conn, sql('cells'));
		const timeRows = await run(conn, sql('time_cells'));
		const cells: StatsCell[] = cellRows.map((r) => {
			const m: Partial<Record<ExperimentMetric, CovariateStats>> = {};
			for (const k of CELL_METRICS)
				m[k] = {
					n: num(r[`${k}__n`]),
					sumY: num(r[`${k}__sum_y`]),
					sumY2: num(r[`${k}__sum_y2`]),
					sumX: num(r[`${k}__sum_x`]),
					sumX2: num(r[`${k}__sum_x2`]),
					sumXY: num(r[`${k}__sum_xy`])
				};
			return {
				arm: String(r.arm),
				segment: r.segment == null ? null : String(r.segment),
				vulnerable: r.vulnerable == null ? null : Boolean(r.vulnerable),
				entry_week: isoDay(r.entry_week),
				assigned: num(r.assigned),
				with_episode: num(r.with_episode),
				mature_30: num(r.mature_30),
				m
			};
		});
		const time_cells: TimeCell[] = timeRows.map((r) => ({
			arm: String(r.arm),
			segment: r.segment == null ? null : String(r.segment),
			vulnerable: r.vulnerable == null ? null : Boolean(r.vulnerable),
			measure: String(r.measure) as ExperimentMetric,
			t: num(r.t),
			events: num(r.events),
			censored: num(r.censored)
		}));
		return { experiment: e.id, as_of: asOf, key, computed_ms: Date.now() - t0, cells, time_cells };
	} finally {
		conn.closeSync();
	}
}

/**
 * A hash of the SQL the statistics come from (the outcomes, generated from the metric
 * catalogue): statistics kept by an earlier release, with other metrics, are not reused.
 */
let layout: string | null = null;
function statsLayout(): string {
	layout ??= createHash('sha256')
		.update(['units', 'contacts', 'presumed_violations', 'outcomes', 'cells', 'time_cells'].map((q) => querySql(`experiments/${q}`)).join('\n'))
		.digest('hex')
		.slice(0, 16);
	return layout;
}

// the statistics computed per store, by experiment: reused while their key is the same
const cache = new WeakMap<Store, Map<string, ExperimentStats>>();
const inflight = new WeakMap<Store, Map<string, Promise<ExperimentStats>>>();

/** forgets the statistics kept for a store (tests, or after a change outside imports) */
export function clearExperimentStatsCache(store: Store): void {
	cache.delete(store);
}

/**
 * The sufficient statistics of an experiment at `asOf`: reused while the data (latest
 * import), the experiment's assignments, its start and the as-of date are the same.
 */
export async function experimentStats(store: Store, e: Experiment, asOf: string): Promise<{ stats: ExperimentStats; cached: boolean }> {
	const [f] = await store.rows<Record<string, unknown>>(querySql('experiments/fingerprint'), { experiment: e.id });
	const key = JSON.stringify([statsLayout(), e.id, e.start, asOf, f?.batch_id ?? null, f?.audit_id ?? null, f?.assigned ?? 0, f?.last_assigned_at ?? null, f?.assignments_hash ?? null]);
	let byId = cache.get(store);
	if (!byId) cache.set(store, (byId = new Map()));
	const hit = byId.get(`${e.id}@${asOf}`);
	if (hit && hit.key === key) return { stats: hit, cached: true };
	// kept in the store by an earlier process (e.g. the evaluation after the last import)
	const saved = await loadSavedStats(store, e.id, asOf, key);
	if (saved) {
		byId.set(`${e.id}@${asOf}`, saved);
		return { stats: saved, cached: true };
	}
	let pending = inflight.get(store);
	if (!pending) inflight.set(store, (pending = new Map()));
	let p = pending.get(key);
	if (!p) {
		p = computeStats(store, e, asOf, key)
			.then(async (s) => {
				await saveStats(store, s);
				return s;
			})
			.finally(() => pending!.delete(key));
		pending.set(key, p);
	}
	const stats = await p;
	byId.set(`${e.id}@${asOf}`, stats);
	return { stats, cached: false };
}

async function loadSavedStats(store: Store, id: string, asOf: string, key: string): Promise<ExperimentStats | null> {
	try {
		const [r] = await store.rows<{ stats: string; computed_ms: number }>(
			'SELECT stats, computed_ms FROM experiment_stats WHERE experiment_id = $id AND as_of = $as_of::DATE AND key = $key',
			{ id, as_of: asOf, key }
		);
		if (!r) return null;
		const { cells, time_cells } = JSON.parse(r.stats) as Pick<ExperimentStats, 'cells' | 'time_cells'>;
		return { experiment: id, as_of: asOf, key, computed_ms: Number(r.computed_ms), cells, time_cells };
	} catch {
		return null; // unreadable: computed again
	}
}

/** keeps the statistics in the store; a failure (a read-only store) only costs a later recomputation */
async function saveStats(store: Store, s: ExperimentStats): Promise<void> {
	try {
		await store.rows('INSERT OR REPLACE INTO experiment_stats VALUES ($id, $as_of::DATE, $key, $ms, $stats, now())', {
			id: s.experiment,
			as_of: s.as_of,
			key: s.key,
			ms: s.computed_ms,
			stats: JSON.stringify({ cells: s.cells, time_cells: s.time_cells })
		});
	} catch (e) {
		console.error(`the statistics of experiment ${s.experiment} could not be kept: ${e instanceof Error ? e.message : e}`);
	}
}

// ------------------------------------------------------------------ adding cells up

interface Group {
	assigned: number;
	with_episode: number;
	mature_30: number;
	m: Record<string, CovariateStats>;
}

const zeroCov = (): CovariateStats => ({ n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 });

function addUp(cells: readonly StatsCell[]): Map<string, Group> {
	const out = new Map<string, Group>();
	for (const c of cells) {
		let g = out.get(c.arm);
		if (!g) out.set(c.arm, (g = { assigned: 0, with_episode: 0, mature_30: 0, m: Object.fromEntries(CELL_METRICS.map((k) => [k, zeroCov()])) }));
		g.assigned += c.assigned;
		g.with_episode += c.with_episode;
		g.mature_30 += c.mature_30;
		for (const k of CELL_METRICS) {
			const s = c.m[k];
			const t = g.m[k]!;
			if (!s) continue;
			t.n += s.n;
			t.sumY += s.sumY;
			t.sumY2 += s.sumY2;
			t.sumX += s.sumX;
			t.sumX2 += s.sumX2;
			t.sumXY += s.sumXY;
		}
	}
	return out;
}

/** per arm and measure, the time counts merged by day */
function addUpTimes(cells: readonly TimeCell[]): Map<string, Map<string, TimeCount[]>> {
	const acc = new Map<string, Map<string, Map<number, TimeCount>>>();
	for (const c of cells) {
		let byMeasure = acc.get(c.arm);
		if (!byMeasure) acc.set(c.arm, (byMeasure = new Map()));
		let byT = byMeasure.get(c.measure);
		if (!byT) byMeasure.set(c.measure, (byT = new Map()));
		const r = byT.get(c.t);
		if (r) {
			r.events += c.events;
			r.censored += c.censored;
		} else byT.set(c.t, { t: c.t, events: c.events, censored: c.censored });
	}
	const out = new Map<string, Map<string, TimeCount[]>>();
	for (const [arm, byMeasure] of acc) out.set(arm, new Map([...byMeasure].map(([m, byT]) => [m, [...byT.values()].sort((a, b) => a.t - b.t)])));
	return out;
}

// ------------------------------------------------------------------ one metric, one arm

const fin = (x: number | null | undefined): number | null => (x == null || !Number.isFinite(x) ? null : x);

function intervalOut(i: Interval | null | undefined, scale = 1): IntervalOut | null {
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

interface Settings {
	alpha: number;
	mode: 'sequential' | 'fixed';
	cupedOn: boolean;
}

interface CupedInfo {
	theta: number;
	varianceReduction: number;
	covariateMean: number;
	adjusted: Map<string, SufficientStats>;
}

/** CUPED over every arm of a group for one metric; null when it does not apply */
function cupedFor(metric: ExperimentMetric, groups: Map<string, Group>, armIds: readonly string[], s: Settings): CupedInfo | null {
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

function emptyResult(metric: ExperimentMetric, roles: MetricRole[], arm: string): MetricResult {
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

function statMetric(
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

/** a normal-approximation posterior N(d, se²) of arm − control with flat priors: bayes.ts's bayesMeans formulas */
function normalBayes(d: number, se: number, lowerIsBetter: boolean): { chance: number; lossArm: number; lossControl: number } {
	const g = lowerIsBetter ? -d : d;
	if (!(se > 0)) return { chance: g > 0 ? 1 : g < 0 ? 0 : 0.5, lossArm: Math.max(0, -g), lossControl: Math.max(0, g) };
	const z = g / se;
	return {
		chance: normalCdf(z),
		lossArm: Math.max(0, se * normalPdf(z) - g * normalCdf(-z)),
		lossControl: Math.max(0, se * normalPdf(z) + g * normalCdf(z))
	};
}

const kmPoints = (rows: readonly TimeCount[]) => {
	const curve = kaplanMeier(rows);
	const pts = curve.map((p) => ({ day: p.t, share: 1 - p.s }));
	return pts.length && pts[0]!.day > 0 ? [{ day: 0, share: 0 }, ...pts] : pts;
};

function timeMetric(
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
			const b = normalBayes(d, Math.sqrt(v), lowerIsBetter);
			out.bayes = {
				chance_to_beat: b.chance,
				expected_loss_arm: b.lossArm,
				expected_loss_control: b.lossControl,
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

/** the metrics of the experiment with their roles, primary first */
export function experimentMetrics(e: Experiment): { metric: ExperimentMetric; roles: MetricRole[] }[] {
	const out: { metric: ExperimentMetric; roles: MetricRole[] }[] = [];
	const add = (m: ExperimentMetric, role: MetricRole) => {
		const x = out.find((o) => o.metric === m);
		if (x) {
			if (!x.roles.includes(role)) x.roles.push(role);
		} else out.push({ metric: m, roles: [role] });
	};
	add(e.primary_metric, 'primary');
	for (const m of e.secondary_metrics) add(m, 'secondary');
	for (const g of e.guardrails) add(g.metric, 'guardrail');
	return out;
}

/** every metric × arm of one group (all accounts, or a segment), with the adjusted p-values */
function analyseGroup(
	e: Experiment,
	cells: readonly StatsCell[],
	timeCells: readonly TimeCell[],
	s: Settings,
	opts: { curves: boolean; bayes: 'all' | 'primary'; only?: ExperimentMetric }
): MetricResult[] {
	const groups = addUp(cells);
	const times = addUpTimes(timeCells);
	const armIds = e.arms.map((a) => a.id);
	const treatments = armIds.filter((a) => a !== 'control');
	const out: MetricResult[] = [];
	for (const { metric, roles } of experimentMetrics(e)) {
		if (opts.only && metric !== opts.only) continue;
		const withBayes = opts.bayes === 'all' || roles.includes('primary');
		if (kindOf(metric) === 'time') {
			for (const arm of treatments) out.push(timeMetric(metric, roles, arm, times, s, opts.curves, withBayes));
		} else {
			const cup = cupedFor(metric, groups, armIds, s);
			for (const arm of treatments) out.push(statMetric(metric, roles, arm, groups, cup, s, withBayes));
		}
	}
	// multiple comparisons over arms × primary and secondary metrics
	const family = out.filter((r) => (r.roles.includes('primary') || r.roles.includes('secondary')) && r.p_value != null);
	const adjusted = adjustPValues(
		family.map((r) => Math.min(1, Math.max(0, r.p_value!))),
		e.analysis.correction
	);
	family.forEach((r, i) => {
		r.p_value_adjusted = adjusted[i]!;
		r.significant = adjusted[i]! < s.alpha;
	});
	return out;
}

const SEGMENT_ORDER: readonly string[] = SEGMENTS;
const capital = (x: string) => (x === 'sme' ? 'SME' : x.charAt(0).toUpperCase() + x.slice(1));

/** at most this many snapshots in the effect over time (weekly; thinned evenly beyond) */
export const MAX_SNAPSHOTS = 26;

/**
 * The dates the effect over time is shown at: the Sunday ending each week from the start to
 * the as-of date, and the as-of date itself (the analysis shown above the chart). Beyond
 * MAX_SNAPSHOTS, every k-th Sunday, counted back from the as-of date.
 */
export function snapshotDates(start: string, asOf: string): string[] {
	if (asOf < start) return [];
	const day = (iso: string) => Date.parse(iso + 'T00:00:00Z') / 86_400_000;
	const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
	const first = day(start);
	const end = day(asOf);
	// 1970-01-04 was a Sunday: day 3
	const firstSunday = first + ((3 - (first % 7) + 7) % 7);
	const sundays: number[] = [];
	for (let d = firstSunday; d < end; d += 7) sundays.push(d);
	const step = Math.ceil((sundays.length + 1) / MAX_SNAPSHOTS);
	const kept = sundays.filter((_, i) => (sundays.length - 1 - i) % step === 0);
	return [...kept.map(iso), asOf];
}

export interface EffectOverTime {
	metric: ExperimentMetric;
	/** the as-of date of the last point: the analysis's */
	as_of: string;
	series: { arm: string; points: EffectPoint[] }[];
	note: string | null;
}

/**
 * The primary metric's effect as the analysis would have said it on each snapshot date
 * (snapshotDates): each point is the analysis at that as-of date, from the same statistics
 * (experimentStats, kept in the store, so each date is computed once per import): the
 * accounts assigned by then, their outcomes as known then and matured by then. It is not
 * today's outcomes of the accounts that entered by each week, which show a trend that no
 * one could have seen at the time.
 */
export async function effectOverTime(store: Store, e: Experiment, opts: AnalyzeOptions = {}): Promise<EffectOverTime> {
	const metric = e.primary_metric;
	const asOf = opts.asOf ?? (await dataAsOf(store)) ?? new Date().toISOString().slice(0, 10);
	const base = { metric, as_of: asOf };
	if (kindOf(metric) === 'time')
		return { ...base, series: [], note: 'the effect over time is shown for proportion, mean and count metrics; the primary metric is a time to event (see its Kaplan–Meier curves)' };
	const dates = snapshotDates(e.start, asOf);
	if (!dates.length) return { ...base, series: [], note: `the experiment starts on ${e.start}, after the data's as-of date ${asOf}` };
	const s: Settings = { alpha: e.analysis.alpha, mode: e.analysis.mode, cupedOn: e.analysis.variance_reduction === 'cuped' };
	const armIds = e.arms.map((a) => a.id);
	const series = armIds.filter((a) => a !== 'control').map((arm) => ({ arm, points: [] as EffectPoint[] }));
	// one date at a time: each computation reads the assigned accounts' interactions
	for (const date of dates) {
		const { stats } = await experimentStats(store, e, date);
		const groups = addUp(stats.cells.filter((c) => armIds.includes(c.arm)));
		const cup = cupedFor(metric, groups, armIds, s);
		for (const sr of series) {
			const r = statMetric(metric, ['primary'], sr.arm, groups, cup, s, false);
			sr.points.push({
				as_of: date,
				n_control: r.n_control,
				n_arm: r.n_arm,
				control_value: r.control_value,
				arm_value: r.arm_value,
				difference: r.difference?.estimate ?? null,
				lower: r.difference?.lower ?? null,
				upper: r.difference?.upper ?? null,
				p_value: r.p_value
			});
		}
	}
	return { ...base, series, note: null };
}

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

	// segments: every account segment in the data, and vulnerable customers as their own
	const segmentValues = [...new Set(known.map((c) => c.segment).filter((x): x is string => x != null))].sort(
		(a, b) => (SEGMENT_ORDER.indexOf(a) + 1 || 99) - (SEGMENT_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b)
	);
	const segmentDefs: { key: string; dimension: 'segment' | 'vulnerable'; value: string; label: string; pick: (c: { segment: string | null; vulnerable: boolean | null }) => boolean }[] = [
		...segmentValues.map((v) => ({ key: `segment=${v}`, dimension: 'segment' as const, value: v, label: capital(v), pick: (c: { segment: string | null }) => c.segment === v })),
		{ key: 'vulnerable', dimension: 'vulnerable', value: 'true', label: 'Vulnerable customers', pick: (c) => c.vulnerable === true }
	];
	const segments: SegmentResult[] = segmentDefs.map((d) => {
		const sc = known.filter(d.pick);
		const groups = addUp(sc);
		const metricsIn = analyseGroup(e, sc, knownTimes.filter(d.pick), s, { curves: false, bayes: 'primary' });
		// the rest of the experiment, for the interaction: the primary metric only
		const rest = analyseGroup(e, known.filter((c) => !d.pick(c)), knownTimes.filter((c) => !d.pick(c)), s, { curves: false, bayes: 'primary', only: e.primary_metric });
		const interaction = armIds
			.filter((a) => a !== 'control')
			.map((arm) => {
				const a = metricsIn.find((m) => m.arm === arm && m.metric === e.primary_metric)?.fixed?.difference ?? null;
				const b = rest.find((m) => m.arm === arm && m.metric === e.primary_metric)?.fixed?.difference ?? null;
				const t = a && b && a.se != null && b.se != null ? interactionTest(a.estimate, a.se, b.estimate, b.se) : null;
				return { arm, metric: e.primary_metric, in_segment: a?.estimate ?? null, in_rest: b?.estimate ?? null, interaction: t?.difference ?? null, se: t?.se ?? null, p_value: t?.pValue ?? null, p_adjusted: null, flagged: false };
			});
		return {
			key: d.key,
			dimension: d.dimension,
			value: d.value,
			label: d.label,
			arms: armIds.map((a) => ({ arm: a, assigned: groups.get(a)?.assigned ?? 0 })),
			metrics: metricsIn,
			interaction
		};
	});
	// Holm over every segment × arm of the scan
	const scan = segments.flatMap((g) => g.interaction.filter((x) => x.p_value != null));
	const scanAdjusted = adjustPValues(scan.map((x) => x.p_value!), 'holm');
	scan.forEach((x, i) => {
		x.p_adjusted = scanAdjusted[i]!;
		x.flagged = scanAdjusted[i]! < s.alpha;
	});

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
	return { ...partial, guardrails, decision, timings: { stats_ms: statsMs, stats_cached: cached, total_ms: Date.now() - t0 } };
}
