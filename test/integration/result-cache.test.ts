/**
 * The Overview's result cache (src/lib/server/kpi/cache.ts) on a real store: bounded by its size
 * in bytes (the least recently used entries go first), identical requests under way computed once
 * for every endpoint the page calls (counted in DuckDB's own query log), the data's version kept in
 * memory (no query per request; an import makes the next request compute again), and Kysely's
 * pool of reused connections (sessions read right, the request's time limit still applies).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/lib/server/db/store.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { cached, cacheScope, cacheStats, clearCache, dataVersion, remember, setCacheBudget, sizeOf } from '../../src/lib/server/kpi/cache.ts';
import { runChartQuery, CHART_QUERIES, type ChartQueryName } from '../../src/lib/server/kpi/charts.ts';
import { overviewPage, overviewParams } from '../../src/lib/server/kpi/overview.ts';
import { refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { withQueryTimeLimit, QueryTimeoutError } from '../../src/lib/server/db/query-limit.ts';
import { addUser } from '../../src/lib/server/auth/users.ts';
import { createSession, readSession } from '../../src/lib/server/auth/sessions.ts';
import { GET as explain } from '../../src/routes/(app)/overview/explain/+server.ts';
import { GET as chartData } from '../../src/routes/(app)/overview/data/[query]/+server.ts';
import { warmChartCache } from '../../src/lib/server/kpi/warm.ts';
import { PRESETS, presetPeriod } from '../../src/lib/periods.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
const delinquenciesHeader = ['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'];
const pad = (k: number) => String(k).padStart(3, '0');

beforeAll(async () => {
	t = await tempStore();
	(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
	const ids = Array.from({ length: 60 }, (_, k) => `A${pad(k)}`);
	const seg = (k: number) => (k % 2 ? 'sme' : 'retail');
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, ...ids.map((id, k) => accountRow(id, { segment: seg(k) }))])), source: 'cli' });
	await importFile(t.store, {
		path: t.file('delinquencies.csv', csv([delinquenciesHeader, ...ids.map((id, k) => [`E${pad(k)}`, id, `2026-0${1 + (k % 5)}-0${1 + (k % 9)}`, 100, k % 3 ? `2026-0${2 + (k % 5)}-15` : null, null])])),
		source: 'cli'
	});
	await importFile(t.store, {
		path: t.file('interactions.csv', csv([interactionsHeader, ...ids.flatMap((id, k) => [0, 1, 2].map((j) => interactionRow(`I${pad(k)}${j}`, id, { occurred_at: `2026-0${1 + ((k + j) % 5)}-1${j}T15:00:00Z` })))])),
		source: 'cli'
	});
	await refreshSummaries(t.store);
	await t.store.rows(`CALL enable_logging('QueryLog')`);
});
afterAll(() => t.close());
afterEach(() => setCacheBudget(null));

/** the statements DuckDB ran since `from` (its query log), leaving out the data version's reads and the log's own */
async function statements(from = 0): Promise<string[]> {
	const rows = await t.store.rows<{ message: string }>(`SELECT message FROM duckdb_logs WHERE type = 'QueryLog' ORDER BY timestamp`);
	return rows
		.slice(from)
		.map((r) => r.message)
		.filter((m) => !/import_batches|duckdb_logs|^\s*SET\s/i.test(m));
}
const logLength = async () => (await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM duckdb_logs WHERE type = 'QueryLog'`))[0]!.n;

describe('bounded by bytes', () => {
	test('an estimate of sizes: numbers 8 bytes, strings 2 per character, typed arrays their length', () => {
		expect(sizeOf(new Array(1000).fill(1.5))).toBeGreaterThanOrEqual(8000);
		expect(sizeOf(new Array(1000).fill(1.5))).toBeLessThan(9000);
		expect(sizeOf('x'.repeat(10_000))).toBeGreaterThanOrEqual(20_000);
		expect(sizeOf({ a: new Float64Array(4096) })).toBeGreaterThanOrEqual(32_768);
		const shared = new Array(1000).fill('abc');
		expect(sizeOf({ a: shared, b: shared })).toBeLessThan(sizeOf({ a: shared, b: [...shared] }));
	});

	test('beyond the budget the least recently used entries go, and the cache stays within it', async () => {
		clearCache();
		setCacheBudget(100_000);
		let computed = 0;
		// about 16 KB each: six fit in 100 KB
		const get = (k: number) =>
			remember(`test|${k}`, async () => {
				computed++;
				return { xs: new Float64Array(2000), k };
			});
		for (let k = 0; k < 6; k++) await get(k);
		expect(computed).toBe(6);
		// 0 is used again: 1 is now the least recently used
		await get(0);
		expect(computed).toBe(6);
		for (let k = 6; k < 20; k++) {
			await get(k);
			expect(cacheStats().bytes).toBeLessThanOrEqual(100_000);
		}
		const s = cacheStats();
		expect(s.entries).toBeGreaterThanOrEqual(5);
		expect(s.entries).toBeLessThan(8);
		expect(s.evicted).toBeGreaterThanOrEqual(12);
		// the latest are kept; the oldest went and are computed again
		computed = 0;
		await get(19);
		await get(18);
		expect(computed).toBe(0);
		await get(1);
		expect(computed).toBe(1);
		// an entry larger than the whole budget is answered but not kept
		const big = await remember('test|big', async () => new Float64Array(20_000));
		expect(big.length).toBe(20_000);
		expect(cacheStats().bytes).toBeLessThanOrEqual(100_000);
		expect((await cacheScope(() => remember('test|big', async () => new Float64Array(1)))).cache).toBe('miss');
	});

	test('a failed computation is not kept: the next request computes again', async () => {
		clearCache();
		let n = 0;
		const failing = () => remember('test|fails', async () => (++n === 1 ? Promise.reject(new Error('stopped')) : 'fine'));
		await expect(failing()).rejects.toThrow('stopped');
		expect(await failing()).toBe('fine');
		expect(n).toBe(2);
	});
});

describe('identical requests under way are computed once', () => {
	const VIEW = { from: '2026-02-01', to: '2026-04-30', segment: 'sme' };

	test('the Overview page: two at once run the statements of one', async () => {
		// the store's overview and as-of date are read once first (kept until the data changes)
		await overviewPage(t.store, { from: '2026-01-01', to: '2026-03-31' });
		clearCache();
		let at = await logLength();
		await overviewPage(t.store, VIEW);
		const once = await statements(at);
		expect(once.some((m) => /kpi_|interactions|delinquencies/.test(m))).toBe(true);
		clearCache();
		at = await logLength();
		const [a, b] = await Promise.all([overviewPage(t.store, VIEW), overviewPage(t.store, VIEW)]);
		expect(b.overview).toBe(a.overview);
		// the open alerts and the latest audit are read for each page (not cached: closing an alert changes no data)
		const live = (m: string) => /experiment_alerts|compliance_audits/.test(m);
		expect((await statements(at)).filter((m) => !live(m)).length).toBe(once.filter((m) => !live(m)).length);
		expect((await statements(at)).filter(live).length).toBe(2 * once.filter(live).length);
		// and a third, later, runs none of the KPI statements
		at = await logLength();
		const c = await cacheScope(() => overviewPage(t.store, VIEW));
		expect(c.cache).toBe('hit');
		expect((await statements(at)).filter((m) => /kpi_|interactions|delinquencies/.test(m))).toEqual([]);
	});

	test('every chart endpoint the page calls (ten charts, the KPI trend, the breakdown): two at once run the statements of one', async () => {
		const params = { ...(await overviewParams(t.store, VIEW)).params!, dimension: 'segment', grain: 'week' };
		for (const name of Object.keys(CHART_QUERIES) as ChartQueryName[]) {
			clearCache();
			await dataVersion(t.store);
			let at = await logLength();
			await runChartQuery(t.store, name, params, { cache: true, queue: true, user: 'lee' });
			const once = await statements(at);
			expect(once.length, name).toBeGreaterThan(0);
			clearCache();
			await dataVersion(t.store);
			at = await logLength();
			const [a, b] = await Promise.all([
				runChartQuery(t.store, name, params, { cache: true, queue: true, user: 'lee' }),
				runChartQuery(t.store, name, params, { cache: true, queue: true, user: 'kim' })
			]);
			expect(b, name).toBe(a);
			expect((await statements(at)).length, name).toBe(once.length);
		}
	});

	test('What changed: two at once run the statements of one', async () => {
		const ask = () => explain({ url: new URL('http://localhost/overview/explain?kpi=cure_rate_30d&from=2026-02-01&to=2026-04-30') } as never);
		clearCache();
		await dataVersion(t.store);
		let at = await logLength();
		const first = await ask();
		expect(first.status).toBe(200);
		const once = await statements(at);
		expect(once.length).toBeGreaterThan(0);
		clearCache();
		await dataVersion(t.store);
		at = await logLength();
		const both = await Promise.all([ask(), ask()]);
		expect(both.map((r) => r.status)).toEqual([200, 200]);
		expect(await both[0]!.json()).toEqual(await both[1]!.json());
		expect((await statements(at)).length).toBe(once.length);
	});
});

test('the chart endpoint and What changed say in a header whether the answer came from the cache', async () => {
	clearCache();
	const chart = () =>
		chartData({
			url: new URL('http://localhost/overview/data/pressure?from=2026-01-05&to=2026-03-01&format=json'),
			params: { query: 'pressure' },
			request: new Request('http://localhost/overview/data/pressure?from=2026-01-05&to=2026-03-01&format=json'),
			locals: { user: { user_id: 1, username: 'lee', role: 'leadership' } }
		} as never);
	const first = await chart();
	expect([first.status, first.headers.get('x-curewise-cache')]).toEqual([200, 'miss']);
	const second = await chart();
	expect([second.status, second.headers.get('x-curewise-cache')]).toEqual([200, 'hit']);
	expect(await second.json()).toEqual(await first.json());
	const ask = () => explain({ url: new URL('http://localhost/overview/explain?kpi=cure_rate_30d&from=2026-01-05&to=2026-03-01') } as never);
	expect((await ask()).headers.get('x-curewise-cache')).toBe('miss');
	expect((await ask()).headers.get('x-curewise-cache')).toBe('hit');
});

test('warming after an import answers the default view and every period preset from the cache: page, charts, What changed', async () => {
	clearCache();
	expect(await warmChartCache(t.store)).toBeGreaterThan(0);
	const asOf = (await dataAsOf(t.store))!;
	for (const query of [{}, ...PRESETS.map((p) => ({ ...presetPeriod(p.id, asOf) }))]) {
		expect((await cacheScope(() => overviewPage(t.store, query))).cache, JSON.stringify(query)).toBe('hit');
		const params = { ...(await overviewParams(t.store, query)).params!, dimension: 'segment', grain: 'week' };
		for (const name of ['pressure', 'kpi_trend', 'cure_curves'] as const) expect((await cacheScope(() => runChartQuery(t.store, name, params, { cache: true }))).cache, name).toBe('hit');
		const search = new URLSearchParams({ ...query, kpi: 'cure_rate_30d' });
		expect((await explain({ url: new URL(`http://localhost/overview/explain?${search}`) } as never)).headers.get('x-curewise-cache'), search.toString()).toBe('hit');
	}
	// a view no one warmed is computed when asked for
	expect((await cacheScope(() => overviewPage(t.store, { from: '2026-02-03', to: '2026-03-04' }))).cache).toBe('miss');
});

describe('the data version, kept in memory', () => {
	test('read from the store at most once a second, not once per request', async () => {
		clearCache();
		const at = await logLength();
		const versions = new Set<string>();
		for (let i = 0; i < 50; i++) versions.add(await dataVersion(t.store));
		expect(versions.size).toBe(1);
		const reads = (await t.store.rows<{ message: string }>(`SELECT message FROM duckdb_logs WHERE type = 'QueryLog' ORDER BY timestamp`)).slice(at).filter((r) => /import_batches/.test(r.message));
		expect(reads.length).toBe(1);
	});

	test('an import makes the next request compute again, on the new data', async () => {
		const key = 'count of accounts';
		const count = () => cached(t.store, key, async () => (await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM accounts`))[0]!.n);
		const before = await count();
		expect(await count()).toBe(before);
		const r = await importFile(t.store, { path: t.file('more.csv', csv([accountsHeader, accountRow('NEW1'), accountRow('NEW2')])), source: 'cli', table: 'accounts' });
		expect(r.rows_inserted).toBe(2);
		// at once, not a second later
		expect(await count()).toBe(before + 2);
	});
});

describe("Kysely's pool of connections", () => {
	test('sessions are read right by reused connections, one after another and many at once', async () => {
		const u = await addUser(t.store, { username: 'pool-reader', role: 'leadership', password: 'correct horse battery' });
		const token = await createSession(t.store, u.user_id);
		const opened = t.store.kyselyConnectionsOpened;
		for (let i = 0; i < 40; i++) expect(await readSession(t.store, token)).toMatchObject({ user_id: u.user_id, username: 'pool-reader', role: 'leadership' });
		// one after another: one connection, reused
		expect(t.store.kyselyConnectionsOpened - opened).toBeLessThanOrEqual(1);
		const many = await Promise.all(Array.from({ length: 30 }, () => readSession(t.store, token)));
		for (const s of many) expect(s?.username).toBe('pool-reader');
		expect(await readSession(t.store, 'not-a-token')).toBeNull();
		const after = t.store.kyselyConnectionsOpened;
		await Promise.all(Array.from({ length: 10 }, () => readSession(t.store, token)));
		// the connections of the 30 went back to the pool: the next 10 open none
		expect(t.store.kyselyConnectionsOpened).toBe(after);
	});

	test("the request's time limit still stops a long statement on a pooled connection, which then answers again", async () => {
		const long = () => sql<{ n: number }>`SELECT count(*) AS n FROM range(100000000000) a`.execute(t.store.kysely);
		const t0 = Date.now();
		await expect(withQueryTimeLimit(300, long)).rejects.toBeInstanceOf(QueryTimeoutError);
		expect(Date.now() - t0).toBeLessThan(10_000);
		// the pool's connections still answer
		for (let i = 0; i < 20; i++) expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(t.store.kysely)).rows[0]?.one).toBe(1);
	});
});
