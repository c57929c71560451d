/**
 * What the experiment pages show and do, on top of the experiment back end
 * (src/lib/server/experiments/): the list, one experiment with its assignment counts, results
 * and alerts, the assignment file, and the zod schemas of the pages' form actions. The routes
 * parse, check the role, and call these.
 */
import { launchChecks, type CheckRules } from '../../experiments/checks.ts';
import { checkRules } from '../compliance/message-rules.ts';
import { join } from 'node:path';
import type { Experiment } from '../../experiments/schema.ts';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import { makeTempDir, removeTempDir } from '../tempfiles.ts';
import { assignmentCounts, assignmentsFile, launchExperiment, type LaunchResult } from '../experiments/lifecycle.ts';
import { ExperimentError, getExperiment, loadExperiments, type Actor } from '../experiments/registry.ts';
import { dataAsOf } from '../kpi/as-of.ts';
import { draftBaselines, populationPreview, type Baseline, type DraftPreview } from './experiment-drafts.ts';
import { alertsPage, openAlertCounts, type AlertRow } from './experiment-alerts.ts';
import type { EffectOverTime, ExperimentAnalysis, MetricResult } from '../../experiments/analysis-types.ts';
import { analyzeExperiment } from '../experiments/analysis/analyze.ts';
import { experimentStats } from '../experiments/analysis/cache.ts';
import { effectOverTime } from '../experiments/analysis/over-time.ts';
import { kaplanMeier, kmQuantile, lastTime, type TimeCount } from '../../stats/km.ts';
import { withoutQueryTimeLimit } from '../db/query-limit.ts';
import { BadRequestError, InvalidDefinitionError, NotFoundError } from '../errors.ts';

/**
 * The experiment of a URL, or the error that says why not: NotFoundError (404) none,
 * BadRequestError (400) a bad id, InvalidDefinitionError (422) an invalid file; the route shows
 * it as the page's error (pageWork) or the endpoint's answer (answered).
 */
export function experimentOrError(id: string): Experiment {
	let e: Experiment | null;
	try {
		e = getExperiment(id);
	} catch (err) {
		if (err instanceof ExperimentError) {
			const message = err.message.replace(/\n/g, '; ');
			throw /not an experiment id/.test(err.message) ? new BadRequestError(message, { cause: err }) : new InvalidDefinitionError(message, { cause: err });
		}
		throw err;
	}
	if (!e) throw new NotFoundError(`There is no experiment ${id}.`);
	return e;
}

/** accounts assigned per arm of one experiment (empty before launch) */
export async function assignedOf(store: Store, id: string): Promise<Record<string, number>> {
	return (await assignmentCounts(store))[id] ?? {};
}

// ------------------------------------------------------------------ the assignment file

export interface Download {
	/** the file's contents, read once; the temporary folder is removed when it closes */
	path: string;
	dir: string;
	name: string;
	rows: number;
	contentType: string;
}

/**
 * The assignments of a launched experiment as CSV or Parquet, written by the back end into a
 * temporary folder (the route streams it and removes the folder), recorded in the trail
 * as an export with who asked.
 */
export async function assignmentsDownload(store: Store, id: string, format: 'csv' | 'parquet', actor: Actor & { ip?: string }): Promise<Download> {
	const e = experimentOrError(id);
	const assigned = await assignedOf(store, e.id);
	if (!Object.keys(assigned).length) throw new NotFoundError(`${e.id} has no assignments yet: they are made when it is launched.`);
	const dir = makeTempDir('assignments');
	const name = `${e.id}_assignments.${format}`;
	try {
		const f = await assignmentsFile(store, e.id, format, join(dir, name));
		await recordTrail(store, { actor: actor.username, role: actor.role, action: 'export', target: `assignments of ${e.id}`, details: { format, rows: f.rows }, ip: actor.ip });
		return { path: f.path, dir, name, rows: f.rows, contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet' };
	} catch (err) {
		removeTempDir(dir);
		throw err;
	}
}

// ------------------------------------------------------------------ one experiment

export interface KmCurves {
	measure: 'days_to_pay' | 'time_to_cure';
	/** per arm, in the order of the definition */
	curves: { arm: string; points: { day: number; share: number }[]; episodes: number; events: number; median: number | null }[];
}

export interface ExperimentView {
	experiment: Experiment;
	/** accounts assigned per arm (empty before launch) */
	assigned: Record<string, number>;
	/** a draft: what a launch now would assign, and the rate new accounts enter at */
	preview: DraftPreview | null;
	/** a draft: the primary metric's baseline from the data, for the detectable effect */
	baseline: Baseline | null;
	/** a draft: the checks of every arm's messages a launch lists; "must fix" findings block it */
	launchChecks: ReturnType<typeof launchChecks> | null;
	/** a launched experiment: the analysis at the data's as-of date */
	analysis: ExperimentAnalysis | null;
	/** why there is no analysis, in words */
	analysisProblem: string | null;
	/** Kaplan–Meier curves per arm of days to pay and time to cure */
	km: KmCurves[];
	alerts: { open: AlertRow[]; acknowledged: AlertRow[] };
}

const KM_MEASURES = ['days_to_pay', 'time_to_cure'] as const;

/**
 * Kaplan–Meier curves per arm for days to pay and time to cure: the analysis's own where the
 * measure is one of the experiment's metrics, else from the same statistics (experimentStats,
 * kept by the analysis) through the same estimator (stats/km.ts).
 */
async function kmCurves(store: Store, e: Experiment, a: ExperimentAnalysis): Promise<KmCurves[]> {
	const armIds = e.arms.map((x) => x.id);
	const out: KmCurves[] = [];
	let stats: Awaited<ReturnType<typeof experimentStats>>['stats'] | null = null;
	for (const measure of KM_MEASURES) {
		const rs = a.metrics.filter((m) => m.metric === measure && m.survival?.km_control && m.survival.km_arm);
		if (rs.length) {
			const first = rs[0]!;
			out.push({
				measure,
				curves: armIds.flatMap((arm) => {
					if (arm === 'control') return [{ arm, points: first.survival!.km_control!, episodes: first.n_control, events: first.survival!.events_control, median: first.survival!.median_control }];
					const r = rs.find((x) => x.arm === arm);
					return r ? [{ arm, points: r.survival!.km_arm!, episodes: r.n_arm, events: r.survival!.events_arm, median: r.survival!.median_arm }] : [];
				})
			});
			continue;
		}
		stats ??= (await experimentStats(store, e, a.as_of)).stats;
		const curves = armIds.map((arm) => {
			const byT = new Map<number, TimeCount>();
			for (const c of stats!.time_cells) {
				if (c.arm !== arm || c.measure !== measure) continue;
				const r = byT.get(c.t);
				if (r) {
					r.events += c.events;
					r.censored += c.censored;
				} else byT.set(c.t, { t: c.t, events: c.events, censored: c.censored });
			}
			const rows = [...byT.values()].sort((x, y) => x.t - y.t);
			const km = kaplanMeier(rows);
			const points = km.map((p) => ({ day: p.t, share: 1 - p.s }));
			return {
				arm,
				points: points.length && points[0]!.day > 0 ? [{ day: 0, share: 0 }, ...points] : points,
				episodes: rows.reduce((n, r) => n + r.events + r.censored, 0),
				events: rows.reduce((n, r) => n + r.events, 0),
				median: kmQuantile(km, 0.5, lastTime(rows))
			};
		});
		if (curves.some((c) => c.episodes > 0)) out.push({ measure, curves });
	}
	return out;
}

/** the analysis without what the page never shows (the sufficient statistics), so the page's data stays small */
function forThePage(a: ExperimentAnalysis): ExperimentAnalysis {
	const slim = (m: MetricResult): MetricResult => ({ ...m, stats: null, effect_stats: null });
	return { ...a, metrics: a.metrics.map(slim), segments: a.segments.map((s) => ({ ...s, metrics: s.metrics.map(slim) })) };
}

/**
 * Launches from the page, then computes the new experiment's statistics in the background, so
 * that its page (and the list) read them warm instead of waiting for the first computation.
 */
export async function launchFromPage(store: Store, id: string, actor: Actor, opts: { reason: string; override?: string }): Promise<LaunchResult> {
	// the assignment and the first analysis are not cut by the request's time limit (db/query-limit.ts)
	const r = await withoutQueryTimeLimit(() => launchExperiment(store, id, actor, opts));
	const e = getExperiment(id);
	if (e) void withoutQueryTimeLimit(() => analyzeExperiment(store, e)).catch((err) => console.error(`the first analysis of ${id} failed: ${err instanceof Error ? err.message : err}`));
	return r;
}

/** the experiment page's data; `rules`: the message and cadence checks' rules when the caller has them loaded already */
export async function experimentView(store: Store, id: string, rules?: CheckRules): Promise<ExperimentView> {
	const e = experimentOrError(id);
	const [assigned, alerts] = await Promise.all([assignedOf(store, e.id), alertsPage(store, e.id)]);
	const view: ExperimentView = { experiment: e, assigned, preview: null, baseline: null, launchChecks: null, analysis: null, analysisProblem: null, km: [], alerts };
	if (e.status === 'draft') {
		const [p, b, r] = await Promise.all([populationPreview(store, e), draftBaselines(store), rules ?? checkRules(store)]);
		view.preview = p;
		view.baseline = b.baselines[e.primary_metric] ?? null;
		view.launchChecks = launchChecks(e.arms, r);
	} else if (!Object.keys(assigned).length) {
		view.analysisProblem = `no account is assigned to ${e.id} in this store: its results appear once its assignments are stored (launch, or an import of experiment_assignments)`;
	} else {
		const analysis = await analyzeExperiment(store, e);
		view.km = await kmCurves(store, e, analysis);
		view.analysis = forThePage(analysis);
	}
	return view;
}

/**
 * The experiment page's effect over time (as-of snapshots, analysis/over-time.ts effectOverTime): null for
 * a draft or an experiment without assignments. Computing a snapshot the store does not keep
 * yet reads the assigned accounts' interactions, so the page streams it after the rest.
 */
export async function experimentEffectOverTime(store: Store, id: string): Promise<EffectOverTime | null> {
	const e = experimentOrError(id);
	if (e.status === 'draft' || !Object.keys(await assignedOf(store, e.id)).length) return null;
	return effectOverTime(store, e);
}

// ------------------------------------------------------------------ the list

export interface ListRow {
	id: string;
	title: string;
	status: Experiment['status'];
	start: string;
	planned_end: string;
	primary_metric: string;
	arms: { id: string; weight: number; assigned: number }[];
	assigned: number;
	/** days from the start to the stop, the conclusion or the data's as-of date (null before launch) */
	days_running: number | null;
	/** the primary metric of each arm against control (launched experiments) */
	primary: MetricResult[];
	/** what the analysis supports, in one sentence (launched experiments) */
	decision: ExperimentAnalysis['decision'] | null;
	/** false when the sample-ratio check flags the assignment */
	trustworthy: boolean | null;
	alpha: number;
	mode: 'sequential' | 'fixed';
	open_alerts: number;
	/** why there is no result, in words */
	note: string | null;
}

export interface ExperimentList {
	rows: ListRow[];
	/** files of the folder that are not valid definitions: the file and each problem */
	problems: { file: string; field: string; problem: string }[];
	/** valid files that should change: a metric name of an earlier release, with the new name */
	notices: { file: string; field: string; problem: string }[];
}

const DAY = 86_400_000;

export function daysRunning(e: Experiment, asOf: string | null): number | null {
	if (e.status === 'draft') return null;
	const end = e.stopped?.at ?? e.decision?.at ?? (asOf ? `${asOf.slice(0, 10)}T23:59:59Z` : new Date().toISOString());
	const from = Date.parse(e.start + 'T00:00:00Z');
	return Math.max(0, Math.floor((Date.parse(end) - from) / DAY) + 1);
}

/** "arms.1.weight: weight must be above 0" → field and problem (the file name taken off) */
export function splitProblem(file: string, message: string): { field: string; problem: string } {
	const m = message.startsWith(file + ': ') ? message.slice(file.length + 2) : message;
	const field = /^([\w.]+): /.exec(m);
	return field && !/\s/.test(field[1]!) && !m.startsWith('YAML') ? { field: field[1]!, problem: m.slice(field[0].length) } : { field: '', problem: m };
}

export async function experimentList(store: Store): Promise<ExperimentList> {
	const { experiments, problems, notices } = loadExperiments();
	const [counts, asOf, alerts] = await Promise.all([assignmentCounts(store), dataAsOf(store), openAlertCounts(store)]);
	const rows = await Promise.all(experiments.map(async (e): Promise<ListRow> => {
		const assigned = counts[e.id] ?? {};
		let analysis: ExperimentAnalysis | null = null;
		let note: string | null = e.status === 'draft' ? null : 'no assignments in this store';
		if (e.status !== 'draft' && Object.keys(assigned).length) {
			try {
				analysis = await analyzeExperiment(store, e);
				note = null;
			} catch (err) {
				console.error(`analysis of ${e.id}:`, err);
				note = 'the analysis failed; open the experiment for details';
			}
		}
		return {
			id: e.id,
			title: e.title,
			status: e.status,
			start: e.start,
			planned_end: e.planned_end,
			primary_metric: e.primary_metric,
			arms: e.arms.map((a) => ({ id: a.id, weight: a.weight, assigned: assigned[a.id] ?? 0 })),
			assigned: Object.values(assigned).reduce((s, n) => s + n, 0),
			days_running: daysRunning(e, asOf),
			primary: analysis ? analysis.metrics.filter((m) => m.metric === e.primary_metric) : [],
			decision: analysis ? analysis.decision : null,
			trustworthy: analysis ? analysis.trustworthy : null,
			alpha: e.analysis.alpha,
			mode: e.analysis.mode,
			open_alerts: alerts[e.id] ?? 0,
			note
		};
	}));
	const order = { running: 0, stopped: 1, draft: 2, concluded: 3 } as const;
	rows.sort((a, b) => order[a.status] - order[b.status] || a.id.localeCompare(b.id));
	const lines = (list: typeof problems) => list.flatMap((p) => p.messages.map((m) => ({ file: p.file, ...splitProblem(p.file, m) })));
	return { rows, problems: lines(problems), notices: lines(notices) };
}
