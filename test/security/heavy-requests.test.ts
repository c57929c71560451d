/**
 * Each user has a limit of heavy requests in flight, and cheap pages stay fast while heavy ones
 * run (issue 17, item 2). A review found that two unbounded trends at once took the server to
 * 2.5 GB and kept /login waiting 23.8 s. Heavy requests (charts read from the raw tables, exports,
 * findings, the report, experiment results) now count against their user (a 429 with Retry-After
 * beyond CUREWISE_USER_HEAVY_REQUESTS) and run through the server's queue of heavy work
 * (CUREWISE_HEAVY_QUERIES at once), so that a cheap request always finds a thread.
 *
 * The route handlers are called as the server calls them, on a real store.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { addUser } from '../../src/lib/server/auth/users.ts';
import { createSession, readSession } from '../../src/lib/server/auth/sessions.ts';
import { recordTrail } from '../../src/lib/server/trail/trail.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { heavyRequest, QueryTimeoutError } from '../../src/lib/server/limits.ts';
import { heavy, queueStats, TooManyRequestsError, UserLimit, userStats } from '../../src/lib/server/queue.ts';
import { GET as trailCsv } from '../../src/routes/(app)/trail/export.csv/+server.ts';
import { GET as chartData } from '../../src/routes/(app)/overview/data/[query]/+server.ts';
import { load as findingsPage } from '../../src/routes/(app)/compliance/findings/+page.server.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

// read when first used, in this test file's own process
process.env.CUREWISE_USER_HEAVY_REQUESTS = '2';
process.env.CUREWISE_HEAVY_QUERIES = '2';
process.env.CUREWISE_QUERY_TIMEOUT_S = '2';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
	// the server's store, as getStore() finds it
	(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
	// a little data, its summary tables not built: every chart is computed from the raw tables (heavy)
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')])), source: 'cli' });
	await importFile(t.store, { path: t.file('interactions.csv', csv([interactionsHeader, interactionRow('I1', 'A1'), interactionRow('I2', 'A2')])), source: 'cli' });
	await recordTrail(t.store, { actor: 'ann', role: 'compliance', action: 'sign_in', target: null });
});
afterAll(() => t.close());

const user = (username: string) => ({ user_id: 1, username, role: 'compliance' as const });
/** a request event as SvelteKit hands it to a route */
function event(path: string, username: string, params: Record<string, string> = {}) {
	const url = new URL('http://localhost' + path);
	const headers: Record<string, string> = {};
	return {
		url,
		params,
		request: new Request(url, { headers: { accept: 'application/json' } }),
		locals: { user: user(username) },
		getClientAddress: () => '127.0.0.1',
		setHeaders: (h: Record<string, string>) => Object.assign(headers, h),
		headers
	} as never as { headers: Record<string, string> } & Parameters<typeof trailCsv>[0] & Parameters<typeof findingsPage>[0] & Parameters<typeof chartData>[0];
}

/** holds both of the server's slots for heavy work until release() */
function holdHeavyQueue() {
	const releases: (() => void)[] = [];
	const held = [1, 2].map((i) => heavy(`test-hold-${i}`, () => new Promise<void>((r) => releases.push(r))));
	return async () => {
		for (const r of releases) r();
		await Promise.all(held);
	};
}


describe('the limit per user', () => {
	test('counts what is in flight, refuses one more at once, per user, and forgets what ended (also a failure)', async () => {
		const l = new UserLimit(2);
		const ends: (() => void)[] = [];
		const task = () => new Promise<string>((r) => ends.push(() => r('done')));
		const a1 = l.run('ann', task);
		const a2 = l.run('ann', () => Promise.reject(new Error('boom')));
		await expect(a2).rejects.toThrow('boom');
		const a3 = l.run('ann', task);
		await expect(l.run('ann', task)).rejects.toBeInstanceOf(TooManyRequestsError);
		const b1 = l.run('bob', task);
		expect([l.count('ann'), l.count('bob')]).toEqual([2, 1]);
		ends[0]!();
		await a1;
		const a4 = l.run('ann', task);
		for (const end of ends.slice(1)) end();
		await Promise.all([a3, b1, a4]);
		expect([l.count('ann'), l.count('bob')]).toEqual([0, 0]);
	});

	test('an export beyond the limit gets 429 with a message and Retry-After; another user is served', async () => {
		const release = holdHeavyQueue();
		// two exports of ann's wait for the server's heavy slots
		const first = [trailCsv(event('/trail/export.csv', 'ann')), trailCsv(event('/trail/export.csv?action=sign_in', 'ann'))];
		await expect.poll(() => userStats('ann').inFlight, { timeout: 60_000 }).toBe(2);
		const third = await trailCsv(event('/trail/export.csv', 'ann'));
		expect(third.status).toBe(429);
		expect(third.headers.get('retry-after')).toBe('2');
		expect(((await third.json()) as { message: string }).message).toBe(
			'You already have 2 heavy requests in progress (charts read from the raw tables, exports, findings, experiment results), the most one person may have at once. Wait for them to finish, then try again.'
		);
		// a page is refused the same way, as the page's own error
		const e = event('/compliance/findings', 'ann');
		const page = await Promise.resolve(findingsPage(e)).catch((x: unknown) => x);
		expect(isHttpError(page) && page.status).toBe(429);
		expect(e.headers['retry-after']).toBe('2');
		// bob's export waits its turn
		const bob = trailCsv(event('/trail/export.csv', 'bob'));
		await release();
		expect((await Promise.all([...first, bob])).map((r) => r.status)).toEqual([200, 200, 200]);
	});

	test('a chart computed from the raw tables counts; beyond the limit it gets 429', async () => {
		const release = holdHeavyQueue();
		const charts = ['pressure', 'digital_engagement'].map((q) => chartData(event(`/overview/data/${q}?format=json`, 'cy', { query: q })));
		// both in flight for cy (on a busy machine their checks before the count take a while)
		await expect.poll(() => userStats('cy').inFlight, { timeout: 60_000 }).toBe(2);
		const third = await chartData(event('/overview/data/roll_rate?format=json', 'cy', { query: 'roll_rate' }));
		expect(third.status).toBe(429);
		expect(third.headers.get('retry-after')).toBe('2');
		await release();
		expect((await Promise.all(charts)).map((r) => r.status)).toEqual([200, 200]);
	});
});

describe('cheap requests while heavy ones run', () => {
	test('a sign-in check and a short query are answered while six heavy requests, which DuckDB would run for hours, are in flight', async () => {
		const u = await addUser(t.store, { username: 'dora', role: 'strategist', password: 'correct horse battery' });
		const token = await createSession(t.store, u.user_id);
		// six users' heavy requests, more than Node has threads for DuckDB (four unless
		// UV_THREADPOOL_SIZE says otherwise): each ends only at the time limit (2 s)
		const ENDLESS = 'SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = -1';
		let settled = 0;
		const heavyOnes = Array.from({ length: 6 }, (_, i) =>
			heavyRequest({ username: `user${i}` }, () => t.store.rows(ENDLESS)).finally(() => {
				settled++;
			})
		);
		await expect.poll(() => queueStats('heavy').waiting, { timeout: 60_000 }).toBe(4);
		expect(queueStats('heavy')).toMatchObject({ running: 2, waiting: 4 });
		// what every request does first (the session), and a page's short query
		const session = await readSession(t.store, token);
		const [row] = await t.store.rows<{ one: number }>('SELECT 1 AS one');
		expect(session?.username).toBe('dora');
		expect(row?.one).toBe(1);
		// answered while every heavy request was still in flight
		expect(settled).toBe(0);
		const outcomes = await Promise.allSettled(heavyOnes);
		expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof QueryTimeoutError)).toBe(true);
	}, 60_000);
});
