/**
 * npm run bench -- --accounts N [--seed S] [--keep]
 *
 * Generates the demo export at that scale into a temporary folder, then measures: the
 * generation time; each file's import throughput next to DuckDB's own
 * `CREATE TABLE t AS SELECT * FROM read_csv(file)` on the same file; the store's size; the
 * importing process's peak memory. Prints a table and writes JSON to test/bench/results/.
 * Later issues add their queries here.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateDemoFiles } from '../../src/lib/server/demo/generate.ts';
import { importOrder } from '../../src/lib/server/ingest/index.ts';

const args = z
	.object({
		accounts: z.coerce.number().int().min(100).default(100_000),
		seed: z.coerce.number().int().min(0).default(1),
		keep: z.boolean().default(false)
	})
	.parse(parseArgs({ options: { accounts: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' } } }).values);

const fmt = new Intl.NumberFormat('en-US');
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

// 4. the Overview on the imported store (warm; median of 5)
const { Store } = await import('../../src/lib/server/db/store.ts');
const { overview } = await import('../../src/lib/server/kpi/overview.ts');
const { runChartQuery } = await import('../../src/lib/server/kpi/charts.ts');
const { dataAsOf } = await import('../../src/lib/server/kpi/summary.ts');
const { querySql } = await import('../../src/lib/server/paths.ts');
const store = await Store.open({ path: db });
const median = async (f: () => Promise<unknown>, runs = 5) => {
	await f();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		await f();
		times.push(performance.now() - t);
	}
	return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
};
const asOf = (await dataAsOf(store))!;
const from = new Date(Date.parse(asOf) - 89 * 86_400_000).toISOString().slice(0, 10);
const filters = { segment: null, product: null, region: null, vulnerable: null };
const overviewMs = await median(() => overview(store, {}));
const queryTimes: Record<string, { endpoint_ms: number; sql_ms: number }> = {};
for (const [name, sqlName] of [['cure_trend', 'kpi/cure_trend'], ['cure_curves', 'kpi/cure_by_cohort']] as const) {
	queryTimes[name] = {
		endpoint_ms: await median(() => runChartQuery(store, name, { from, to: asOf, as_of: asOf })),
		sql_ms: await median(() => store.rows(querySql(sqlName), { from, to: asOf, as_of: asOf, ...filters }))
	};
}
await store.close();
console.log('');
console.log(`Overview server time (KPIs of the last 90 days and of the 90 before): median ${overviewMs} ms`);
for (const [name, q] of Object.entries(queryTimes)) console.log(`  ${name}: ${q.endpoint_ms} ms through the server function, ${q.sql_ms} ms for its SQL alone`);

const out = {
	at: new Date().toISOString(),
	accounts: args.accounts,
	seed: args.seed,
	machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
	generation_ms: generationMs,
	import_wall_ms: importWallMs,
	import_peak_rss_mb: peakMb,
	store_mb: storeMb,
	files: rows,
	overview_server_ms: overviewMs,
	chart_queries: queryTimes
};
mkdirSync('test/bench/results', { recursive: true });
const outFile = join('test/bench/results', `${out.at.replace(/[:.]/g, '-')}-${args.accounts}.json`);
writeFileSync(outFile, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${outFile}`);
if (!args.keep) rmSync(dir, { recursive: true, force: true });
