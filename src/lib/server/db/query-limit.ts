/**
 * The time limit of the queries run while answering a request (issue 17, item 2). DuckDB has no
 * statement timeout: a statement that runs too long is stopped with DuckDBConnection.interrupt(),
 * after which the connection answers the next statement as before.
 *
 * The limit holds for the work run inside withQueryTimeLimit (the request handlers set it through
 * src/lib/server/limits.ts): every statement a Store connection runs there (run, runAndReadAll,
 * and so Store.rows and rows()) gets its own timer. Outside it there is none: imports, summary
 * rebuilds, the chart cache's warming, audits and the command line are never cut.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CurewiseError } from '../errors.ts';

const limit = new AsyncLocalStorage<{ ms: number } | null>();

const seconds = (ms: number) => (ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 });

/** a statement ran past the limit and was stopped */
export class QueryTimeoutError extends CurewiseError {
	constructor(readonly ms: number) {
		super(
			503,
			`This took longer than ${seconds(ms)} s, the most one query may run while the server answers a request, and was stopped. ` +
				`Narrow the period or add a filter, then try again.`
		);
		this.name = 'QueryTimeoutError';
	}
}

/** runs work with every statement of a Store connection limited to `ms` milliseconds */
export function withQueryTimeLimit<T>(ms: number, work: () => Promise<T>): Promise<T> {
	return limit.run({ ms }, work);
}

/** runs work without a limit, even inside a request that has one (work that must not be cut) */
export function withoutQueryTimeLimit<T>(work: () => Promise<T>): Promise<T> {
	return limit.run(null, work);
}

/** the limit in force here, in milliseconds (null: none) */
export const queryTimeLimitMs = (): number | null => limit.getStore()?.ms ?? null;

/** how often a stopped statement is interrupted again, until it ends */
const AGAIN_MS = 100;

/**
 * Runs one statement on conn under the limit in force. When the time is up the statement is
 * interrupted, and again every 100 ms until it ends: a statement still waiting for a thread
 * of Node's pool when the first interrupt comes misses it and would otherwise run unbounded.
 */
export async function limited<T>(conn: DuckDBConnection, statement: () => Promise<T>): Promise<T> {
	const ms = queryTimeLimitMs();
	if (ms === null) return statement();
	let stopped = false;
	let again: ReturnType<typeof setInterval> | undefined;
	const timer = setTimeout(() => {
		stopped = true;
		conn.interrupt();
		again = setInterval(() => conn.interrupt(), AGAIN_MS);
	}, ms);
	try {
		return await statement();
	} catch (e) {
		if (stopped && /interrupt/i.test(e instanceof Error ? e.message : String(e))) throw new QueryTimeoutError(ms);
		throw e;
	} finally {
		clearTimeout(timer);
		clearInterval(again);
	}
}

/** the connection with its statements (run, runAndReadAll) under the limit in force when each is run */
export function limitConnection(conn: DuckDBConnection): DuckDBConnection {
	const run = conn.run.bind(conn);
	const runAndReadAll = conn.runAndReadAll.bind(conn);
	conn.run = ((...args: Parameters<typeof run>) => limited(conn, () => run(...args))) as typeof conn.run;
	conn.runAndReadAll = ((...args: Parameters<typeof runAndReadAll>) => limited(conn, () => runAndReadAll(...args))) as typeof conn.runAndReadAll;
	return conn;
}
