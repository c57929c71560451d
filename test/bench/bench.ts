/**
 * npm run bench -- --accounts N [--seed S] [--keep]
 *
 * Generates the demo export at that scale into a temporary folder, then measures: the
 * generation time; each file's import throughput next to DuckDB's own
 * `CREATE TABLE t AS SELECT * FROM read_csv(file)` on the same file; the store's size; the
 * importing process's peak memory; the size on disk of every raw and KPI summary table; the
 * Overview's server time and every chart endpoint over a set of views drawn with --seed
 * (test/bench/views.ts), and each endpoint against its SQL alone; experiments and compliance;
 * a full rebuild of the summary tables; when build/ exists, the Overview in Chromium and 50
 * signed-in users for 60 s (test/bench/load.ts); the import of one more day of interactions
 * and the summary refresh after it. Prints the figures to reach, one line each with its goal,
 * and writes every figure to JSON in test/bench/results/.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { tableDef } from '../../src/lib/contract.ts';
import { generateDemoFiles } from '../../src/lib/server/demo/generate.ts';
import { importOrder, importPaths, type ImportResult as ImportResultT } from '../../src/lib/server/ingest/index.ts';
import type { SummaryRefresh as SummaryRefreshT } from '../../src/lib/server/kpi/summary-tables.ts';
import { loadReport, loadTest, type LoadResult } from './load.ts';
import { benchViews, quantile, searchOf, seeded } from './views.ts';

const args = z
	.object({
		accounts: z.coerce.number().int().min(100).default(100_000),
		seed: z.coerce.number().int().min(0).default(1),
		keep: z.boolean().default(false)
	})
	.parse(parseArgs({ options: { accounts: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' } } }).values);

const fmt = new Intl.NumberFormat('en-US');
// other work on the machine makes every timing slower: the load average is reported with the figures
const loadAtStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'curewise-bench-'));
const exportDir = join(dir, 'export');
mkdirSync(exportDir);
console.log(`bench: ${fmt.format(args.accounts)} accounts, seed ${args.seed}, in ${dir} (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB)`);

// 1. generation
const gen = await DuckDBInstance.create(join(dir, 'gen.duckdb'));
const genConn = await gen.connect();
let t0 = Date.now();
const files = await generateDemoFiles(genConn, { outDir: exportDir, accounts: args.accounts, seed: args.seed });
const generationMs = Date.now() - t0;
genConn.closeSync();
gen.closeSync();
rmSync(join(dir, 'gen.duckdb'), { force: true });
console.log(`generated ${files.length} files, ${fmt.format(files.reduce((s, f) => s + f.rows, 0))} rows in ${(generationMs / 1000).toFixed(1)} s`);

// 2. DuckDB's own read_csv on each file, into a fresh database file
const raw = new Map<string, number>();
for (const f of files) {
	const path = join(dir, 'raw.duckdb');
	rmSync(path, { force: true });
	const inst = await DuckDBInstance.create(path);
	const c = await inst.connect();
	t0 = Date.now();
	await c.run(`CREATE TABLE t AS SELECT * FROM read_csv('${f.path.replace(/'/g, "''")}')`);
	raw.set(f.path, Date.now() - t0);
	c.closeSync();
	inst.closeSync();
	rmSync(path, { force: true });
	rmSync(path + '.wal', { force: true });
}

// 3. the Curewise import of the whole export, in its own process
const db = join(dir, 'store.duckdb');
t0 = Date.now();
const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/import-child.ts', db, ...importOrder(files.map((f) => f.path))], {
	encoding: 'utf8',
	maxBuffer: 64 * 2 ** 20
});
const importWallMs = Date.now() - t0;
if (child.status !== 0) {
	console.error(child.stderr);
	process.exit(1);
}
const lines = child.stdout.trim().split('\n').map((l) => JSON.parse(l));
const results = lines.filter((l) => l.kind === 'result');
// a figure from a half-imported store would mean nothing: a rejected file stops the bench
const rejected = results.filter((r) => r.status !== 'imported');
if (rejected.length) {
	for (const r of rejected) console.error(`bench: ${r.file} was ${r.status}: ${r.error}`);
	process.exit(1);
}
const peakMb = lines.find((l) => l.kind === 'memory')?.max_rss_mb ?? null;

const rows = files.map((f) => {
	const r = results.find((x) => f.path.endsWith(x.file));
	const rawMs = raw.get(f.path) ?? 0;
	const mb = statSync(f.path).size / 2 ** 20;
	return {
		file: f.path.split('/').pop()!,
		rows: r?.rows_read ?? f.rows,
		mb: Math.round(mb),
		import_ms: r?.duration_ms ?? null,
		import_rows_per_s: r ? Math.round((r.rows_read * 1000) / Math.max(1, r.duration_ms)) : null,
		read_csv_ms: rawMs,
		read_csv_rows_per_s: Math.round((f.rows * 1000) / Math.max(1, rawMs)),
		speed_vs_read_csv: r ? +(rawMs / Math.max(1, r.duration_ms)).toFixed(2) : null,
		quarantined: r?.rows_quarantined ?? null,
		status: r?.status ?? 'missing'
	};
});
const storeMb = Math.round(statSync(db).size / 2 ** 20);

console.log('');
console.log(['file'.padEnd(30), 'rows'.padStart(12), 'MB'.padStart(6), 'import s'.padStart(9), 'rows/s'.padStart(11), 'read_csv s'.padStart(11), 'rows/s'.padStart(11), 'speed'.padStart(6)].join(' '));
for (const r of rows) {
	console.log(
		[
			r.file.padEnd(30),
			fmt.format(r.rows).padStart(12),
			String(r.mb).padStart(6),
			((r.import_ms ?? 0) / 1000).toFixed(1).padStart(9),
			fmt.format(r.import_rows_per_s ?? 0).padStart(11),
			(r.read_csv_ms / 1000).toFixed(1).padStart(11),
			fmt.format(r.read_csv_rows_per_s).padStart(11),
			String(r.speed_vs_read_csv).padStart(6)
		].join(' ')
	);
}
console.log('');
console.log(`generation ${(generationMs / 1000).toFixed(1)} s · whole import ${(importWallMs / 1000).toFixed(1)} s (process) · store ${fmt.format(storeMb)} MB · import peak memory ${fmt.format(peakMb ?? 0)} MB`);
console.log('speed = read_csv time / import time (1.0 = as fast as DuckDB reading the file; goal ≥ 0.5)');

const summaries = lines.find((l) => l.kind === 'summaries') ?? null;
if (summaries) console.log(`KPI summary tables rebuilt after the import in ${(summaries.duration_ms / 1000).toFixed(1)} s (${Object.entries(summaries.steps as Record<string, number>).map(([k, v]) => `${k.replace('summary/', '')} ${(v / 1000).toFixed(1)} s`).join(', ')})`);

// 4. the imported store: the size of every table, then the Overview and every chart endpoint
// over the bench's views (test/bench/views.ts), warm
const { Store } = await import('../../src/lib/server/db/store.ts');
const { overviewPage, overviewParams } = await import('../../src/lib/server/kpi/overview.ts');
const { CHART_QUERIES, runChartQuery } = await import('../../src/lib/server/kpi/charts.ts');
const { dataAsOf } = await import('../../src/lib/server/kpi/as-of.ts');
const { querySql } = await import('../../src/lib/server/paths.ts');
const { refreshSummaries } = await import('../../src/lib/server/kpi/summary-tables.ts');
// the Overview's server time below is its computation: the result cache (kpi/cache.ts) keeps nothing in this process
(await import('../../src/lib/server/kpi/cache.ts')).setCacheBudget(0);
type ChartName = keyof typeof CHART_QUERIES;
type StoreT = Awaited<ReturnType<typeof Store.open>>;
const store = await Store.open({ path: db });
const median = async (f: () => Promise<unknown>, most = 7) => {
	const t0 = performance.now();
	await f();
	// slow queries (over a second) get 3 timed runs, the others `most`
	const runs = performance.now() - t0 > 1000 ? Math.min(3, most) : most;
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		await f();
		times.push(performance.now() - t);
	}
	return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
};
/** a view's time, warm: one run first, then one timed run, or the median of 3 when that one is under a second */
const warmTime = async (f: () => Promise<unknown>) => {
	await f();
	const times: number[] = [];
	for (let i = 0; i < 3; i++) {
		const t = performance.now();
		await f();
		times.push(performance.now() - t);
		if (times[0]! >= 1000) break;
	}
	const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
	return ms < 10 ? +ms.toFixed(1) : Math.round(ms);
};
const q = (xs: number[], p: number) => {
	const v = quantile(xs, p);
	return v == null ? null : v < 10 ? +v.toFixed(1) : Math.round(v);
};
function groupBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, T[]> {
	const out: Record<string, T[]> = {};
	for (const x of xs) (out[key(x)] ??= []).push(x);
	return out;
}
const msText = (v: number | null | undefined) => (v == null ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${fmt.format(v)} ms`);
const sText = (v: number | null | undefined) => (v == null ? '—' : `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`);

// 4a. size on disk of the raw tables and the KPI summary tables (after a checkpoint)
const sizes = await tableSizes(store);

// 4b. the views
const asOf = (await dataAsOf(store))!;
const from = new Date(Date.parse(asOf) - 89 * 86_400_000).toISOString().slice(0, 10);
const viewSet = await benchViews(store, args.seed);
const views = viewSet.views;
for (const r of viewSet.refused) console.error(`bench: the view ${r.label} was left out: ${r.problems.join('; ')}`);
console.log('');
console.log(`${views.length} views (seed ${args.seed}; data ${viewSet.data_from} … ${asOf}): ${Object.entries(groupBy(views, (v) => v.kind)).map(([k, v]) => `${v.length} ${k}`).join(', ')}`);

// 4c. the Overview's server time per view (role leadership, as a signed-in leader sees it)
const overviewViews: { label: string; kind: string; query: Record<string, string>; ms: number; source: string | null }[] = [];
for (const v of views) {
	let source: string | null = null;
	const ms = await warmTime(async () => {
		const page = await overviewPage(store, v.query, 'leadership');
		source = page.overview.current?.source ?? null;
	});
	overviewViews.push({ label: v.label, kind: v.kind, query: v.query, ms, source });
}
const ovTimes = overviewViews.map((v) => v.ms);
const overviewBench = {
	views: overviewViews.length,
	median_ms: q(ovTimes, 0.5),
	p95_ms: q(ovTimes, 0.95),
	max_ms: Math.max(...ovTimes),
	slowest: [...overviewViews].sort((a, b) => b.ms - a.ms).slice(0, 3),
	by_kind: Object.fromEntries(
		Object.entries(groupBy(overviewViews, (v) => v.kind)).map(([k, vs]) => [k, { views: vs.length, median_ms: q(vs.map((v) => v.ms), 0.5), max_ms: Math.max(...vs.map((v) => v.ms)) }])
	),
	per_view: overviewViews
};
console.log(
	`Overview server time over ${overviewBench.views} views (warm): median ${msText(overviewBench.median_ms)}, p95 ${msText(overviewBench.p95_ms)}, max ${msText(overviewBench.max_ms)} (${Object.entries(overviewBench.by_kind).map(([k, s]) => `${k} median ${msText(s.median_ms)}`).join(', ')})`
);
for (const v of overviewBench.slowest) console.log(`  slow: ${msText(v.ms).padStart(8)}  ${v.label} (${v.source ?? '?'} tables) ?${searchOf(v.query)}`);

// 4d. every chart endpoint over the same views, without the cache; an endpoint whose first 5 views
// average over 3 s is timed on 10 views only. The views in a seeded order, so that those 10 are mixed.
const viewParams = new Map<string, Record<string, unknown>>();
for (const v of views) viewParams.set(v.label, { ...(await overviewParams(store, v.query)).params!, dimension: 'segment', grain: 'week' });
const chartOrder = (() => {
	const rnd = seeded(args.seed + 101);
	const xs = [...views];
	for (let i = xs.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[xs[i], xs[j]] = [xs[j]!, xs[i]!];
	}
	return xs;
})();
const chartViews: Record<string, { views: number; capped: boolean; median_ms: number | null; p95_ms: number | null; max_ms: number; slowest: { label: string; ms: number } }> = {};
const chartNames = Object.keys(CHART_QUERIES) as ChartName[];
console.log(`Chart endpoints over the views (server function, no cache, warm; dimension segment, grain week):`);
for (const name of chartNames) {
	const times: { label: string; ms: number }[] = [];
	let capped = false;
	for (const v of chartOrder) {
		if (times.length === 5 && times.reduce((s, t) => s + t.ms, 0) / 5 > 3000) capped = true;
		if (capped && times.length >= 10) break;
		times.push({ label: v.label, ms: await warmTime(() => runChartQuery(store, name, viewParams.get(v.label)!)) });
	}
	const ms = times.map((t) => t.ms);
	const slowest = [...times].sort((a, b) => b.ms - a.ms)[0]!;
	chartViews[name] = { views: times.length, capped, median_ms: q(ms, 0.5), p95_ms: q(ms, 0.95), max_ms: Math.max(...ms), slowest };
	console.log(`  ${name.padEnd(26)} median ${msText(chartViews[name].median_ms).padStart(8)}  p95 ${msText(chartViews[name].p95_ms).padStart(8)}  max ${msText(chartViews[name].max_ms).padStart(8)} (${slowest.label})${capped ? `  — first 5 views over 3 s on average: timed on ${times.length} views only` : `  ${times.length} views`}`);
}

// 4e. each endpoint's server function against the SQL it runs, alone, in the same process (default
// view): the statements the function sent to DuckDB (recorded on one run, with their parameters)
// replayed through the store, those that ran at the same time together, the others one after another
const defaultParams = { from, to: asOf, as_of: asOf, dimension: 'segment', grain: 'week' };
const queryTimes: Record<string, { endpoint_ms: number; sql_ms: number; ratio: number; statements: number } | { error: string }> = {};
for (const name of chartNames) {
	try {
		const calls = await recordSql(store, () => runChartQuery(store, name, defaultParams));
		const writes = calls.filter((c) => !/^(SELECT|WITH|FROM|\(|VALUES|PRAGMA|SUMMARIZE|DESCRIBE)\b/i.test(c.sql.replace(/--.*$/gm, '').trim()));
		if (writes.length) {
			queryTimes[name] = { error: `not replayed: it writes (${writes[0]!.sql.replace(/--.*$/gm, '').trim().slice(0, 60)}…)` };
			continue;
		}
		const waves: (typeof calls)[] = [];
		let waveEnd = -Infinity;
		for (const c of [...calls].sort((a, b) => a.start - b.start)) {
			if (waves.length && c.start < waveEnd) {
				waves[waves.length - 1]!.push(c);
				waveEnd = Math.max(waveEnd, c.end);
			} else {
				waves.push([c]);
				waveEnd = c.end;
			}
		}
		const endpoint = await median(() => runChartQuery(store, name, defaultParams));
		const sql = await median(async () => {
			for (const wave of waves) await Promise.all(wave.map((c) => store.rows(c.sql, c.params as never)));
		});
		queryTimes[name] = { endpoint_ms: endpoint, sql_ms: sql, ratio: +(endpoint / Math.max(1, sql)).toFixed(2), statements: calls.length };
	} catch (e) {
		queryTimes[name] = { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
	}
}
console.log('Endpoints, default view: server function vs its SQL alone (every statement it ran, replayed), same process (median ms; goal ≤ 1.5×)');
for (const [name, t] of Object.entries(queryTimes)) console.log(`  ${name.padEnd(26)} ${'error' in t ? `not compared: ${t.error}` : `${String(t.endpoint_ms).padStart(6)} ${String(t.sql_ms).padStart(6)}  ${t.ratio}×  (${t.statements} statements)`}`);
const ratios = Object.values(queryTimes).flatMap((t) => ('ratio' in t ? [t.ratio] : []));

// experiments: a launch that assigns every account, and the analysis of an experiment of the
// accounts with an episode in the last 180 days (about 240,000 per arm at 1M accounts)
const expDir = join(dir, 'experiments');
mkdirSync(expDir, { recursive: true });
const { saveDraft } = await import('../../src/lib/server/experiments/registry.ts');
const { launchExperiment } = await import('../../src/lib/server/experiments/lifecycle.ts');
const { analyzeExperiment } = await import('../../src/lib/server/experiments/analysis/analyze.ts');
const { clearExperimentStatsCache } = await import('../../src/lib/server/experiments/analysis/cache.ts');
const actor = { username: 'bench', role: 'admin' };
const draft = (id: string, population: Record<string, unknown>, start: string) => ({
	id,
	title: `bench ${id}`,
	hypothesis: 'bench',
	owner: 'bench',
	start,
	planned_end: asOf,
	primary_metric: 'cure_rate_30d',
	secondary_metrics: ['days_to_pay', 'recovery_rate'],
	guardrails: [{ metric: 'complaints_per_1k_assigned', direction: 'lower_is_better', rule: { kind: 'non_inferiority', threshold: 0.5 } }],
	population,
	arms: [
		// texts that pass the message check (a launch with a "must fix" is refused)
		{ id: 'control', weight: 0.5, message: { channel: 'sms', template_id: 'bench_a', text: 'This is a communication from a debt collector. Pay at {link}. Reply STOP to opt out.' } },
		{ id: 'treatment', weight: 0.5, message: { channel: 'sms', template_id: 'bench_b', text: 'This is a message from a debt collector: a plan can help, {link}. Reply STOP to opt out.' } }
	]
});
const start180 = new Date(Date.parse(asOf) - 180 * 86_400_000).toISOString().slice(0, 10);
await saveDraft(draft('bench-all', {}, start180), actor, expDir, store);
await saveDraft(draft('bench-180d', { delinquency: { episode_started_on_or_after: start180 } }, start180), actor, expDir, store);
let t1 = performance.now();
const launchAll = await launchExperiment(store, 'bench-all', actor, { reason: 'the bench times a launch', dir: expDir, at: `${start180}T00:00:00Z` });
const launchMs = Math.round(performance.now() - t1);
await launchExperiment(store, 'bench-180d', actor, { reason: 'the bench times a launch', dir: expDir, at: `${start180}T00:00:00Z` });
const { getExperiment } = await import('../../src/lib/server/experiments/registry.ts');
const e180 = getExperiment('bench-180d', expDir)!;
clearExperimentStatsCache(store);
t1 = performance.now();
const analysis = await analyzeExperiment(store, e180);
const analyzeColdMs = Math.round(performance.now() - t1);
const analyzeWarmMs = await median(() => analyzeExperiment(store, e180), 5);
// as after a restart: the process forgot them, the store kept them
const analyzeKeptMs = await median(async () => {
	clearExperimentStatsCache(store);
	await analyzeExperiment(store, e180);
}, 5);
const perArm = analysis.arms.map((a) => a.assigned);
const experimentsBench = { launch_ms: launchMs, launch_assigned: launchAll.eligible, analyze_cold_ms: analyzeColdMs, analyze_warm_ms: analyzeWarmMs, analyze_kept_ms: analyzeKeptMs, analyze_accounts_per_arm: perArm };

// compliance: the full audit (the one after the import, which builds the contact index; one more run
// on the current index; one with the index rebuilt) and account timelines
const { runAudit } = await import('../../src/lib/server/compliance/audit.ts');
const { timelineBench } = await import('../../src/lib/server/compliance/timeline.ts');
const auditAfterImport = lines.find((l) => l.kind === 'audit') ?? null;
t1 = performance.now();
const audit2 = await runAudit(store, { trigger: 'cli', runBy: 'bench' });
const auditMs = Math.round(performance.now() - t1);
const people = await store.rows<{ customer_id: string; n: number }>(
	`SELECT customer_id, count(*) AS n FROM compliance_findings WHERE audit_id = $a GROUP BY 1 ORDER BY n DESC, customer_id LIMIT 1`,
	{ a: audit2.audit_id }
);
const [plain] = await store.rows<{ customer_id: string }>(`SELECT customer_id FROM accounts ORDER BY hash(customer_id) LIMIT 1`);
const timelineMs: Record<string, number> = {};
for (const id of [people[0]?.customer_id, plain?.customer_id].filter((x): x is string => !!x)) {
	await timelineBench(store, id); // first read of the person
	timelineMs[id] = await median(() => timelineBench(store, id), 7);
}
// the contact index built from scratch (as on the first audit after an upgrade or a big first import)
await store.rows(`DELETE FROM contact_index_state`);
t1 = performance.now();
const audit3 = await runAudit(store, { trigger: 'cli', runBy: 'bench' });
const auditRebuildMs = Math.round(performance.now() - t1);
// compliance pages at this scale (issue 16's figures), on the latest audit (audit3: the same findings):
// the ranked views, the report's first page, the full findings export
const complianceViews = await compliancePagesBench(store);
const complianceBench = {
	audit_after_import_ms: auditAfterImport?.duration_ms ?? null,
	audit_ms: auditMs,
	audit_steps_ms: audit2.steps,
	audit_with_index_rebuild_ms: auditRebuildMs,
	index_rebuild_ms: audit3.steps?.contact_index ?? null,
	index_rows: audit3.index?.rows ?? null,
	audit_contacts: audit2.contacts,
	audit_findings: audit2.findings,
	audit_rules: complianceViews.rules,
	timeline_ms: timelineMs,
	...complianceViews.json
};
console.log(`Experiment launch assigning ${fmt.format(experimentsBench.launch_assigned)} accounts: ${(experimentsBench.launch_ms / 1000).toFixed(1)} s (goal < 10 s)`);
console.log(`Experiment analysis, ${perArm.map((n) => fmt.format(n)).join(' / ')} accounts per arm: first ${(analyzeColdMs / 1000).toFixed(2)} s (statistics computed from the raw tables, as the evaluation after an import does), after a restart ${analyzeKeptMs} ms (statistics kept in the store), warm ${analyzeWarmMs} ms (goal < 1 s)`);
console.log(`Compliance audit of ${fmt.format(audit2.contacts)} outbound contacts (all interactions, every pack in force: ${complianceViews.rules} rules): ${(auditMs / 1000).toFixed(1)} s, ${fmt.format(audit2.findings)} findings; after the import ${((complianceBench.audit_after_import_ms ?? 0) / 1000).toFixed(1)} s (goal < 10 s)`);
console.log(`  steps: ${Object.entries(audit2.steps ?? {}).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
console.log(`  with the contact index rebuilt first: ${(auditRebuildMs / 1000).toFixed(1)} s, of which the index of ${fmt.format(complianceBench.index_rows ?? 0)} interactions ${((complianceBench.index_rebuild_ms ?? 0) / 1000).toFixed(1)} s`);
console.log(`Account timeline server time (median of 7 after a first read): ${Object.entries(timelineMs).map(([k, v]) => `${k} ${v} ms`).join(', ')} (goal < 100 ms)`);
for (const l of complianceViews.lines) console.log(l);

// 4f. a full rebuild of the KPI summary tables on the store as imported (no new data)
const fullRebuild = await refreshSummaries(store, { full: true });
console.log(`KPI summary tables, full rebuild on the unchanged store: ${sText(fullRebuild?.duration_ms)} (${Object.entries(fullRebuild?.steps ?? {}).map(([k, v]) => `${k.replace('summary/', '')} ${sText(v)}`).join(', ')})`);
await store.close();

// 5. the Overview in Chromium: navigation until every chart has drawn (the first load after the
// server started; then, once the server's background warming is done, the median of 5)
let browser: { load_and_draw_ms: number; first_load_ms: number; runs_ms: number[]; server_warmed_after_ms: number | null; filter_change_ms: number; filter_change_runs: { filter: string; ms: number }[] } | null = null;
if (existsSync('/usr/bin/chromium') && existsSync('build/index.js')) browser = await browserTiming(db);
else console.log('(no Chromium or no build/: run `npm run build` and install chromium to time the page in a browser)');

// 6. 50 signed-in users at once for 60 s on the built server (test/bench/load.ts)
let load: LoadResult | null = null;
if (existsSync('build/index.js')) {
	console.log('');
	load = await loadTest({ db, seconds: 60, users: 50, seed: args.seed, views });
	for (const l of loadReport(load)) console.log(l);
} else console.log('(no build/: run `npx vite build` for the load test)');

// 7. one more day of interactions: the last 24 hours' outbound contacts copied 24 hours later with new
// ids, imported as a file (the import, then the summary tables, the audit and the experiments' evaluation)
const oneDay = await importOneDay(db);
console.log('');
console.log(
	`One more day of interactions (${fmt.format(oneDay.rows)} outbound contacts of ${fmt.format(oneDay.accounts)} accounts, ${oneDay.from} … ${oneDay.to}): import ${sText(oneDay.import_ms)}, KPI summary tables ${sText(oneDay.summaries?.duration_ms)}${oneDay.summaries ? ` (${oneDay.summaries.mode}${oneDay.summaries.touched ? `: the episodes of ${fmt.format(oneDay.summaries.touched.accounts)} accounts, the contacts of ${fmt.format(oneDay.summaries.touched.contact_days)} account-days` : oneDay.summaries.reason ? `: ${oneDay.summaries.reason}` : ''}; ${Object.entries(oneDay.summaries.steps).map(([k, v]) => `${k.replace('summary/', '')} ${sText(v)}`).join(', ')})` : ''}, compliance audit ${sText(oneDay.audit_ms)}, whole ${sText(oneDay.wall_ms)}`
);

// 8. the size table (the build time of each summary table: its step in the full rebuild above)
const stepOf = summaryStepTables();
console.log('');
console.log(`Size on disk after a checkpoint (DuckDB ${sizes.duckdb}; from pragma_storage_info: the ${fmt.format(sizes.block_size / 1024)} KB blocks each table's segments use, so a small table takes at least one; build: the step of the full rebuild above that writes it):`);
console.log(['table'.padEnd(28), 'rows'.padStart(12), 'cols'.padStart(5), 'MB'.padStart(9), 'bytes/row'.padStart(10), 'build'.padStart(9), ' step'].join(' '));
const sizeRows = sizes.tables.map((t) => {
	const step = stepOf.get(t.table);
	const build = step ? (fullRebuild?.steps[step] ?? null) : null;
	return { ...t, build_step: step ?? null, build_ms: build };
});
for (const t of sizeRows) {
	console.log(
		[
			t.table.padEnd(28),
			fmt.format(t.rows).padStart(12),
			String(t.columns).padStart(5),
			(t.bytes / 2 ** 20).toFixed(1).padStart(9),
			(t.rows ? (t.bytes / t.rows).toFixed(1) : '—').padStart(10),
			(t.build_ms == null ? '' : sText(t.build_ms)).padStart(9),
			t.build_step ? ` ${t.build_step.replace('summary/', '')}${[...stepOf.values()].filter((x) => x === t.build_step).length > 1 ? ' (with others)' : ''}` : ''
		].join(' ')
	);
}
const sum = (kind: string) => sizeRows.filter((t) => t.kind === kind).reduce((s, t) => s + t.bytes, 0);
console.log(
	`  raw tables ${(sum('raw') / 2 ** 20).toFixed(1)} MB · summary tables ${(sum('summary') / 2 ** 20).toFixed(1)} MB (${((100 * sum('summary')) / Math.max(1, sum('raw'))).toFixed(1)}% of raw) · other tables (${sizes.other_tables}) ${(sizes.other_bytes / 2 ** 20).toFixed(1)} MB · indexes, metadata and free blocks ${(sizes.rest_bytes / 2 ** 20).toFixed(1)} MB · file ${(sizes.file_bytes / 2 ** 20).toFixed(1)} MB (used blocks ${(sizes.used_bytes / 2 ** 20).toFixed(1)} MB)`
);

// 9. the figures to reach, one line each
type Figure = { figure: string; value: string; goal: string; met: boolean | null };
const figures: Figure[] = [];
const fig = (figure: string, value: string, goal: string, met: boolean | null) => figures.push({ figure, value, goal, met });
fig(`Overview server time, median over ${overviewBench.views} views`, msText(overviewBench.median_ms), '≤ 150 ms', (overviewBench.median_ms ?? Infinity) <= 150);
fig(`Overview server time, p95 over ${overviewBench.views} views (max ${msText(overviewBench.max_ms)})`, msText(overviewBench.p95_ms), '≤ 300 ms', (overviewBench.p95_ms ?? Infinity) <= 300);
const worstChart = Object.entries(chartViews).sort((a, b) => (b[1].p95_ms ?? 0) - (a[1].p95_ms ?? 0))[0];
if (worstChart) fig(`chart endpoints over the views, highest p95 (${worstChart[0]}; every endpoint above)`, msText(worstChart[1].p95_ms), 'none set', null);
if (ratios.length) fig('each chart endpoint against its SQL alone, default view', `${Math.min(...ratios)}×–${Math.max(...ratios)}×`, '≤ 1.5×', Math.max(...ratios) <= 1.5);
if (load) {
	fig(`${load.users} users for ${load.seconds} s: Overview pages p95 (p50 ${msText(load.page.p50_ms)}, max ${msText(load.page.max_ms)})`, msText(load.page.p95_ms), '≤ 1 s', (load.page.p95_ms ?? Infinity) <= 1000);
	fig(`${load.users} users for ${load.seconds} s: chart requests p95 (p50 ${msText(load.chart.p50_ms)}, max ${msText(load.chart.max_ms)})`, msText(load.chart.p95_ms), '≤ 1 s', (load.chart.p95_ms ?? Infinity) <= 1000);
	fig(`${load.users} users for ${load.seconds} s: errors in ${fmt.format(load.requests)} requests (503s apart: ${load.busy_503})`, String(load.errors), '0', load.errors === 0);
	fig(`${load.users} users for ${load.seconds} s: cheap page ${load.cheap.path} p95 (p50 ${msText(load.cheap.p50_ms)}, max ${msText(load.cheap.max_ms)})`, msText(load.cheap.p95_ms), '≤ 200 ms', (load.cheap.p95_ms ?? Infinity) <= 200);
} else fig('50 users for 60 s', 'not run (no build/)', '', null);
fig(`KPI summary tables after the import of one day (${fmt.format(oneDay.rows)} interactions; the import itself ${sText(oneDay.import_ms)})`, sText(oneDay.summaries?.duration_ms), '≤ 5 s', oneDay.summaries ? oneDay.summaries.duration_ms <= 5000 : false);
fig('KPI summary tables, full rebuild', sText(fullRebuild?.duration_ms), '≤ 33 s at 1M accounts', fullRebuild ? fullRebuild.duration_ms <= 33_000 : false);
fig(`compliance audit, all interactions, ${complianceViews.rules} rules (${fmt.format(audit2.findings)} findings)`, sText(auditMs), '≤ 10 s at 1M accounts', auditMs <= 10_000);
fig(`compliance ranked views, highest p95 of ${Object.keys(complianceViews.json.ranked_ms).length} groupings (${complianceViews.worstRanked})`, msText(complianceViews.rankedWorstP95), '≤ 300 ms', complianceViews.rankedWorstP95 <= 300);
fig(`compliance report, first page: request to the download's first byte (${complianceViews.json.report.format})`, sText(complianceViews.json.report.first_byte_ms), '≤ 3 s', complianceViews.json.report.first_byte_ms <= 3000);
fig(`compliance findings CSV export, ${fmt.format(complianceViews.json.export.findings)} findings (peak RSS growth ${fmt.format(complianceViews.json.export.rss_growth_mb)} MB)`, `${fmt.format(complianceViews.json.export.findings_per_s)}/s`, '≥ 200,000/s', complianceViews.json.export.findings_per_s >= 200_000);
fig('summary tables on disk beside the raw tables', `${(sum('summary') / 2 ** 20).toFixed(1)} MB vs ${(sum('raw') / 2 ** 20).toFixed(1)} MB`, 'none set', null);
console.log('');
console.log(`Figures to reach (${fmt.format(args.accounts)} accounts, seed ${args.seed}):`);
const w = Math.max(...figures.map((f) => f.figure.length));
for (const f of figures) console.log(`  ${f.figure.padEnd(w)}  ${f.value.padStart(10)}  ${f.met === null ? '(no goal)' : `goal ${f.goal}: ${f.met ? 'met' : 'MISSED'}`}`);
console.log(`  (load average of the machine at the end: ${loadavg().map((x) => x.toFixed(1)).join(', ')}; the figures are from one run on ${cpus().length} cores)`);

async function browserTiming(dbPath: string) {
	const { Store: S } = await import('../../src/lib/server/db/store.ts');
	const { addUser } = await import('../../src/lib/server/auth/users.ts');
	const s2 = await S.open({ path: dbPath });
	await addUser(s2, { username: 'bench-leadership', role: 'leadership', password: 'bench-password-not-secret' }).catch(() => {});
	await s2.close();
	const port = 3600 + Math.floor(Math.random() * 300);
	const started = Date.now();
	const server = spawn(process.execPath, ['build'], { env: { ...process.env, CUREWISE_DB: dbPath, PORT: String(port), ORIGIN: `http://localhost:${port}`, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE || '64' }, stdio: ['ignore', 'pipe', 'ignore'] });
	// the server prints "chart cache warmed in N ms" when its background warming (started with the
	// server) is done: the warm runs start after it, the first load does not wait for it
	let warmedAt = 0;
	const warmed = new Promise<void>((resolve) => {
		let buf = '';
		server.stdout!.on('data', (d: Buffer) => {
			buf += d.toString();
			if (!warmedAt && /chart cache warmed in \d+ ms/.test(buf)) {
				warmedAt = Date.now();
				resolve();
			}
		});
	});
	const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
	const base = `http://localhost:${port}`;
	for (let i = 0; i < 100; i++) {
		if (await fetch(base + '/login').then((r) => r.ok, () => false)) break;
		await new Promise((r) => setTimeout(r, 200));
	}
	const { chromium } = await import('playwright-core');
	const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
	try {
		const page = await (await b.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		await page.goto(base + '/login');
		await page.getByLabel('Username').fill('bench-leadership');
		await page.getByLabel('Password').fill('bench-password-not-secret');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => !u.pathname.startsWith('/login'));
		const runs: number[] = [];
		let first = 0;
		for (let i = 0; i < 6; i++) {
			const t = Date.now();
			await page.goto(base + '/overview');
			// every chart card has drawn (or says it has no data)
			await page.waitForFunction(() => {
				const cards = [...document.querySelectorAll('.card')].filter((c) => c.querySelector('.skeleton, [role=img][aria-label], .error, [data-testid^=no-]'));
				return cards.length > 0 && !document.querySelector('.skeleton') && [...document.querySelectorAll('.chart [role=img]')].every((el) => (el as HTMLElement).dataset.drawn === 'true');
			}, undefined, { timeout: 120_000, polling: 10 });
			if (i > 0) runs.push(Date.now() - t);
			else {
				first = Date.now() - t;
				await Promise.race([warmed, new Promise((r) => setTimeout(r, 300_000))]);
			}
		}
		const sorted = [...runs].sort((a, c) => a - c);
		const ms = sorted[Math.floor(sorted.length / 2)]!;
		const warmMs = warmedAt ? warmedAt - started : null;
		console.log(`Overview loaded and drawn in Chromium (1280 px): first load after the server started ${first} ms (the chart cache warming meanwhile); the server's warming done ${warmMs === null ? 'not within 5 min' : `${(warmMs / 1000).toFixed(1)} s after its start`}; then, warm, median ${ms} ms (runs ${runs.join(', ')} ms)`);
		// a filter chosen on the page (the select submits on change): from the choice until the new
		// tiles and every chart have drawn; each filter is new to the server (nothing cached)
		const filterRuns: { filter: string; ms: number }[] = [];
		for (const [name, value] of [['channel', 'sms'], ['segment', 'sme'], ['tone', 'supportive'], ['vulnerable', 'true'], ['channel', 'email']] as const) {
			await page.goto(base + '/overview');
			await page.waitForFunction(() => !document.querySelector('.skeleton'), undefined, { timeout: 120_000, polling: 10 });
			const t = Date.now();
			await page.locator(`form select[name=${name}]`).selectOption(value);
			await page.waitForURL((u) => u.searchParams.get(name) === value, { timeout: 120_000 });
			await page.waitForFunction(() => {
				if (document.querySelector('[role=progressbar]') || document.querySelector('.skeleton')) return false;
				return [...document.querySelectorAll('.chart [role=img]')].every((el) => (el as HTMLElement).dataset.drawn === 'true');
			}, undefined, { timeout: 120_000, polling: 10 });
			filterRuns.push({ filter: `${name}=${value}`, ms: Date.now() - t });
		}
		const filterSorted = filterRuns.map((r) => r.ms).sort((a, c) => a - c);
		const filterMs = filterSorted[Math.floor(filterSorted.length / 2)]!;
		console.log(`Overview after a filter change, drawn in Chromium: median ${filterMs} ms (${filterRuns.map((r) => `${r.filter} ${r.ms} ms`).join(', ')}; goal ≤ 1.5 s: ${filterMs <= 1500 ? 'met' : 'missed'})`);
		return { load_and_draw_ms: ms, first_load_ms: first, runs_ms: runs, server_warmed_after_ms: warmMs, filter_change_ms: filterMs, filter_change_runs: filterRuns };
	} finally {
		await b.close();
		server.kill();
		// the next step opens the store: wait until the server has let it go (killed after 10 s)
		await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
		if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
		await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
	}
}

/** the statements `f` sends through the store's rows(), with their parameters and when each ran */
/**
 * The compliance pages at this scale, on the latest audit (issue 16's figures): the ranked views
 * by every grouping (the page's server work: the ranked statement and the filter values; median
 * and p95 over a few sorts, each a first request, not the page's kept answers); the report's first
 * page (its data and PDF, timed from the call to the first byte of the download: the PDF, or the
 * zip that starts with it when the findings are more than the PDF lists); the full findings CSV
 * streamed to its end (findings a second, and the process's peak RSS above its level before).
 * The audit's contacts (counted once per audit, in the background after an audit on the server)
 * are counted first and timed apart.
 */
async function compliancePagesBench(s: StoreT) {
	const { latestAudit } = await import('../../src/lib/server/compliance/audit.ts');
	const { auditPacks } = await import('../../src/lib/server/compliance/findings/packs.ts');
	const { auditContacts } = await import('../../src/lib/server/compliance/findings/cache.ts');
	const { findingsFilterSchema } = await import('../../src/lib/server/compliance/findings/filters.ts');
	const { filterValues } = await import('../../src/lib/server/compliance/findings/query.ts');
	const { rankedFindings, rankedParamsSchema } = await import('../../src/lib/server/compliance/findings/ranked.ts');
	const { reportPdfDownload } = await import('../../src/lib/server/compliance/report/download.ts');
	const { findingsCsvStream } = await import('../../src/lib/server/compliance/report/export.ts');
	const { PDF_DEFAULT_MAX_FINDINGS, WEB_REPORT_ROWS } = await import('../../src/lib/server/compliance/report/params.ts');
	const { reportData } = await import('../../src/lib/server/compliance/report/data.ts');
	const { renderReportPdf } = await import('../../src/lib/server/compliance/report/pdf.ts');
	const { RANKED_BY_KEYS } = await import('../../src/lib/compliance/findings.ts');
	const audit = (await latestAudit(s))!;
	const packs = await auditPacks(s, audit);
	const rules = packs.reduce((n, p) => n + p.rules.length, 0);
	const none = findingsFilterSchema.parse({});
	let t = performance.now();
	await auditContacts(s, audit, packs);
	const contactsMs = Math.round(performance.now() - t);

	// the ranked views: every grouping, each sorted a few ways (a first request each: no kept answer)
	const sorts = [
		{ order: 'findings', sort: 'desc' },
		{ order: 'severity', sort: 'desc' },
		{ order: 'latest', sort: 'desc' },
		{ order: 'findings', sort: 'asc' }
	] as const;
	const ranked: Record<string, { median_ms: number; p95_ms: number; runs_ms: number[] }> = {};
	for (const by of RANKED_BY_KEYS) {
		const runs: number[] = [];
		for (const srt of sorts) {
			const params = rankedParamsSchema.parse({ by, ...srt });
			await rankedFindings(s, audit.audit_id, none, params, packs); // a first read of the grouping
			for (let i = 0; i < 2; i++) {
				t = performance.now();
				await Promise.all([rankedFindings(s, audit.audit_id, none, params, packs), filterValues(s, audit.audit_id)]);
				runs.push(Math.round(performance.now() - t));
			}
		}
		runs.sort((a, b) => a - b);
		ranked[by] = { median_ms: quantile(runs, 0.5)!, p95_ms: quantile(runs, 0.95)!, runs_ms: runs };
	}
	const [worstRanked, worst] = Object.entries(ranked).sort((a, b) => b[1].p95_ms - a[1].p95_ms)[0]!;

	// the report's first page: its data and PDF (the default size), to the download's first byte
	const who = { username: 'bench', role: 'compliance' as const };
	t = performance.now();
	const dl = await reportPdfDownload(s, audit, none, { max_findings: PDF_DEFAULT_MAX_FINDINGS }, who);
	let firstByteMs: number;
	if (dl.body instanceof Uint8Array) firstByteMs = Math.round(performance.now() - t);
	else {
		const reader = dl.body.getReader();
		await reader.read();
		firstByteMs = Math.round(performance.now() - t);
		await reader.cancel();
	}
	// where that time goes: the report's data with the PDF's findings, the PDF's rendering; and the web page's data (its first 500 findings)
	t = performance.now();
	const data = await reportData(s, audit, none, PDF_DEFAULT_MAX_FINDINGS);
	const dataMs = Math.round(performance.now() - t);
	t = performance.now();
	await renderReportPdf(data, { findings: data.first, truncated: data.findings > data.first.length, maxFindings: PDF_DEFAULT_MAX_FINDINGS, generatedAt: new Date(), compress: true });
	const renderMs = Math.round(performance.now() - t);
	t = performance.now();
	await reportData(s, audit, none, WEB_REPORT_ROWS);
	const webMs = Math.round(performance.now() - t);
	const report = { first_byte_ms: firstByteMs, format: dl.contentType === 'application/zip' ? 'zip' : 'pdf', findings: dl.rows, listed: Math.min(dl.rows, PDF_DEFAULT_MAX_FINDINGS), data_ms: dataMs, pdf_render_ms: renderMs, web_page_data_ms: webMs };

	// every finding as CSV (the findings list's export), streamed to its end; the RSS sampled meanwhile
	global.gc?.();
	const rss0 = process.memoryUsage().rss;
	let peak = rss0;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	t = performance.now();
	let rows = -1;
	let bytes = 0;
	const stream = await findingsCsvStream(s, audit.audit_id, none, 'list', (n) => (rows = n));
	const reader = stream.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		bytes += value.length;
		peak = Math.max(peak, process.memoryUsage().rss);
	}
	const exportMs = performance.now() - t;
	clearInterval(sampler);
	const exp = { findings: rows, ms: Math.round(exportMs), mb: Math.round(bytes / 2 ** 20), findings_per_s: Math.round(rows / (exportMs / 1000)), rss_before_mb: Math.round(rss0 / 2 ** 20), rss_growth_mb: Math.round((peak - rss0) / 2 ** 20) };

	const lines = [
		`Compliance pages on audit ${audit.audit_id} (${fmt.format(audit.findings)} findings; its contacts counted once per audit first: ${sText(contactsMs)}):`,
		`  ranked views, server time (median / p95 of ${sorts.length} sorts × 2, each a first request): ${Object.entries(ranked).map(([k, v]) => `${k} ${v.median_ms} / ${v.p95_ms} ms`).join(', ')} (goal ≤ 300 ms)`,
		`  report, first page: ${sText(report.first_byte_ms)} from the request to the first byte of the ${report.format === 'pdf' ? 'PDF' : `zip (the PDF of the first ${fmt.format(report.listed)}, then every finding as CSV and Parquet)`} (goal ≤ 3 s); apart: its data ${sText(dataMs)}, the PDF drawn ${sText(renderMs)}; the web page's data (first ${fmt.format(WEB_REPORT_ROWS)} findings) ${sText(webMs)}`,
		`  findings CSV, every finding: ${fmt.format(exp.findings)} findings (${fmt.format(exp.mb)} MB) in ${sText(exp.ms)}, ${fmt.format(exp.findings_per_s)} findings/s, process RSS ${fmt.format(exp.rss_before_mb)} MB before, peak +${fmt.format(exp.rss_growth_mb)} MB during (goal ≥ 200,000/s, flat memory)`
	];
	return { rules, lines, worstRanked, rankedWorstP95: worst.p95_ms, json: { contacts_counted_ms: contactsMs, ranked_ms: ranked, report, export: exp } };
}

async function recordSql(s: StoreT, f: () => Promise<unknown>) {
	const calls: { sql: string; params: unknown; start: number; end: number }[] = [];
	const target = s as unknown as { rows: (sql: string, params?: unknown) => Promise<unknown[]> };
	const original = target.rows;
	target.rows = async (sql: string, params?: unknown) => {
		const c = { sql, params, start: performance.now(), end: 0 };
		calls.push(c);
		try {
			return await original.call(s, sql, params);
		} finally {
			c.end = performance.now();
		}
	};
	try {
		await f();
	} finally {
		// the method comes from the class again
		delete (target as { rows?: unknown }).rows;
	}
	return calls;
}

/**
 * Rows, columns and bytes of the raw tables, the KPI summary tables (kpi_*) and the rest, after a
 * checkpoint. pragma_storage_info gives each column segment's block and offset, not its size: a
 * segment is taken to run to the next segment's offset in its block (the last one to the block's
 * end), and each additional block it uses counts whole. What no table holds (the primary-key
 * indexes, metadata, free blocks) is the file's used blocks less the tables' bytes.
 */
async function tableSizes(s: StoreT) {
	await s.rows('CHECKPOINT');
	const [info] = await s.rows<{ block_size: number; total_blocks: number; used_blocks: number; free_blocks: number }>(
		`SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()`
	);
	const [{ v: duckdb }] = (await s.rows<{ v: string }>(`SELECT version() AS v`)) as [{ v: string }];
	const blockSize = Number(info?.block_size ?? 262_144);
	const tables = await s.rows<{ table_name: string; column_count: number }>(
		`SELECT table_name, column_count FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY table_name`
	);
	type Seg = { table: string; block: number; offset: number; extra: number };
	const segs: Seg[] = [];
	const counts = new Map<string, number>();
	for (const t of tables) {
		const name = t.table_name.replace(/"/g, '""');
		const [c] = await s.rows<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`);
		counts.set(t.table_name, Number(c?.n ?? 0));
		const rows = await s.rows<{ block_id: number; block_offset: number; additional_block_ids: unknown }>(
			`SELECT block_id, block_offset, additional_block_ids FROM pragma_storage_info('${t.table_name.replace(/'/g, "''")}') WHERE persistent AND block_id >= 0`
		);
		for (const r of rows) segs.push({ table: t.table_name, block: Number(r.block_id), offset: Number(r.block_offset), extra: Array.isArray(r.additional_block_ids) ? r.additional_block_ids.length : 0 });
	}
	const bytes = new Map<string, number>();
	const byBlock = new Map<number, Seg[]>();
	for (const g of segs) (byBlock.get(g.block) ?? byBlock.set(g.block, []).get(g.block)!).push(g);
	for (const list of byBlock.values()) {
		list.sort((a, b) => a.offset - b.offset);
		list.forEach((g, i) => {
			const end = i + 1 < list.length ? list[i + 1]!.offset : blockSize;
			bytes.set(g.table, (bytes.get(g.table) ?? 0) + (end - g.offset) + g.extra * blockSize);
		});
	}
	const RAW = ['accounts', 'delinquencies', 'interactions', 'payments', 'complaints', 'contact_preferences', 'experiment_assignments'];
	const kindOf = (t: string) => (RAW.includes(t) ? 'raw' : t.startsWith('kpi_') ? 'summary' : 'other');
	const all = tables.map((t) => ({ table: t.table_name, kind: kindOf(t.table_name), rows: counts.get(t.table_name) ?? 0, columns: Number(t.column_count), bytes: bytes.get(t.table_name) ?? 0 }));
	const shown = all.filter((t) => t.kind !== 'other').sort((a, b) => (a.kind === b.kind ? (a.kind === 'raw' ? RAW.indexOf(a.table) - RAW.indexOf(b.table) : a.table.localeCompare(b.table)) : a.kind === 'raw' ? -1 : 1));
	const others = all.filter((t) => t.kind === 'other');
	const usedBytes = Number(info?.used_blocks ?? 0) * blockSize;
	const tableBytes = all.reduce((sum, t) => sum + t.bytes, 0);
	return {
		duckdb,
		block_size: blockSize,
		tables: shown,
		other_tables: others.length,
		other_bytes: others.reduce((sum, t) => sum + t.bytes, 0),
		others: others.filter((t) => t.bytes > 0).sort((a, b) => b.bytes - a.bytes),
		rest_bytes: Math.max(0, usedBytes - tableBytes),
		used_bytes: usedBytes,
		total_bytes: Number(info?.total_blocks ?? 0) * blockSize,
		file_bytes: statSync(s.path).size
	};
}

/** which summary step writes which kpi_ table (from the step's SQL) */
function summaryStepTables(): Map<string, string> {
	const out = new Map<string, string>();
	for (const step of Object.keys(fullRebuild?.steps ?? {})) {
		let sql = '';
		try {
			sql = querySql(step).replace(/--.*$/gm, '');
		} catch {
			continue;
		}
		for (const m of sql.matchAll(/\b(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?TABLE|INSERT\s+(?:OR\s+\w+\s+)?INTO)\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(kpi_\w+)"?/gi)) if (!out.has(m[1]!)) out.set(m[1]!, step);
	}
	return out;
}

/**
 * One more day of data, imported as a file: the outbound interactions of the last 24 hours of the
 * data, with new ids, 24 hours later (timestamps written with their offset, as the contract asks).
 */
async function importOneDay(dbPath: string) {
	const s = await Store.open({ path: dbPath });
	try {
		const dayDir = join(dir, 'one-day');
		mkdirSync(dayDir, { recursive: true });
		const file = join(dayDir, 'interactions-one-day.csv');
		const cols = tableDef('interactions').columns;
		const select = cols
			.map((c) =>
				c.name === 'interaction_id'
					? `interaction_id || '-d1' AS interaction_id`
					: c.type === 'timestamptz'
						? `strftime(timezone('UTC', ${c.name} + INTERVAL 1 DAY), '%Y-%m-%dT%H:%M:%S') || '+00:00' AS ${c.name}`
						: c.name
			)
			.join(', ');
		const where = `direction = 'outbound' AND occurred_at > (SELECT max(occurred_at) FROM interactions) - INTERVAL 1 DAY`;
		const [span] = await s.rows<{ n: number; accounts: number; lo: unknown; hi: unknown }>(
			`SELECT count(*) AS n, count(DISTINCT account_id) AS accounts, min(occurred_at + INTERVAL 1 DAY) AS lo, max(occurred_at + INTERVAL 1 DAY) AS hi FROM interactions WHERE ${where}`
		);
		await s.rows(`COPY (SELECT ${select} FROM interactions WHERE ${where} ORDER BY occurred_at) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`);
		const t0 = Date.now();
		let result: ImportResultT | null = null;
		let summaries: SummaryRefreshT | null = null;
		let audit: { duration_ms?: number } | null = null;
		await importPaths(s, [file], {
			source: 'cli',
			onResult: (r) => (result = r),
			onSummaries: (r) => (summaries = r),
			onAudit: (r) => (audit = r as { duration_ms?: number } | null),
			onLog: (m) => console.error(`bench: ${m}`)
		});
		const wall = Date.now() - t0;
		const r = result as ImportResultT | null;
		if (!r || r.status !== 'imported') throw new Error(`bench: the one-day file was ${r?.status ?? 'not imported'}: ${(r as { error?: string } | null)?.error ?? ''}`);
		const sm = summaries as SummaryRefreshT | null;
		const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 16).replace('T', ' ');
		return {
			rows: Number(span?.n ?? 0),
			accounts: Number(span?.accounts ?? 0),
			from: iso(span?.lo),
			to: iso(span?.hi),
			rows_inserted: r.rows_inserted,
			import_ms: r.duration_ms,
			summaries: sm,
			audit_ms: (audit as { duration_ms?: number } | null)?.duration_ms ?? null,
			wall_ms: wall
		};
	} finally {
		await s.close();
	}
}

const out = {
	at: new Date().toISOString(),
	accounts: args.accounts,
	seed: args.seed,
	machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, load_average_at_start: loadAtStart, load_average_at_end: loadavg() },
	generation_ms: generationMs,
	import_wall_ms: importWallMs,
	import_peak_rss_mb: peakMb,
	store_mb: storeMb,
	files: rows,
	summaries_refresh: summaries,
	figures,
	views: { seed: args.seed, as_of: asOf, data_from: viewSet.data_from, count: views.length, refused: viewSet.refused },
	overview_views: overviewBench,
	// the earlier figures, from the views: the default view, a segment filter and a channel filter alone
	overview_server_ms: overviewViews.find((v) => v.label.startsWith('default'))?.ms ?? null,
	overview_server_segment_ms: overviewViews.find((v) => v.kind === 'filter' && 'segment' in v.query)?.ms ?? null,
	overview_server_channel_ms: overviewViews.find((v) => v.kind === 'filter' && 'channel' in v.query)?.ms ?? null,
	chart_views: chartViews,
	chart_queries: queryTimes,
	experiments: experimentsBench,
	compliance: complianceBench,
	summaries_full_rebuild: fullRebuild,
	one_day_import: oneDay,
	sizes: { ...sizes, tables: sizeRows },
	browser,
	load
};
mkdirSync('test/bench/results', { recursive: true });
const outFile = join('test/bench/results', `${out.at.replace(/[:.]/g, '-')}-${args.accounts}.json`);
writeFileSync(outFile, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${outFile}`);
if (!args.keep) rmSync(dir, { recursive: true, force: true });
