/**
 * Bounded requests (issue 17, item 2): what the request handlers wrap their work in, and how a
 * refusal is answered.
 *
 * - timeLimited(work): every query of work is stopped after CUREWISE_QUERY_TIMEOUT_S
 *   (db/query-limit.ts); the answer is a 503 that says so and how to narrow the request.
 * - heavyRequest(user, work): a heavy request (exports, findings, the report, experiment
 *   results): time-limited, counted against the user's heavy requests in flight (a 429 with
 *   Retry-After beyond CUREWISE_USER_HEAVY_REQUESTS), and run through the server's queue of heavy
 *   work (CUREWISE_HEAVY_QUERIES at once, queue.ts), so that cheap pages always find a thread.
 * - a result larger than a page or an export may hold is refused with a 400 that names the limit
 *   (ResultTooLargeError), or cut and said so where a page shows a table (the Overview's breakdown).
 *
 * Each refusal is a CurewiseError (errors.ts) with its status and Retry-After; the routes answer
 * it through src/lib/http.server.ts (pageWork, answered), the command line prints its message.
 *
 * The Overview's charts take their per-user slot and queue inside runChartQuery (kpi/charts.ts):
 * only a chart computed from the raw tables is heavy.
 */
import { config } from './config.ts';
import { CurewiseError } from './errors.ts';
import { QueryTimeoutError, withQueryTimeLimit } from './db/query-limit.ts';
import { heavy, perUser } from './queue.ts';

export { QueryTimeoutError } from './db/query-limit.ts';
export { TooManyRequestsError } from './queue.ts';

const int = (n: number) => n.toLocaleString('en-US');

/** a request whose result would be larger than one answer may hold */
export class ResultTooLargeError extends CurewiseError {
	constructor(
		/** what would have been made, e.g. "CSV" */
		readonly what: string,
		/** rows it would hold (null: more than max, not counted) */
		readonly rows: number | null,
		readonly max: number,
		/** how to narrow the request */
		readonly narrow: string
	) {
		super(400, `This ${what} would hold ${rows === null ? `more than ${int(max)}` : int(rows)} rows; one holds at most ${int(max)}. ${narrow}`);
		this.name = 'ResultTooLargeError';
	}
}

/** the most rows one CSV export holds (CUREWISE_MAX_EXPORT_ROWS) */
export const maxExportRows = (): number => config().CUREWISE_MAX_EXPORT_ROWS;

/** runs work with each of its queries limited to CUREWISE_QUERY_TIMEOUT_S */
export function timeLimited<T>(work: () => Promise<T>): Promise<T> {
	return withQueryTimeLimit(config().CUREWISE_QUERY_TIMEOUT_S * 1000, work);
}

let seq = 0;

/**
 * Runs a heavy request for user: refused at once (TooManyRequestsError) when the user already
 * has their limit in flight; else time-limited, and run when the server's queue of heavy work
 * has room (BusyError when too many wait). `queue: false` leaves the queue out, for work that
 * queues its own queries (it must not wait for a slot it holds).
 */
export function heavyRequest<T>(user: { username: string } | null | undefined, work: () => Promise<T>, opts: { queue?: boolean } = {}): Promise<T> {
	return perUser(user?.username ?? '', () => timeLimited(() => (opts.queue === false ? work() : heavy(`request#${++seq}`, work))));
}
