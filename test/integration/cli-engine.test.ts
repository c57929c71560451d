/**
 * curewise engine compare|copy, run as a real process on a small demo store (1,000 accounts):
 * with CUREWISE_ENGINE_URL=pglite:memory every KPI of the catalogue is printed equal and the
 * exit status is 0; --json carries DuckDB's own numbers and the engine's; `copy` into a PGlite
 * folder leaves every row there; the settings that name no PostgreSQL, or a bad one, get a
 * message naming the setting (never the password) and exit 2 (or 1 when the server cannot be
 * reached). After the KPIs, compare prints each started experiment's per-arm statistics, equal on
 * both engines, and the primary metric's effect on each.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TABLE_NAMES } from '../../src/lib/contract.ts';
import { KPIS } from '../../src/lib/metrics/catalogue.ts';
import { presetPeriod } from '../../src/lib/periods.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { pgliteEngine } from '../../src/lib/server/engines/index.ts';
import { chdbInstalled } from '../../src/lib/server/engines/chdb-load.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiSummary } from '../../src/lib/server/kpi/values.ts';
import { differences } from '../../src/cli/commands/engine.ts';
import { loadExperiments } from '../../src/lib/server/experiments/registry.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const BIN = resolve('bin/curewise.js');
/** the experiments of the experiments folder that have started in the demo, with their arms */
const RUNNING = Object.fromEntries(
	loadExperiments()
		.experiments.filter((x) => x.status !== 'draft')
		.map((x) => [x.id, x.arms.map((a) => a.id)])
);
const PASSWORD = 's3cr3t-Pw-19';

let t: TempStore;
let asOf: string;
let counts: Record<string, number>;

/** the command in a process of its own, with only the engine settings given here */
function cli(args: string[], engine: Record<string, string> = {}) {
	const env = { ...process.env };
	delete env.CUREWISE_ENGINE;
	delete env.CUREWISE_ENGINE_URL;
	const r = spawnSync(process.execPath, [BIN, 'engine', ...args, '--db', t.dbPath], { encoding: 'utf8', env: { ...env, ...engine }, timeout: 240_000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** the store opened by the test between two runs of the command (the command needs it closed) */
async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
	const s = await Store.open({ path: t.dbPath, memoryLimit: '1GB' });
	try {
		return await fn(s);
	} finally {
		await s.close();
	}
}

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 1000, seed: 19, outDir: join(t.dir, 'demo') });
	asOf = (await dataAsOf(t.store))!;
	counts = {};
	for (const table of TABLE_NAMES) counts[table] = (await t.store.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n;
	await t.store.close(); // the command opens the file itself
}, 300_000);
afterAll(() => t?.close());

describe('curewise engine compare', () => {
	test('on PGlite in memory: every KPI of the catalogue, equal on both engines, the time of each, exit 0', () => {
		const r = cli(['compare'], { CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'pglite:memory' });
		expect(r.stderr).not.toMatch(/curewise engine:/);
		expect(r.code).toBe(0);
		const lines = r.stdout.split('\n');
		expect(lines[0]).toBe(`KPIs for episodes and contacts from ${presetPeriod('last_90_days', asOf).from} to ${asOf}, as of ${asOf}: DuckDB (the store) against PGlite in memory`);
		expect(r.stdout).toMatch(/^KPI +DuckDB +PostgreSQL +equal$/m);
		for (const k of KPIS) {
			const row = lines.find((l) => l.startsWith(k.label + ' '));
			expect(row, k.label).toBeDefined();
			// label, the DuckDB value, the engine's (the same text), yes
			const m = /^(.+?) {2,}(\S+(?: data)?) {2,}(\S+(?: data)?) {2}yes$/.exec(row!);
			expect(m, row).not.toBeNull();
			expect(m![2], row).toBe(m![3]);
		}
		expect(r.stdout).toMatch(/^time: DuckDB \d+\.\d s, PGlite in memory \d+\.\d s \(the copy before: \d+\.\d s\)$/m);
		expect(r.stdout).toContain(`all ${KPIS.length} KPIs are equal`);
		// progress on standard error: the copy, table by table, then each engine's KPIs
		expect(r.stderr).toContain("copying the store's analytic tables into PGlite in memory");
		for (const table of TABLE_NAMES) expect(r.stderr).toContain(`  ${table}: ${counts[table]!.toLocaleString('en-US')} rows (`);
		expect(r.stderr).toMatch(/^KPIs on DuckDB in \d+\.\d s$/m);
		expect(r.stderr).toMatch(/^KPIs on PGlite in memory in \d+\.\d s$/m);
		// then the experiments that have started: each arm's statistics equal, the primary effect on both
		expect(r.stderr).toMatch(/^ {2}the latest audit's presumed violations: [\d,]+ rows \(/m);
		expect(r.stdout).toContain(`\nExperiments as of ${asOf}: the per-arm statistics`);
		expect(r.stdout).toMatch(/^experiment +arm +equal +assigned +with episode +cells +time cells$/m);
		for (const [id, arms] of Object.entries(RUNNING)) {
			for (const arm of arms) expect(r.stdout, `${id} ${arm}`).toMatch(new RegExp(`^${id} +${arm} +yes +[\\d,]+ +[\\d,]+ +\\d+ +\\d+$`, 'm'));
			expect(r.stdout).toMatch(new RegExp(`^${id}, \\w+ against control, cure_rate_30d \\(the analysis is equal\\):\\n {2}DuckDB {6}difference [-+]\\d\\.\\d{4} \\[.+\\], always-valid p .+\\n {2}PostgreSQL {2}difference`, 'm'));
			expect(r.stderr).toMatch(new RegExp(`^experiment ${id}: statistics on DuckDB in \\d+\\.\\d s, on PGlite in memory in \\d+\\.\\d s$`, 'm'));
		}
		expect(r.stdout).toContain(`the statistics and the analysis of all ${Object.keys(RUNNING).length} experiments are equal`);
	}, 300_000);

	test.skipIf(!chdbInstalled())('with --engine-url chdb:memory (embedded ClickHouse): every KPI equal, the column named ClickHouse, exit 0', () => {
		const r = cli(['compare', '--period', 'last_quarter', '--engine-url', 'chdb:memory']);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/^KPI +DuckDB +ClickHouse +equal$/m);
		expect(r.stdout).toContain(`all ${KPIS.length} KPIs are equal`);
		expect(r.stdout.split('\n').filter((l) => / {2}yes$/.test(l))).toHaveLength(KPIS.length);
		expect(r.stdout).toContain(`the statistics and the analysis of all ${Object.keys(RUNNING).length} experiments are equal`);
	}, 300_000);

	test('--json, --period and --engine-url: the numbers are DuckDB\'s own, the copy holds every row', async () => {
		const r = cli(['compare', '--period', 'last_quarter', '--engine-url', 'pglite:memory', '--json']);
		expect(r.code, r.stderr).toBe(0);
		const out = JSON.parse(r.stdout);
		const q = presetPeriod('last_quarter', asOf);
		expect(out).toMatchObject({ from: q.from, to: q.to, as_of: asOf, engine: { name: 'postgres', where: 'PGlite in memory' }, equal: true });
		expect(out.duckdb_ms).toBeGreaterThanOrEqual(0);
		expect(out.engine_ms).toBeGreaterThanOrEqual(0);
		expect(Object.fromEntries(out.copy.tables.map((c: { table: string; rows: number }) => [c.table, c.rows]))).toEqual(counts);
		expect(out.kpis.map((k: { name: string }) => k.name)).toEqual(KPIS.map((k) => k.name));
		for (const k of out.kpis) expect(k, k.name).toMatchObject({ equal: true, differences: [] });
		// DuckDB's column is the app's own raw-table path for that quarter (the Overview's summary tables give the same to 1e-12)
		const expected = await withStore((s) => kpiSummary(s, { ...q, as_of: asOf }, { source: 'raw' }));
		for (const k of out.kpis) expect(k.duckdb, k.name).toEqual(JSON.parse(JSON.stringify(expected.kpis[k.name])));
		// the experiments: every arm's statistics and the analysis equal; the arms' accounts are the store's assignments
		expect(out.copy.presumed_violations).toMatchObject({ table: 'presumed_violation_findings' });
		expect(out.experiments.map((x: { experiment: string }) => x.experiment).sort()).toEqual(Object.keys(RUNNING).sort());
		for (const x of out.experiments) {
			expect(x, x.experiment).toMatchObject({ stats_equal: true, analysis_equal: true, equal: true, differences: [] });
			const assigned = await withStore((s) =>
				s.rows<{ variant: string; n: number }>(`SELECT variant, count(*)::INTEGER AS n FROM experiment_assignments WHERE experiment_id = $e AND assigned_at < $d::DATE + 1 GROUP BY variant ORDER BY variant`, { e: x.experiment, d: asOf })
			);
			expect(x.arms.map((a: { arm: string; assigned: number }) => [a.arm, a.assigned]).sort()).toEqual(assigned.map((a) => [a.variant, a.n]));
			expect(x.arms.every((a: { equal: boolean; cells: number; time_cells: number }) => a.equal && a.cells > 0 && a.time_cells > 0)).toBe(true);
			expect(x.primary[0].engine).toEqual(x.primary[0].duckdb);
			expect(x.primary[0].duckdb.difference).not.toBeNull();
		}
		// not equal by being empty: most KPIs have a value in a quarter of a 1,000-account demo
		expect(out.kpis.filter((k: { engine: { value: number | null } }) => k.engine.value !== null).length).toBeGreaterThan(KPIS.length / 2);
	}, 300_000);

	test('CUREWISE_ENGINE=duckdb (or nothing set) is refused with what to set, exit 2', () => {
		const message = 'curewise engine: CUREWISE_ENGINE is duckdb: name a PostgreSQL or ClickHouse engine to compare with (CUREWISE_ENGINE=postgres or clickhouse, and CUREWISE_ENGINE_URL=…)\n';
		for (const engine of [{ CUREWISE_ENGINE: 'duckdb' }, {}] as Record<string, string>[]) {
			const r = cli(['compare'], engine);
			expect(r.code).toBe(2);
			expect(r.stderr).toBe(message);
			expect(r.stdout).toBe('');
		}
	}, 120_000);

	test('a bad address names the setting and never its password', () => {
		// not an address Curewise takes: wrong usage, before the store is opened
		const wrong = cli(['compare'], { CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: `mysql://ann:${PASSWORD}@db.example/curewise` });
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toMatch(/CUREWISE_ENGINE_URL: must be a postgres:\/\/user:password@host:port\/database address/);
		expect(wrong.stderr).not.toContain(PASSWORD);
		// the same through --engine-url: named as the option
		const option = cli(['compare', '--engine-url', `mysql://ann:${PASSWORD}@db.example/curewise`]);
		expect(option.code).toBe(2);
		expect(option.stderr).toMatch(/^curewise engine: --engine-url: must be a postgres:\/\//);
		expect(option.stderr).not.toContain(PASSWORD);
		// a server that does not answer (nothing listens on port 1): a failure, exit 1
		const unreachable = cli(['compare'], { CUREWISE_ENGINE_URL: `postgres://ann:${PASSWORD}@127.0.0.1:1/curewise` });
		expect(unreachable.code).toBe(1);
		expect(unreachable.stderr).toMatch(/^curewise engine: CUREWISE_ENGINE_URL: cannot reach the PostgreSQL server at postgres:\/\/ann:\*\*\*@127\.0\.0\.1:1\/curewise/);
		expect(unreachable.stderr).not.toContain(PASSWORD);
	}, 240_000);

	test('wrong usage exits 2 with what is wrong', () => {
		const noSub = cli([]);
		expect(noSub.code).toBe(2);
		expect(noSub.stderr).toMatch(/say what to do: compare or copy/);
		const preset = cli(['compare', '--period', 'last_week', '--engine-url', 'pglite:memory']);
		expect(preset.code).toBe(2);
		expect(preset.stderr).toMatch(/--period: period preset must be one of last_30_days, last_90_days, last_month, last_quarter/);
		const both = cli(['compare', '--period', 'last_month', '--from', '2026-01-01', '--engine-url', 'pglite:memory']);
		expect(both.code).toBe(2);
		expect(both.stderr).toMatch(/--period or --from\/--to, not both/);
		const badDay = cli(['compare', '--from', '2026-02-30', '--to', '2026-03-31', '--engine-url', 'pglite:memory']);
		expect(badDay.code).toBe(2);
		expect(badDay.stderr).toMatch(/--from: not a real date/);
	}, 240_000);
});

describe('curewise engine copy', () => {
	test('into a PGlite folder: every row of every analytic table is there afterwards', async () => {
		const dir = join(t.dir, 'pg');
		const r = cli(['copy', '--json'], { CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: `pglite:${dir}` });
		expect(r.code, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout).copy.tables.map((c: { table: string; rows: number }) => [c.table, c.rows])).toEqual(TABLE_NAMES.map((n) => [n, counts[n]]));
		const pg = await pgliteEngine({ dataDir: dir });
		try {
			for (const table of TABLE_NAMES) expect((await pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n, table).toBe(counts[table]);
		} finally {
			await pg.close();
		}
		// into memory it would be gone at once: refused
		const memory = cli(['copy', '--engine-url', 'pglite:memory']);
		expect(memory.code).toBe(2);
		expect(memory.stderr).toMatch(/--engine-url is pglite:memory: a copy there ends with the command/);
	}, 300_000);
});

describe('equal, as the command judges it', () => {
	test('whole numbers exactly, fractions to 1e-12 relative, every field of the KPI', () => {
		expect(differences({ value: 0.25, numerator: 1, denominator: 4 }, { value: 0.25 * (1 + 1e-14), numerator: 1, denominator: 4 })).toEqual([]);
		expect(differences({ value: 0.25, numerator: 1, denominator: 4 }, { value: 0.25 * (1 + 1e-9), numerator: 1, denominator: 4 })).toEqual([{ field: 'value', duckdb: 0.25, engine: 0.25 * (1 + 1e-9) }]);
		expect(differences({ value: 0.5, numerator: 2, denominator: 4 }, { value: 0.5, numerator: 2, denominator: 5 })).toEqual([{ field: 'denominator', duckdb: 4, engine: 5 }]);
		expect(differences({ value: null }, { value: 0 })).toEqual([{ field: 'value', duckdb: null, engine: 0 }]);
		expect(differences({ value: 0.1, provisional: true }, { value: 0.1, provisional: false })).toEqual([{ field: 'provisional', duckdb: true, engine: false }]);
		// left out and null are the same: no value
		expect(differences({ value: 3, low: 2, high: null }, { value: 3, low: 2 })).toEqual([]);
		expect(differences({ value: 3, low: 2, high: null }, { value: 3, low: 2, high: 9 })).toEqual([{ field: 'high', duckdb: null, engine: 9 }]);
	});
});
