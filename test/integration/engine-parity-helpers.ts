/**
 * The parity check of the engines (issue 19), shared by engine-postgres.test.ts and
 * engine-clickhouse.test.ts: the periods and filters every KPI is computed for, and the
 * comparison of an engine's counts and KPIs with the app's raw path on the DuckDB store
 * (counts exactly, ratios and sums of fractions to 1e-12 relative); and the same for the
 * experiments' per-arm statistics and their analysis.
 */
import { expect } from 'vitest';
import { kpiParamsSchema, type KpiParams } from '../../src/lib/server/kpi/params.ts';
import { kpisFromCounts, kpiSummary, type KpiValue } from '../../src/lib/server/kpi/values.ts';
import { rawCounts, type KpiCounts } from '../../src/lib/server/kpi/counts.ts';
import { KPIS } from '../../src/lib/metrics/catalogue.ts';
import { engineRawCounts } from '../../src/lib/server/engines/kpi-raw.ts';
import type { Engine } from '../../src/lib/server/engines/index.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { join } from 'node:path';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { duckdbEngine } from '../../src/lib/server/engines/index.ts';
import { tempStore, type TempStore } from '../support/store.ts';
import type { Experiment } from '../../src/lib/experiments/schema.ts';
import { loadExperiments } from '../../src/lib/server/experiments/registry.ts';
import { projectRoot } from '../../src/lib/server/paths.ts';
import { clearExperimentStatsCache, experimentStats } from '../../src/lib/server/experiments/analysis/cache.ts';
import type { ExperimentStats } from '../../src/lib/server/experiments/analysis/cells.ts';
import { analysisFromStats, analyzeExperiment } from '../../src/lib/server/experiments/analysis/analyze.ts';
import { engineExperimentStats, type EngineStatsOptions } from '../../src/lib/server/engines/experiments-sql.ts';
import { ANALYSIS_ATOL } from '../../src/lib/server/engines/experiments-compare.ts';

export type Filters = Omit<KpiParams, 'from' | 'to'>;

const day = (d: Date) => d.toISOString().slice(0, 10);
const shift = (iso: string, days: number) => day(new Date(Date.parse(iso + 'T00:00:00Z') + days * 86_400_000));

/** the periods: the last whole month, the last whole quarter, a random period (seeded), the last year */
export function periods(AS_OF: string): [string, { from: string; to: string }][] {
	const asOf = new Date(AS_OF + 'T00:00:00Z');
	const monthStart = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1));
	const lastMonth = { from: day(new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - 1, 1))), to: shift(day(monthStart), -1) };
	const q = Math.floor(asOf.getUTCMonth() / 3) * 3;
	const lastQuarter = { from: day(new Date(Date.UTC(asOf.getUTCFullYear(), q - 3, 1))), to: shift(day(new Date(Date.UTC(asOf.getUTCFullYear(), q, 1))), -1) };
	// a small linear congruential generator: the same "random" period on every run, printed with the failure
	let seed = 1919;
	const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
	const start = shift(AS_OF, -(30 + rand(300)));
	const random = { from: start, to: shift(start, 3 + rand(60)) };
	return [
		[`the last month ${lastMonth.from}..${lastMonth.to}`, lastMonth],
		[`the last quarter ${lastQuarter.from}..${lastQuarter.to}`, lastQuarter],
		[`a random period ${random.from}..${random.to}`, random],
		['the last year', { from: shift(AS_OF, -364), to: AS_OF }]
	];
}

/** no filter, one filter of each kind (account, contact, experiment), and pairs */
export const filters = (arm: { experiment: string; arm: string }): [string, Filters][] => [
	['no filter', {}],
	['segment', { segment: 'sme' }],
	['channel', { channel: 'sms' }],
	['arm', arm],
	['vulnerable + tone', { vulnerable: true, tone: 'supportive' }],
	['region + channel', { region: 'US-NY', channel: 'call' }],
	['product + arm', { product: 'card', ...arm }]
];

/**
 * counts exactly; a fraction (a ratio, a sum of recovered shares) to 1e-12 relative, or with
 * `atol` to that much absolutely (the analysis: see experiments-compare.ts sameNumber)
 */
export function same(a: unknown, b: unknown, where: string, atol = 0) {
	if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
		expect(Math.abs(a - b), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(Math.max(1e-12 * Math.max(Math.abs(a), Math.abs(b)), atol));
	} else if (a && b && typeof a === 'object' && typeof b === 'object') {
		expect(Object.keys(a).sort(), where).toEqual(Object.keys(b).sort());
		for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where} ${k}`, atol);
	} else expect(a, where).toEqual(b);
}

const sortedTte = (c: KpiCounts) => [...c.tte].sort((x, y) => (x.measure < y.measure ? -1 : x.measure > y.measure ? 1 : x.t - y.t));

/** every KPI of one view on the engine, against the app's raw path on the DuckDB store */
export async function expectParity(store: Store, AS_OF: string, engine: Engine, period: { from: string; to: string }, f: Filters, where: string) {
	const p = kpiParamsSchema.parse({ ...period, ...f, as_of: AS_OF });
	const reference = await rawCounts(store, p, AS_OF);
	const got = await engineRawCounts(engine, p, AS_OF);
	same({ ...got, tte: sortedTte(got) }, { ...reference, tte: sortedTte(reference) }, `${where}: counts`);
	const kpis: Record<string, KpiValue> = kpisFromCounts(got, p.contact_threshold);
	const expected = (await kpiSummary(store, p, { source: 'raw' })).kpis;
	expect(Object.keys(kpis).sort()).toEqual(KPIS.map((k) => k.name).sort());
	same(kpis, expected, `${where}: KPIs`);
	return reference;
}

/**
 * Each function of an engine's dialect on the edge cases (leap days, the turn of the year, a
 * negative difference, a time zone's day that is not UTC's, empty sums, rounding): the answers,
 * in order, to compare with DuckDB's.
 */
export async function dialectAnswers(e: Engine): Promise<unknown[]> {
	const d = e.dialect;
	const date = (name: string) => d.param(name, 'date');
	const ts = (name: string) => d.param(name, 'timestamp');
	const one = async (sql: string, params: Record<string, unknown> = {}) => {
		const [r] = await e.query<{ v: unknown }>(`SELECT ${sql} AS v`, params);
		return r!.v instanceof Date ? r!.v.toISOString() : r!.v;
	};
	const vals: unknown[] = [];
	for (const [a, b] of [['2024-02-28', '2024-03-01'], ['2023-12-31', '2024-01-01'], ['2024-03-01', '2024-02-28'], ['2024-03-09', '2024-03-11'], ['2024-01-01', '2024-01-01']])
		vals.push(await one(d.daysBetween(date('a'), date('b')), { a, b }));
	for (const [x, n] of [['2024-02-28', 1], ['2024-03-01', -1], ['2023-12-31', 366]] as const) vals.push(await one(d.addDays(date('x'), n), { x }));
	for (const x of ['2024-03-10 23:30:00-05', '2024-01-01 00:00:00+00', '2023-12-31 23:59:59.999999+00', '2024-06-30 20:00:00-07', '2024-11-03 01:30:00-04'])
		vals.push(await one(d.utcDate(ts('x')), { x }));
	for (const x of ['2024-03-10', '2024-03-11', '2024-01-01', '2024-12-31']) {
		vals.push(await one(d.utcDayStart(date('x')), { x }));
		vals.push(await one(d.weekStart(date('x')), { x }));
		vals.push(await one(d.monthStart(date('x')), { x }));
	}
	const rows = `(SELECT 1 AS k, 2.5 AS x UNION ALL SELECT 2, 4.25 UNION ALL SELECT 3, NULL) r`;
	for (const pred of ['k >= 2', 'k > 9']) {
		const [r] = await e.query<Record<string, unknown>>(`SELECT ${d.countIf(pred)} AS c, ${d.sumIf('x', pred)} AS s FROM ${rows}`);
		vals.push(Number(r!.c), Number(r!.s));
	}
	for (const x of ['1', '2.5', '-2.5', '3.5']) vals.push(await one(d.toInt(d.toDouble(x))));
	vals.push(await one(d.toDouble('1') + ' / 3'));
	// the experiments' functions: a yes/no as a number, a timestamp plus days, a typed value
	for (const b of ['1 = 1', '1 = 2', d.castTo('NULL', 'bool')]) vals.push(await one(d.boolToDouble(b)));
	for (const [x, n] of [['2024-03-31 01:30:00+00', -30], ['2024-02-28 23:00:00.000001+00', 1], ['2024-03-10 12:00:00-05', 0]] as const) vals.push(await one(d.tsAddDays(ts('x'), n), { x }));
	vals.push(await one(d.castTo('NULL', 'date')), await one(d.castTo(date('x'), 'date'), { x: '2024-02-29' }), await one(d.castTo('NULL', 'text')));
	return vals;
}

/** DuckDB's answers to dialectAnswers, checked by hand: a dialect equal to DuckDB's is right */
export function expectDuckdbAnswers(vals: unknown[]) {
	const iso = (x: string) => x + 'T00:00:00.000Z';
	expect(vals.slice(0, 13)).toEqual([2, 1, -2, 2, 0, iso('2024-02-29'), iso('2024-02-29'), iso('2024-12-31'), iso('2024-03-11'), iso('2024-01-01'), iso('2023-12-31'), iso('2024-07-01'), iso('2024-11-03')]);
	expect(vals.slice(13, 16)).toEqual([iso('2024-03-10'), iso('2024-03-04'), iso('2024-03-01')]);
	expect(vals.slice(25, 29)).toEqual([2, 4.25, 0, 0]);
	expect(vals.slice(29, 34)).toEqual([1, 2, -2, 4, 1 / 3]);
	expect(vals.slice(34)).toEqual([1, 0, null, '2024-03-01T01:30:00.000Z', '2024-02-29T23:00:00.000Z', '2024-03-10T17:00:00.000Z', null, iso('2024-02-29'), null]);
}

/** the store both engine tests compare against: a 2,000-account demo (seed 19), its as-of date, the DuckDB engine over it and one experiment arm for the arm filter */
export async function parityStore(): Promise<{ t: TempStore; asOf: string; duck: Engine; arm: { experiment: string; arm: string } }> {
	const t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 19, outDir: join(t.dir, 'demo') });
	const asOf = (await dataAsOf(t.store))!;
	const [a] = await t.store.rows<{ experiment_id: string; variant: string }>(`SELECT experiment_id, variant FROM experiment_assignments ORDER BY experiment_id, variant LIMIT 1`);
	return { t, asOf, duck: duckdbEngine(t.store), arm: { experiment: a!.experiment_id, arm: a!.variant } };
}

// ------------------------------------------------ the experiments' statistics (engines/experiments-sql.ts)

/** the running experiments of the demo (experiments/*.yaml) */
export function runningExperiments(): Experiment[] {
	const reg = loadExperiments(join(projectRoot(), 'experiments'));
	return reg.experiments.filter((e) => e.status === 'running');
}

/** the statistics and the analysis of each running experiment on the DuckDB store (the app's own path, queries/experiments/) */
export async function duckdbExperiments(store: Store, asOf: string): Promise<{ e: Experiment; stats: ExperimentStats; analysis: unknown }[]> {
	clearExperimentStatsCache(store);
	const out: { e: Experiment; stats: ExperimentStats; analysis: unknown }[] = [];
	for (const e of runningExperiments()) {
		const { stats } = await experimentStats(store, e, asOf);
		const analysis = await analyzeExperiment(store, e, { asOf });
		out.push({ e, stats, analysis: comparable(analysis) });
	}
	return out;
}

/** an analysis without what differs from run to run (when it was computed, how long it took) */
export function comparable(a: object): unknown {
	const { computed_at: _c, timings: _t, ...rest } = a as { computed_at?: unknown; timings?: unknown };
	return rest;
}

/**
 * Every cell and time cell of each experiment from the engine equals DuckDB's (counts exactly,
 * sums to 1e-12 relative), and so does the analysis made from them (lift, intervals, p-values,
 * the sequential test's always-valid p, Bayesian chances, guardrails, decision; to 1e-12
 * relative or absolute).
 */
export async function expectExperimentParity(engine: Engine, reference: { e: Experiment; stats: ExperimentStats; analysis: unknown }[], asOf: string, opts: EngineStatsOptions = {}) {
	expect(reference.length).toBeGreaterThanOrEqual(2);
	for (const { e, stats, analysis } of reference) {
		const got = await engineExperimentStats(engine, e, asOf, opts);
		const where = `${engine.name}, ${e.id}`;
		// the experiment holds data: a parity of zeros would prove nothing
		expect(stats.cells.length, where).toBeGreaterThan(4);
		expect(stats.cells.reduce((n, c) => n + (c.m.cure_rate_30d?.n ?? 0), 0), where).toBeGreaterThan(100);
		expect(stats.time_cells.length, where).toBeGreaterThan(50);
		same(got.cells, stats.cells, `${where}: cells`);
		same(got.time_cells, stats.time_cells, `${where}: time cells`);
		// the analysis: to 1e-12 relative, or 1e-12 absolutely (numbers computed with much cancellation, ANALYSIS_ATOL)
		same(comparable(analysisFromStats(e, got, asOf)), analysis, `${where}: analysis`, ANALYSIS_ATOL);
	}
}
