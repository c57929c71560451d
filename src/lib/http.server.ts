/**
 * Where the server's own errors become SvelteKit's answers: the one module between the server
 * modules (src/lib/server/, which know nothing of SvelteKit) and the routes. A server module
 * throws a CurewiseError (src/lib/server/errors.ts: a status and a message in plain words); a
 * route runs its work through one of these and the person gets that status and that message:
 *
 * - answered(work): an endpoint's answer; a CurewiseError becomes JSON `{ message }` with its
 *   status (and Retry-After for a 429 or a busy server).
 * - pageWork(setHeaders, work): a page's load; a CurewiseError becomes the page's error with its
 *   status (Retry-After through setHeaders).
 * - formFailure(e, data): a form action's failure (the form shows the message beside its data).
 * - httpError(e): for a call outside those, e.g. `await work().catch(httpError)`.
 *
 * Any other error passes unchanged (SvelteKit answers it with a 500 and logs it). A `.server.ts`
 * module: SvelteKit keeps it out of the browser, like src/lib/server/.
 */
import { error, fail, json, type ActionFailure } from '@sveltejs/kit';
import { CurewiseError } from '$lib/server/errors';

const retryHeaders = (e: CurewiseError): Record<string, string> => (e.retryAfter === null ? {} : { 'retry-after': String(e.retryAfter) });

/** a server module's refusal as an endpoint's answer (null: not one of them) */
export function errorAnswer(e: unknown): Response | null {
	if (!(e instanceof CurewiseError)) return null;
	return json({ message: e.message }, { status: e.status, headers: retryHeaders(e) });
}

/** an endpoint's work, a CurewiseError answered with its status and message; other errors pass */
export async function answered(work: () => Promise<Response>): Promise<Response> {
	try {
		return await work();
	} catch (e) {
		const r = errorAnswer(e);
		if (r) return r;
		throw e;
	}
}

/**
 * throws a server module's refusal as SvelteKit's error with its status and message (a page shows
 * it as its error; an endpoint answers it); other errors pass
 */
export function httpError(e: unknown, setHeaders?: (h: Record<string, string>) => void): never {
	if (e instanceof CurewiseError) {
		const h = retryHeaders(e);
		if (setHeaders && Object.keys(h).length) setHeaders(h);
		error(e.status, e.message);
	}
	throw e;
}

/** a page's work, a CurewiseError shown as the page's error with the same status (and Retry-After) */
export async function pageWork<T>(setHeaders: (h: Record<string, string>) => void, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (e) {
		httpError(e, setHeaders);
	}
}

/** a form action's refusal: the status and the message, beside what the form needs to show it */
export function formFailure<D extends Record<string, unknown>>(e: unknown, data: D): ActionFailure<D & { message: string }> {
	if (e instanceof CurewiseError) return fail(e.status, { ...data, message: e.message });
	throw e;
}
