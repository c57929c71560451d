/**
 * Every query run while answering a request has a time limit (issue 17, item 2): DuckDB has no
 * statement timeout, so a statement past the limit is interrupted (src/lib/server/db/query-limit.ts).
 * Checked with real DuckDB statements that would run for hours: the limit stops them, the
 * connection answers the next statement, and work outside a request (imports, rebuilds, the CLI)
 * is never cut.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { rows } from '../../src/lib/server/db/store.ts';
import { QueryTimeoutError, queryTimeLimitMs, withoutQueryTimeLimit, withQueryTimeLimit } from '../../src/lib/server/db/query-limit.ts';
import { errorAnswer, pageWork } from '../../src/lib/http.server.ts';
import { heavy } from '../../src/lib/server/queue.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';

/** 10^18 pairs: never ends by itself */
const ENDLESS = 'SELECT count(*) AS n FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = -1';
/** 25 million pairs: a fraction of a second, far longer than 20 ms */
const SHORTISH = 'SELECT count(*) AS n FROM range(5000) a, range(5000) b WHERE a.range + b.range = -1';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
});
afterAll(() => t.close());

describe('a query past the limit', () => {
	test('is stopped with a message that says how long it ran and how to narrow it; the connection answers the next query', async () => {
		const c = await t.store.connect();
		try {
			const err = await withQueryTimeLimit(300, () => rows(c, ENDLESS)).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(QueryTimeoutError);
			expect((err as Error).message).toBe(
				'This took longer than 0.3 s, the most one query may run while the server answers a request, and was stopped. Narrow the period or add a filter, then try again.'
			);
			// the same connection, at once, inside and outside the limit
			expect(await rows(c, 'SELECT 42 AS x')).toEqual([{ x: 42 }]);
			expect(await withQueryTimeLimit(300, () => rows(c, 'SELECT 43 AS x'))).toEqual([{ x: 43 }]);
		} finally {
			c.closeSync();
		}
	});

	test('store.rows and a statement run with conn.run (a temporary table) are stopped too', async () => {
		await expect(withQueryTimeLimit(300, () => t.store.rows(ENDLESS))).rejects.toBeInstanceOf(QueryTimeoutError);
		expect(await t.store.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
		const c = await t.store.connect();
		try {
			await expect(withQueryTimeLimit(300, () => c.run(`CREATE TEMP TABLE big AS ${ENDLESS}`))).rejects.toBeInstanceOf(QueryTimeoutError);
			await c.run('CREATE TEMP TABLE small AS SELECT 1 AS one');
			expect(await rows(c, 'SELECT one FROM small')).toEqual([{ one: 1 }]);
		} finally {
			c.closeSync();
		}
	});

	test('six at once, more than Node has threads for them: each is stopped, also those that waited for a thread', async () => {
		// four of Node's threads run four statements; the others start only when one ends, after a
		// first interrupt would have passed them by
		const conns = await Promise.all(Array.from({ length: 6 }, () => t.store.connect()));
		try {
			const results = await Promise.allSettled(conns.map((c) => withQueryTimeLimit(300, () => rows(c, ENDLESS))));
			expect(results.map((r) => (r.status === 'rejected' && r.reason instanceof QueryTimeoutError ? 'stopped' : r.status))).toEqual(Array(6).fill('stopped'));
		} finally {
			for (const c of conns) c.closeSync();
		}
	}, 60_000);
});

describe('a query that waited in the queue of heavy work', () => {
	test('keeps the time limit of the request it runs for, whichever task\'s end lets it start', async () => {
		// the server's two heavy slots held by work outside any request; a request's query waits behind them
		const releases: (() => void)[] = [];
		const held = [1, 2].map((i) => heavy(`hold-${i}`, () => new Promise<void>((r) => releases.push(r))));
		const queued = withQueryTimeLimit(300, () => heavy('request', () => t.store.rows(ENDLESS))).catch((e: unknown) => e);
		for (const r of releases) r();
		await Promise.all(held);
		expect(await queued).toBeInstanceOf(QueryTimeoutError);
	}, 60_000);
});

describe('work outside a request', () => {
	test('has no limit: imports, rebuilds and the command line run to the end', async () => {
		expect(queryTimeLimitMs()).toBeNull();
		expect(await t.store.rows(SHORTISH)).toEqual([{ n: 0 }]);
		// the same statement inside a limit shorter than it takes is stopped
		await expect(withQueryTimeLimit(20, () => t.store.rows(SHORTISH))).rejects.toBeInstanceOf(QueryTimeoutError);
		// and work that must not be cut, started inside a request, runs to the end
		expect(await withQueryTimeLimit(20, () => withoutQueryTimeLimit(() => t.store.rows(SHORTISH)))).toEqual([{ n: 0 }]);
	});
});

describe('the app’s own tables', () => {
	test('a query through Kysely (users, sessions) is time-limited too', async () => {
		const { sql } = await import('kysely');
		const err = await withQueryTimeLimit(300, () => sql.raw(ENDLESS).execute(t.store.kysely)).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(QueryTimeoutError);
		expect((await t.store.kysely.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).execute()).length).toBe(1);
	});
});

describe('work a request starts that must not be cut', () => {
	test('an upload’s import job, started inside a request’s limit, imports to the end', async () => {
		const { startImportJob, getJob } = await import('../../src/lib/server/ingest/jobs.ts');
		const { makeTempDir } = await import('../../src/lib/server/tempfiles.ts');
		const { writeFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		const dir = makeTempDir('upload');
		const path = join(dir, 'accounts.csv');
		writeFileSync(path, csv([accountsHeader, ...Array.from({ length: 2000 }, (_, i) => accountRow(`QL-${i}`))]));
		// a limit no real statement fits in: the job must run outside it
		const job = await withQueryTimeLimit(1, async () => startImportJob(t.store, { path, dir, fileName: 'accounts.csv', table: 'accounts' }));
		while (getJob(job.id)?.state !== 'done') await new Promise((r) => setTimeout(r, 50));
		expect(job.result?.error ?? null).toBeNull();
		expect(await t.store.rows(`SELECT count(*) AS n FROM accounts WHERE account_id LIKE 'QL-%'`)).toEqual([{ n: 2000 }]);
		// and what follows an import (the summaries, the audit) ends before the store closes
		await (globalThis as unknown as { __curewiseQueue?: Promise<unknown> }).__curewiseQueue;
	});
});

describe('the answer', () => {
	test('an endpoint answers 503 with the message; a page shows its own 503 error', async () => {
		const answer = errorAnswer(new QueryTimeoutError(60_000))!;
		expect(answer.status).toBe(503);
		expect(((await answer.json()) as { message: string }).message).toMatch(/^This took longer than 60 s, .* Narrow the period or add a filter/);
		const err = await pageWork(
			() => {},
			() => Promise.reject(new QueryTimeoutError(60_000))
		).catch((e: unknown) => e);
		expect(isHttpError(err) && err.status).toBe(503);
		expect(isHttpError(err) && err.body.message).toMatch(/took longer than 60 s/);
	});
});
