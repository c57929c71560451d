/** The heavy-query limiter: bounded, first in first out, identical requests merged, a full queue refused. */
import { describe, expect, test } from 'vitest';
import { BusyError, heavy, Limiter, queueStats } from '../../src/lib/server/queue.ts';

/** a task that finishes only when the test says so, and records when it started */
function gate<T>(started: string[], name: string, value: T) {
	let finish!: () => void;
	let fail!: (e: Error) => void;
	let calls = 0;
	const run = () => {
		calls++;
		started.push(name);
		return new Promise<T>((resolve, reject) => {
			finish = () => resolve(value);
			fail = reject;
		});
	};
	return {
		run,
		finish: () => finish(),
		fail: (e: Error) => fail(e),
		get calls() {
			return calls;
		}
	};
}

/** lets every settled promise's callbacks run */
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('the limiter', () => {
	test('never runs more than its limit at once, and starts the waiting tasks in arrival order', async () => {
		const q = new Limiter(2, 100);
		const started: string[] = [];
		let running = 0;
		let most = 0;
		const tasks = Array.from({ length: 7 }, (_, i) => gate(started, `t${i}`, i));
		const results = tasks.map((t, i) =>
			q.run(`k${i}`, async () => {
				running++;
				most = Math.max(most, running);
				try {
					return await t.run();
				} finally {
					running--;
				}
			})
		);
		await flush();
		expect(started).toEqual(['t0', 't1']);
		expect(q.stats()).toEqual({ running: 2, waiting: 5, concurrency: 2, maxWaiting: 100 });
		// finish them out of order: the free slot goes to the task that waited longest
		tasks[1]!.finish();
		await flush();
		expect(started).toEqual(['t0', 't1', 't2']);
		tasks[0]!.finish();
		await flush();
		expect(started).toEqual(['t0', 't1', 't2', 't3']);
		for (const i of [3, 2, 4, 5, 6]) {
			tasks[i]!.finish();
			await flush();
		}
		expect(started).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
		expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(most).toBe(2);
		expect(q.stats()).toMatchObject({ running: 0, waiting: 0 });
	});

	test('a call with the key of a running or waiting task gets the same result, from one run', async () => {
		const q = new Limiter(1, 100);
		const started: string[] = [];
		const a = gate(started, 'a', { rows: 1 });
		const b = gate(started, 'b', { rows: 2 });
		const a1 = q.run('a', a.run);
		const b1 = q.run('b', b.run);
		// one running, one waiting: both merge
		const a2 = q.run('a', a.run);
		const b2 = q.run('b', b.run);
		expect(a2).toBe(a1);
		expect(b2).toBe(b1);
		expect(q.stats()).toMatchObject({ running: 1, waiting: 1 });
		await flush();
		a.finish();
		await flush();
		b.finish();
		expect(await Promise.all([a1, a2, b1, b2])).toEqual([{ rows: 1 }, { rows: 1 }, { rows: 2 }, { rows: 2 }]);
		expect((await a1) === (await a2)).toBe(true);
		expect(a.calls).toBe(1);
		expect(b.calls).toBe(1);
		// once done, the same key runs again (results are not kept here)
		const a3 = q.run('a', a.run);
		expect(a3).not.toBe(a1);
		await flush();
		a.finish();
		expect(await a3).toEqual({ rows: 1 });
		expect(a.calls).toBe(2);
	});

	test('a failure reaches every merged caller and is not kept for the next call', async () => {
		const q = new Limiter(1, 100);
		const started: string[] = [];
		const t = gate(started, 'x', 'ok');
		const callers = [q.run('x', t.run), q.run('x', t.run), q.run('x', t.run)];
		await flush();
		t.fail(new Error('the query failed'));
		const outcomes = await Promise.allSettled(callers);
		expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.status))).toEqual(['the query failed', 'the query failed', 'the query failed']);
		expect(t.calls).toBe(1);
		expect(q.stats()).toMatchObject({ running: 0, waiting: 0 });
		const again = q.run('x', t.run);
		await flush();
		t.finish();
		expect(await again).toBe('ok');
		expect(t.calls).toBe(2);
	});

	test('a task that throws before returning a promise fails its callers and frees its slot', async () => {
		const q = new Limiter(1, 100);
		const bad = q.run('bad', () => {
			throw new Error('bad parameters');
		});
		const next = q.run('next', async () => 'ran');
		await expect(bad).rejects.toThrow('bad parameters');
		expect(await next).toBe('ran');
	});

	test('beyond the waiting limit a new task is refused at once with a clear message; a merged call still joins', async () => {
		const q = new Limiter(1, 2);
		const started: string[] = [];
		const tasks = Array.from({ length: 3 }, (_, i) => gate(started, `t${i}`, i));
		const accepted = tasks.map((t, i) => q.run(`k${i}`, t.run));
		expect(q.stats()).toMatchObject({ running: 1, waiting: 2 });
		const extra = gate(started, 'extra', 99);
		const refused = q.run('extra', extra.run);
		await expect(refused).rejects.toBeInstanceOf(BusyError);
		await expect(refused).rejects.toThrow('the server is busy: 2 requests are waiting; try again in a moment');
		expect(extra.calls).toBe(0);
		// the same key as a waiting task is no new work
		expect(q.run('k2', tasks[2]!.run)).toBe(accepted[2]);
		// once a slot frees, there is room again
		await flush();
		tasks[0]!.finish();
		await flush();
		const later = q.run('extra', extra.run);
		expect(q.stats()).toMatchObject({ running: 1, waiting: 2 });
		for (const t of tasks.slice(1)) {
			t.finish();
			await flush();
		}
		extra.finish();
		expect(await Promise.all([...accepted, later])).toEqual([0, 1, 2, 99]);
	});
});

describe("the server's queue", () => {
	test('is sized from CUREWISE_HEAVY_QUERIES and CUREWISE_HEAVY_QUEUE', async () => {
		process.env.CUREWISE_HEAVY_QUERIES = '3';
		process.env.CUREWISE_HEAVY_QUEUE = '50';
		try {
			const started: string[] = [];
			const tasks = Array.from({ length: 5 }, (_, i) => gate(started, `t${i}`, i));
			const results = tasks.map((t, i) => heavy(`server-${i}`, t.run));
			expect(queueStats()).toEqual({ running: 3, waiting: 2, concurrency: 3, maxWaiting: 50 });
			for (const t of tasks) {
				await flush();
				t.finish();
			}
			expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
			expect(queueStats()).toMatchObject({ running: 0, waiting: 0 });
		} finally {
			delete process.env.CUREWISE_HEAVY_QUERIES;
			delete process.env.CUREWISE_HEAVY_QUEUE;
		}
	});
});
