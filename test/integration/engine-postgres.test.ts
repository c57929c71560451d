/**
 * PostgreSQL as a second engine (issue 19, docs/engines.md): a demo store (2,000 accounts, a
 * year of data) is imported into DuckDB, its analytic tables are copied into PostgreSQL, and
 * every KPI of the catalogue is computed on both through the raw-table path for several periods
 * (a month, a quarter, a period drawn at random, the year) and filters (none, one, pairs): the
 * numbers must be the same (counts exactly, ratios and sums of fractions to 1e-12 relative).
 *
 * Two PostgreSQLs: PGlite (embedded, always), and Debian's PostgreSQL server when its binaries
 * are installed (/usr/lib/postgresql/<version>/bin; the `postgresql` package), started here in a
 * temporary folder on a free port and stopped at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_NAMES } from '../../src/lib/contract.ts';
import { openEngine, pgliteEngine, pgServerEngine, type Engine } from '../../src/lib/server/engines/index.ts';
import { parseConfig } from '../../src/lib/server/config.ts';
import { copyAnalyticTables, csvLine } from '../../src/lib/server/engines/load.ts';
import type { TempStore } from '../support/store.ts';
import { copyPresumedViolations } from '../../src/lib/server/engines/load.ts';
import { PRESUMED_VIOLATIONS_TABLE, STORE_PRESUMED_VIOLATIONS } from '../../src/lib/server/engines/experiments-sql.ts';
import {
	parityStore,
	dialectAnswers,
	duckdbExperiments,
	expectDuckdbAnswers,
	expectExperimentParity,
	expectParity as parityOf,
	filters as filtersOf,
	periods as periodsOf,
	type Filters
} from './engine-parity-helpers.ts';

let t: TempStore;
let AS_OF: string;
let duck: Engine;
let arm: { experiment: string; arm: string };
/** each running experiment's statistics and analysis on the DuckDB store (the app's path) */
let experiments: Awaited<ReturnType<typeof duckdbExperiments>>;

beforeAll(async () => {
	({ t, asOf: AS_OF, duck, arm } = await parityStore());
	experiments = await duckdbExperiments(t.store, AS_OF);
}, 300_000);
afterAll(() => t?.close());

const periods = () => periodsOf(AS_OF);
const filters = () => filtersOf(arm);
const expectParity = (engine: Engine, period: { from: string; to: string }, f: Filters, where: string) => parityOf(t.store, AS_OF, engine, period, f, where);

/** every column of every analytic table as text, rows sorted: the copy must hold the same values */
async function tableText(engine: Engine, table: string): Promise<string[]> {
	const cols = await t.store.rows<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $t ORDER BY ordinal_position`, { t: table });
	const text = engine.name === 'duckdb' ? 'VARCHAR' : 'text';
	const rows = await engine.query<Record<string, string | null>>(`SELECT ${cols.map((c) => `"${c.column_name}"::${text} AS "${c.column_name}"`).join(', ')} FROM ${table}`);
	return rows.map((r) => JSON.stringify(Object.values(r))).sort();
}

function engineSuite(label: string, open: () => Promise<Engine | null>) {
	describe(label, () => {
		let pg: Engine | null = null;
		beforeAll(async () => {
			pg = await open();
			if (pg) {
				await copyAnalyticTables(t.store, pg);
				await copyPresumedViolations(t.store, pg);
			}
		}, 600_000);
		afterAll(async () => {
			await pg?.close();
		});

		test('the analytic tables are copied with every value and their types', async () => {
			for (const table of TABLE_NAMES) {
				const a = await tableText(duck, table);
				const b = await tableText(pg!, table);
				expect(b.length, table).toBe(a.length);
				expect(b, table).toEqual(a);
			}
			expect(a(await pg!.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'interactions' AND column_name = 'occurred_at'`))).toEqual(['timestamp with time zone']);
			expect(a(await pg!.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'delinquencies' AND column_name = 'amount_past_due'`))).toEqual(['numeric']);
			expect(a(await pg!.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'vulnerable'`))).toEqual(['boolean']);
			function a(rows: { data_type: string }[]) {
				return rows.map((r) => r.data_type);
			}
		}, 120_000);

		test('text with quotes, commas, line breaks, an empty text and NULL survive the copy', async () => {
			const values = ['a "quoted", comma', 'two\nlines', '', null, '\\N', 'ünïcødé ✓'];
			await pg!.exec('DROP TABLE IF EXISTS copy_probe; CREATE TABLE copy_probe (i integer, v text)');
			await pg!.copyCsv!('copy_probe', ['i', 'v'], values.map((v, i) => csvLine([String(i), v])).join(''));
			const back = await pg!.query<{ v: string | null }>('SELECT v FROM copy_probe ORDER BY i');
			expect(back.map((r) => r.v)).toEqual(values);
			await pg!.exec('DROP TABLE copy_probe');
		});

		test("each function of the dialect answers as DuckDB's, on the edge cases", async () => {
			const out: Record<string, unknown[]> = {};
			for (const e of [duck, pg!]) out[e.name] = await dialectAnswers(e);
			expect(out.postgres).toEqual(out.duckdb);
			// and DuckDB's are the right answers
			expectDuckdbAnswers(out.duckdb!);
		}, 60_000);

		test.each([0, 1, 2, 3])('every KPI of period %i, every filter, equals DuckDB', async (i) => {
			const [pname, period] = periods()[i]!;
			let nonEmpty = 0;
			for (const [fname, f] of filters()) {
				const ref = await expectParity(pg!, period, f, `${pname}, ${fname}`);
				if ((ref.ep.episodes ?? 0) > 0 && ref.contacts.outbound_contacts > 0) nonEmpty++;
			}
			// the views hold data: a parity of zeros would prove nothing
			expect(nonEmpty).toBeGreaterThanOrEqual(4);
		}, 300_000);

		test("each running experiment's per-arm and per-day statistics, and its analysis, equal DuckDB's", async () => {
			const [n] = await pg!.query<{ n: number }>(`SELECT count(*) AS n FROM ${PRESUMED_VIOLATIONS_TABLE}`);
			const [m] = await t.store.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${STORE_PRESUMED_VIOLATIONS})`);
			expect(n!.n).toBe(m!.n);
			expect(m!.n).toBeGreaterThan(0);
			await expectExperimentParity(pg!, experiments, AS_OF);
		}, 300_000);
	});
}

describe('the generated raw path on DuckDB itself', () => {
	test('gives the counts of the app\'s raw path (queries/kpi/)', async () => {
		for (const [pname, period] of periods().slice(0, 3)) for (const [fname, f] of filters().slice(0, 5)) await expectParity(duck, period, f, `${pname}, ${fname}`);
	}, 300_000);

	test("gives the experiments' statistics of the app's path (queries/experiments/)", async () => {
		await expectExperimentParity(duck, experiments, AS_OF, { violations: STORE_PRESUMED_VIOLATIONS });
	}, 300_000);
});

describe('opening the engine the settings name', () => {
	test('DuckDB by default: the store itself', async () => {
		const e = await openEngine(parseConfig({}), t.store);
		expect(e.name).toBe('duckdb');
		expect(await e.query<{ n: number }>('SELECT count(*) AS n FROM accounts')).toEqual([{ n: 2000 }]);
	});

	test('postgres with pglite:memory: an empty PGlite', async () => {
		const e = await openEngine(parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'pglite:memory' }), t.store);
		try {
			expect([e.name, e.dialect.name, e.where]).toEqual(['postgres', 'postgres', 'PGlite in memory']);
			expect(await e.query(`SELECT current_setting('TimeZone') AS tz, $n::integer + 1 AS m`, { n: 41 })).toEqual([{ tz: 'UTC', m: 42 }]);
		} finally {
			await e.close();
		}
	}, 60_000);

	test('a server that does not answer: a message with its address, without the password', async () => {
		const port = await freePort();
		const err = await openEngine(parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: `postgres://curewise:s3cret@127.0.0.1:${port}/db` }), t.store).catch((e: Error) => e);
		expect(err).toBeInstanceOf(Error);
		expect((err as Error).message).toContain(`cannot reach the PostgreSQL server at postgres://curewise:***@127.0.0.1:${port}/db`);
		expect((err as Error).message).not.toContain('s3cret');
	});
});

engineSuite('PGlite (PostgreSQL embedded)', () => pgliteEngine());

// ------------------------------------------------ Debian's PostgreSQL server, when installed

const PG_BIN = (() => {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return null;
	const versions = readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((x, y) => Number(y) - Number(x));
	return versions.length ? join(root, versions[0]!, 'bin') : null;
})();
const SKIP_SERVER = PG_BIN ? null : 'the PostgreSQL server binaries are not installed (/usr/lib/postgresql/<version>/bin: apt-get install postgresql)';
if (SKIP_SERVER) console.warn(`skipped, the PostgreSQL server test: ${SKIP_SERVER}`);

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => resolve(port));
		});
	});
}

let server: { dir: string; stop: () => void } | null = null;
/** initdb and pg_ctl start in a temporary folder, as the postgres user when this runs as root (the server refuses root) */
async function startServer(): Promise<string> {
	const dir = mkdtempSync(join(tmpdir(), 'curewise-pg-'));
	const data = join(dir, 'data');
	const asRoot = process.getuid?.() === 0;
	const run = (cmd: string, args: string[]) => {
		const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN!, cmd), ...args]] : [join(PG_BIN!, cmd), args];
		const r = spawnSync(c, a, { encoding: 'utf8', timeout: 120_000 });
		if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error}`);
	};
	if (asRoot) {
		chmodSync(dir, 0o755);
		chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
	}
	const port = await freePort();
	run('initdb', ['-D', data, '-U', 'curewise', '--auth=trust', '--encoding=UTF8', '--locale=C', '-N']);
	run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`, 'start']);
	server = {
		dir,
		stop: () => {
			run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
			rmSync(dir, { recursive: true, force: true });
		}
	};
	return `postgres://curewise@127.0.0.1:${port}/postgres`;
}

describe.skipIf(!!SKIP_SERVER)('a PostgreSQL server (Debian)', () => {
	afterAll(() => server?.stop());
	engineSuite('pg', async () => pgServerEngine(await startServer()));
});
