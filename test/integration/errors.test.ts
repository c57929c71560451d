/**
 * One error, the same words everywhere (issue 18 item 7): a server module throws its own typed
 * error (src/lib/server/errors.ts), and a page, an endpoint, a form and the command line each
 * answer it with its status and its message. Real modules on a real store: the findings pages'
 * pickAudit asked for an audit the store does not have, the per-user limit, the time limit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { answered, errorAnswer, formFailure, pageWork } from '../../src/lib/http.server.ts';
import { BadRequestError, CurewiseError, NotFoundError } from '../../src/lib/server/errors.ts';
import { pickAudit, FindingsError } from '../../src/lib/server/compliance/findings/audits.ts';
import { QueryTimeoutError } from '../../src/lib/server/db/query-limit.ts';
import { TooManyRequestsError, BusyError } from '../../src/lib/server/queue.ts';
import { ResultTooLargeError } from '../../src/lib/server/limits.ts';
import { runCommand } from '../../src/cli/run.ts';
import type { Io } from '../../src/cli/io.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
});
afterAll(() => t.close());

const NO_AUDIT = /^There is no audit 999\. Leave out \?audit= to see the latest audit\.$/;

function captureIo(): Io & { errText: () => string } {
	let err = '';
	return {
		out: () => {},
		err: (s) => void (err += s),
		input: () => null,
		withStore: (_o, fn) => fn(t.store),
		user: 'test',
		via: 'local',
		errText: () => err
	};
}

describe('a server module’s typed error', () => {
	test('is a CurewiseError with its status, thrown by the module without SvelteKit', async () => {
		const e = await pickAudit(t.store, 999).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(FindingsError);
		expect(e).toBeInstanceOf(CurewiseError);
		expect(isHttpError(e)).toBe(false);
		expect(e).toMatchObject({ status: 404, message: expect.stringMatching(NO_AUDIT) });
	});

	test('a page shows it as its error, with the same status and message', async () => {
		const err = await pageWork(
			() => {},
			() => pickAudit(t.store, 999)
		).catch((x: unknown) => x);
		expect(isHttpError(err) && [err.status, err.body.message]).toEqual([404, expect.stringMatching(NO_AUDIT)]);
	});

	test('an endpoint answers it as JSON with the same status and message', async () => {
		const res = await answered(async () => {
			await pickAudit(t.store, 999);
			return new Response('never');
		});
		expect(res.status).toBe(404);
		expect(((await res.json()) as { message: string }).message).toMatch(NO_AUDIT);
	});

	test('the command line prints the same message and exits with 1', async () => {
		const io = captureIo();
		const code = await runCommand('audit', { usage: 'curewise audit', run: async () => (await pickAudit(t.store, 999), 0) }, [], io);
		expect(code).toBe(1);
		expect(io.errText()).toMatch(/^curewise audit: There is no audit 999\. Leave out \?audit= to see the latest audit\.\n$/);
	});

	test('a form shows it beside the form’s data', () => {
		const f = formFailure(new BadRequestError('there is no alert 7'), { action: 'acknowledge', alert_id: 7 });
		expect(f.status).toBe(400);
		expect(f.data).toEqual({ action: 'acknowledge', alert_id: 7, message: 'there is no alert 7' });
	});
});

describe('the limits’ refusals', () => {
	test('keep their statuses and Retry-After as a page and as an endpoint', async () => {
		const cases: [CurewiseError, number, string | null][] = [
			[new TooManyRequestsError(4), 429, '2'],
			[new BusyError(9), 503, '2'],
			[new QueryTimeoutError(60_000), 503, null],
			[new ResultTooLargeError('CSV', 2_000_000, 1_000_000, 'Narrow the period.'), 400, null],
			[new NotFoundError('There is no experiment x.'), 404, null]
		];
		for (const [e, status, retry] of cases) {
			const res = errorAnswer(e)!;
			expect([res.status, res.headers.get('retry-after')], e.name).toEqual([status, retry]);
			expect(((await res.json()) as { message: string }).message).toBe(e.message);
			const headers: Record<string, string> = {};
			const err = await pageWork(
				(h) => Object.assign(headers, h),
				() => Promise.reject(e)
			).catch((x: unknown) => x);
			expect(isHttpError(err) && [err.status, err.body.message], e.name).toEqual([status, e.message]);
			expect(headers['retry-after'] ?? null).toBe(retry);
		}
	});

	test('any other error passes unchanged (a 500 the server logs)', async () => {
		const boom = new Error('boom');
		expect(errorAnswer(boom)).toBeNull();
		await expect(pageWork(() => {}, () => Promise.reject(boom))).rejects.toBe(boom);
		await expect(answered(() => Promise.reject(boom))).rejects.toBe(boom);
		expect(() => formFailure(boom, {})).toThrow(boom);
	});
});
