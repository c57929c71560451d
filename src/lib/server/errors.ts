/**
 * The errors server modules throw when a request cannot be answered, with the HTTP status it
 * gets and a message in plain words that says what is wrong and what to do. Server modules know
 * nothing of SvelteKit (the architecture test checks it): a route turns these into its answer
 * through src/lib/http.server.ts (an endpoint's JSON, a page's error, a form's failure), and the
 * command line prints the same message and exits with 1 (src/cli/run.ts), so a page and a
 * command say the same thing for the same problem.
 *
 * The statuses: 400 the request is wrong, 403 not allowed, 404 no such thing, 409 in the way of
 * another, 410 gone, 413 too large, 422 a stored file or definition is invalid, 429 too many at
 * once (ask again later), 503 the server cannot answer now (busy, or stopped by a time limit),
 * 507 the server's disk is full.
 */
export type ErrorStatus = 400 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503 | 507;

export class CurewiseError extends Error {
	/** seconds after which the request may be made again (the answer's Retry-After) */
	readonly retryAfter: number | null;
	constructor(
		readonly status: ErrorStatus,
		message: string,
		opts: { retryAfter?: number; cause?: unknown } = {}
	) {
		super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
		this.name = 'CurewiseError';
		this.retryAfter = opts.retryAfter ?? null;
	}
}

/** 400: the request itself is wrong (a bad id, a bad parameter) */
export class BadRequestError extends CurewiseError {
	declare readonly status: 400;
	constructor(message: string, opts: { cause?: unknown } = {}) {
		super(400, message, opts);
		this.name = 'BadRequestError';
	}
}

/** 404: what the request names does not exist */
export class NotFoundError extends CurewiseError {
	declare readonly status: 404;
	constructor(message: string) {
		super(404, message);
		this.name = 'NotFoundError';
	}
}

/** 422: a stored file or definition the request needs is invalid (an experiment's file, say) */
export class InvalidDefinitionError extends CurewiseError {
	declare readonly status: 422;
	constructor(message: string, opts: { cause?: unknown } = {}) {
		super(422, message, opts);
		this.name = 'InvalidDefinitionError';
	}
}
