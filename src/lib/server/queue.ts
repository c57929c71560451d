/**
 * A small first-in first-out limiter for heavy queries (the Overview's charts). At most
 * CUREWISE_HEAVY_QUERIES run at once, so that many users' long queries cannot take every
 * DuckDB thread and connection from the cheap pages; the rest wait in arrival order, and
 * beyond CUREWISE_HEAVY_QUEUE waiting a request is refused at once rather than left to time
 * out. A call with the same key as one running or waiting gets that one's promise: identical
 * requests that arrive together cost one query.
 *
 * Besides, each user may have at most CUREWISE_USER_HEAVY_REQUESTS heavy requests in flight
 * (running or waiting here); one more is refused at once (429), so that no one person fills the
 * queue and the others wait behind them (UserLimit, perUser).
 */
import { AsyncResource } from 'node:async_hooks';
import { z } from 'zod';
import { CurewiseError } from './errors.ts';

const envSchema = z.object({
	CUREWISE_HEAVY_QUERIES: z.coerce.number().int().min(1).max(32).default(2),
	CUREWISE_LIGHT_QUERIES: z.coerce.number().int().min(1).max(32).default(6),
	CUREWISE_HEAVY_QUEUE: z.coerce.number().int().min(0).max(100_000).default(200),
	CUREWISE_USER_HEAVY_REQUESTS: z.coerce.number().int().min(1).max(1000).default(4)
});

/** seconds after which a refused request may ask again (the Retry-After of a 429 or 503) */
export const RETRY_AFTER_S = 2;

/** too many requests already wait: the caller should answer 503 and ask to retry */
export class BusyError extends CurewiseError {
	declare readonly retryAfter: number;
	constructor(readonly waiting: number) {
		super(503, `the server is busy: ${waiting} requests are waiting; try again in a moment`, { retryAfter: RETRY_AFTER_S });
		this.name = 'BusyError';
	}
}

export interface QueueStats {
	/** tasks running now */
	running: number;
	/** tasks waiting for a slot */
	waiting: number;
	/** the most that run at once */
	concurrency: number;
	/** the most that wait before a new task is refused */
	maxWaiting: number;
}

export class Limiter {
	private running = 0;
	private readonly waiting: (() => void)[] = [];
	/** running and waiting tasks by key, for merging */
	private readonly pending = new Map<string, Promise<unknown>>();

	constructor(
		readonly concurrency: number,
		readonly maxWaiting: number
	) {}

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const same = this.pending.get(key);
		if (same) return same as Promise<T>;
		if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) return Promise.reject(new BusyError(this.waiting.length));
		const p = new Promise<T>((resolve, reject) => {
			const start = () => {
				this.running++;
				let result: Promise<T>;
				try {
					result = Promise.resolve(task());
				} catch (e) {
					result = Promise.reject(e);
				}
				// the key is released before the callers see the outcome: a failure is not kept,
				// and a caller that asks again afterwards starts a fresh run
				result.then(
					(v) => {
						this.done(key);
						resolve(v);
					},
					(e: unknown) => {
						this.done(key);
						reject(e);
					}
				);
			};
			if (this.running < this.concurrency) start();
			// a task that waits runs later in its caller's context (its request's time limit and
			// address), not in that of the task whose end starts it
			else this.waiting.push(AsyncResource.bind(start));
		});
		this.pending.set(key, p);
		return p;
	}

	stats(): QueueStats {
		return { running: this.running, waiting: this.waiting.length, concurrency: this.concurrency, maxWaiting: this.maxWaiting };
	}

	private done(key: string): void {
		this.pending.delete(key);
		this.running--;
		this.waiting.shift()?.();
	}
}

/** the user already has as many heavy requests in flight as one may: the caller answers 429 with Retry-After */
export class TooManyRequestsError extends CurewiseError {
	declare readonly retryAfter: number;
	constructor(readonly limit: number) {
		super(
			429,
			`You already have ${limit} heavy requests in progress (charts read from the raw tables, exports, findings, experiment results), ` +
				`the most one person may have at once. Wait for them to finish, then try again.`,
			{ retryAfter: RETRY_AFTER_S }
		);
		this.name = 'TooManyRequestsError';
	}
}

/** counts each user's heavy requests in flight; one beyond the limit is refused at once */
export class UserLimit {
	private readonly inFlight = new Map<string, number>();

	constructor(readonly limit: number) {}

	async run<T>(user: string, task: () => Promise<T>): Promise<T> {
		const n = this.inFlight.get(user) ?? 0;
		if (n >= this.limit) throw new TooManyRequestsError(this.limit);
		this.inFlight.set(user, n + 1);
		try {
			return await task();
		} finally {
			const left = (this.inFlight.get(user) ?? 1) - 1;
			if (left > 0) this.inFlight.set(user, left);
			else this.inFlight.delete(user);
		}
	}

	/** the user's heavy requests in flight */
	count(user: string): number {
		return this.inFlight.get(user) ?? 0;
	}
}

let shared: { heavy: Limiter; light: Limiter; perUser: UserLimit } | null = null;

/** the server's limiters, sized from the environment when first used */
function limiters(): { heavy: Limiter; light: Limiter; perUser: UserLimit } {
	if (shared) return shared;
	const r = envSchema.safeParse(process.env);
	if (!r.success) {
		throw new Error('bad configuration: ' + r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	}
	return (shared = {
		heavy: new Limiter(r.data.CUREWISE_HEAVY_QUERIES, r.data.CUREWISE_HEAVY_QUEUE),
		light: new Limiter(r.data.CUREWISE_LIGHT_QUERIES, r.data.CUREWISE_HEAVY_QUEUE),
		perUser: new UserLimit(r.data.CUREWISE_USER_HEAVY_REQUESTS)
	});
}

/** runs a user's heavy request, counted against their limit while it runs or waits (TooManyRequestsError beyond it) */
export function perUser<T>(user: string, run: () => Promise<T>): Promise<T> {
	return limiters().perUser.run(user, run);
}

/** the user's heavy requests in flight, and the most they may have */
export function userStats(user: string): { inFlight: number; limit: number } {
	const l = limiters().perUser;
	return { inFlight: l.count(user), limit: l.limit };
}

/** runs a heavy task through the server's queue; the same key while one runs or waits shares its result */
export function heavy<T>(key: string, run: () => Promise<T>): Promise<T> {
	return limiters().heavy.run(key, run);
}

/**
 * runs a light task (a chart the summary tables answer, in tens of milliseconds) through a queue
 * of its own, so that it never waits behind the heavy ones; bounded and merged the same way
 */
export function light<T>(key: string, run: () => Promise<T>): Promise<T> {
	return limiters().light.run(key, run);
}

/** the heavy queue's state (the light one's with `which`) */
export function queueStats(which: 'heavy' | 'light' = 'heavy'): QueueStats {
	return limiters()[which].stats();
}
