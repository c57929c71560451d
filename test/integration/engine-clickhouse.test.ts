/**
 * ClickHouse as a third engine (issue 19, docs/engines.md), through chdb (ClickHouse embedded in
 * the process): a demo store (2,000 accounts, a year of data) is imported into DuckDB, its
 * analytic tables are copied into chdb through Parquet, and every KPI of the catalogue is
 * computed on both through the raw-table path for the periods and filters of the PostgreSQL
 * test (engine-parity-helpers.ts): the numbers must be the same (counts exactly, ratios to 1e-12
 * relative). chdb is not a dependency (about 570 MB): `npm test` installs it into .cache/chdb
 * (npm run install:chdb); without it these tests are skipped, with the reason printed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { TABLE_NAMES } from '../../src/lib/contract.ts';
import { chdbEngine, openEngine, type Engine } from '../../src/lib/server/engines/index.ts';
import { chdbInstalled, CHDB_MISSING } from '../../src/lib/server/engines/chdb-load.ts';
import { parseConfig } from '../../src/lib/server/config.ts';
import { copyAnalyticTables, copyPresumedViolations } from '../../src/lib/server/engines/load.ts';
import type { TempStore } from '../support/store.ts';
import { parityStore, dialectAnswers, duckdbExperiments, expectDuckdbAnswers, expectExperimentParity, expectParity, filters, periods } from './engine-parity-helpers.ts';

const SKIP = chdbInstalled() ? null : `chdb is not installed in .cache/chdb or node_modules (${CHDB_MISSING})`;
if (SKIP) console.warn(`skipped, the ClickHouse engine tests: ${SKIP}`);

describe.skipIf(!!SKIP)('ClickHouse (chdb)', () => {
	let t: TempStore;
	let AS_OF: string;
	let duck: Engine;
	let ch: Engine;
	let arm: { experiment: string; arm: string };

	beforeAll(async () => {
		({ t, asOf: AS_OF, duck, arm } = await parityStore());
		ch = await openEngine(parseConfig({ CUREWISE_ENGINE: 'clickhouse', CUREWISE_ENGINE_URL: 'chdb:memory' }), t.store);
		const copied = await copyAnalyticTables(t.store, ch);
		expect(copied.map((c) => c.table)).toEqual([...TABLE_NAMES]);
		await copyPresumedViolations(t.store, ch);
	}, 600_000);
	afterAll(async () => {
		await ch?.close();
		t?.close();
	});

	/** a value as comparable text: a Date to the millisecond, a JSON document with its keys sorted */
	const canon = (v: unknown): unknown => {
		if (v instanceof Date) return v.toISOString();
		if (typeof v === 'string' && /^[{[]/.test(v)) {
			try {
				return canon(JSON.parse(v));
			} catch {
				return v;
			}
		}
		if (v && typeof v === 'object') return Array.isArray(v) ? v.map(canon) : Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canon(x)]));
		return v;
	};
	const rowsOf = async (e: Engine, table: string) => (await e.query(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(canon(r))).sort();

	test('the analytic tables are copied with every value and their types', async () => {
		for (const table of TABLE_NAMES) {
			const a = await rowsOf(duck, table);
			const b = await rowsOf(ch, table);
			expect(b.length, table).toBe(a.length);
			expect(b, table).toEqual(a);
		}
		// the microseconds the millisecond Dates above do not show
		const [dus] = await duck.query<{ us: number }>(`SELECT sum(epoch_us(occurred_at) % 1000)::BIGINT AS us FROM interactions`);
		const [cus] = await ch.query<{ us: number }>(`SELECT sum(toUnixTimestamp64Micro(occurred_at) % 1000) AS us FROM interactions`);
		expect(Number(cus!.us)).toBe(Number(dus!.us));
		const type = async (table: string, column: string) =>
			(await ch.query<{ type: string }>(`SELECT type FROM system.columns WHERE database = currentDatabase() AND table = {t:String} AND name = {c:String}`, { t: table, c: column }))[0]?.type;
		expect(await type('interactions', 'occurred_at')).toBe("Nullable(DateTime64(6, 'UTC'))");
		expect(await type('delinquencies', 'amount_past_due')).toMatch(/^Nullable\(Decimal\(\d+, 2\)\)$/);
		expect(await type('delinquencies', 'started_on')).toBe('Nullable(Date32)');
		expect(await type('accounts', 'vulnerable')).toBe('Nullable(Bool)');
	}, 120_000);

	test('bound parameters: quotes, backslashes, line breaks, empty text and NULL arrive as they are', async () => {
		const values = ["it's", 'a "quoted", comma', 'back\\slash', 'two\nlines', '', null, '\\N', "'; DROP TABLE accounts; --", 'ünïcødé ✓'];
		for (const v of values) expect((await ch.query<{ v: unknown }>(`SELECT ${ch.dialect.param('v', 'text')} AS v`, { v }))[0]!.v).toBe(v);
		expect((await ch.query<{ n: number }>('SELECT count() AS n FROM accounts'))[0]!.n).toBe(2000);
	});

	test("each function of the dialect answers as DuckDB's, on the edge cases", async () => {
		const want = await dialectAnswers(duck);
		expectDuckdbAnswers(want);
		expect(await dialectAnswers(ch)).toEqual(want);
	}, 60_000);

	test.each([0, 1, 2, 3])('every KPI of period %i, every filter, equals DuckDB', async (i) => {
		const [pname, period] = periods(AS_OF)[i]!;
		let nonEmpty = 0;
		for (const [fname, f] of filters(arm)) {
			const ref = await expectParity(t.store, AS_OF, ch, period, f, `${pname}, ${fname}`);
			if ((ref.ep.episodes ?? 0) > 0 && ref.contacts.outbound_contacts > 0) nonEmpty++;
		}
		// the views hold data: a parity of zeros would prove nothing
		expect(nonEmpty).toBeGreaterThanOrEqual(4);
	}, 300_000);

	test("each running experiment's per-arm and per-day statistics, and its analysis, equal DuckDB's", async () => {
		await expectExperimentParity(ch, await duckdbExperiments(t.store, AS_OF), AS_OF);
		// the session tables of the computation are dropped
		expect(await ch.query(`SELECT name FROM system.tables WHERE is_temporary AND startsWith(name, 'exp_')`)).toEqual([]);
	}, 300_000);

	test('chdb:FOLDER keeps its tables in the folder; the settings name the engine', async () => {
		// chdb holds one data folder per process: the engine of the tests above closes first
		await ch.close();
		const dir = join(t.dir, 'ch');
		const a = await chdbEngine({ dir });
		try {
			expect([a.name, a.dialect.name, a.where]).toEqual(['clickhouse', 'clickhouse', `ClickHouse (chdb) in ${dir}`]);
			await copyAnalyticTables(t.store, a, { tables: ['complaints'] });
		} finally {
			await a.close();
		}
		const b = await openEngine(parseConfig({ CUREWISE_ENGINE: 'clickhouse', CUREWISE_ENGINE_URL: `chdb:${dir}` }), t.store);
		try {
			const [n] = await b.query<{ n: number }>('SELECT count() AS n FROM complaints');
			const [m] = await t.store.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM complaints');
			expect(n!.n).toBe(m!.n);
		} finally {
			await b.close();
		}
	}, 60_000);
});

describe('the ClickHouse settings', () => {
	test('clickhouse takes chdb:FOLDER or chdb:memory, and a chdb address needs clickhouse', () => {
		expect(parseConfig({ CUREWISE_ENGINE: 'clickhouse', CUREWISE_ENGINE_URL: 'chdb:memory' }).CUREWISE_ENGINE).toBe('clickhouse');
		expect(() => parseConfig({ CUREWISE_ENGINE: 'clickhouse', CUREWISE_ENGINE_URL: 'pglite:memory' })).toThrow(/CUREWISE_ENGINE_URL: chdb: addresses go with CUREWISE_ENGINE=clickhouse/);
		expect(() => parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'chdb:memory' })).toThrow(/CUREWISE_ENGINE_URL: chdb: addresses go with/);
	});
});
