/**
 * Every request passes here: the session is read, the route is checked against the one
 * access table (src/lib/server/auth/roles.ts), and personal pages are kept out of caches (the
 * security headers are set on every response by src/lib/server/security-headers.ts). When the
 * server starts (init), the store is opened and the Overview's chart cache starts warming in the
 * background, so that a first visitor finds it warm or warming.
 */
import { building } from '$app/environment';
import { redirect, type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import { decide, refusal } from '$lib/server/auth/roles';
import { readSession, SESSION_COOKIE } from '$lib/server/auth/sessions';
import { getStore } from '$lib/server/store';
import { startServer } from '$lib/server/startup';
import { requestContext } from '$lib/server/trail/context';
import { headersOnEveryResponse } from '$lib/server/security-headers';
import { config } from '$lib/server/config';
import { QueryTimeoutError, withQueryTimeLimit } from '$lib/server/db/query-limit';

export const init: ServerInit = async () => {
	if (building) return;
	// static files, redirects and error pages too (src/lib/server/security-headers.ts)
	headersOnEveryResponse();
	// the store, and what runs beside it (src/lib/server/startup.ts); not awaited: the server
	// listens at once
	startServer();
};

/** a request that changes something (any method but GET, HEAD and OPTIONS) must come from this site */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const handle: Handle = async ({ event, resolve }) => {
	let ip: string | null = null;
	try {
		ip = event.getClientAddress();
	} catch {
		// no address (a request made inside the server): the trail records none
	}
	// every trail record written while answering gets this request's address, and every query
	// run for it stops after CUREWISE_QUERY_TIMEOUT_S (db/query-limit.ts; work that must not be
	// cut, such as an import or an audit run it starts, runs outside the limit)
	return requestContext.run({ ip }, () => withQueryTimeLimit(config().CUREWISE_QUERY_TIMEOUT_S * 1000, async () => answer({ event, resolve })));
};

const answer: Handle = async ({ event, resolve }) => {
	// SvelteKit checks the origin of form posts only; an upload, a JSON post or a bodiless POST
	// (to /logout, say) from another site is refused here, before a session is read
	if (!SAFE_METHODS.has(event.request.method) && event.request.headers.get('origin') !== event.url.origin) {
		return new Response('Cross-site request refused: this request did not come from this site.', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	}
	const store = await getStore();
	event.locals.user = await readSession(store, event.cookies.get(SESSION_COOKIE));
	const routeId = event.route.id;
	if (routeId !== null) {
		const decision = decide(routeId, event.locals.user?.role ?? null);
		if (decision === 'sign-in') {
			const next = event.url.pathname + event.url.search;
			redirect(303, `/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`);
		}
		if (decision === 'forbidden') return forbidden(event, refusal(event.locals.user!.role));
	}
	const response = await resolve(event);
	// what a signed-in user sees (timelines, findings, the trail, …) stays out of every cache,
	// unless the answer says otherwise itself
	if (event.locals.user && !response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
	if (event.url.protocol === 'https:') response.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	return response;
};

/**
 * A signed-in person asked for something their role may not open, and nothing of the route has
 * run. A page opened in the browser is answered with the 403 page (src/routes/(app)/forbidden:
 * the message, the menu and a way back) at the address asked for, status 403; a navigation
 * inside the app (its data request) is sent to that page; an endpoint, a form action or any
 * other request gets the message in plain text.
 */
async function forbidden(event: RequestEvent, message: string): Promise<Response> {
	const query = new URLSearchParams({ from: event.url.pathname + event.url.search });
	const referer = event.request.headers.get('referer');
	if (referer && URL.canParse(referer)) {
		const back = new URL(referer);
		if (back.origin === event.url.origin) query.set('back', back.pathname + back.search);
	}
	if (event.isDataRequest) redirect(303, `/forbidden?${query}`);
	const { method, headers } = event.request;
	if ((method === 'GET' || method === 'HEAD') && (headers.get('accept') ?? '').includes('text/html')) {
		try {
			// rendered for this person (the session cookie goes along), through this hook again; its
			// scripts and styles are linked by absolute paths (svelte.config.js), so they load here too
			const page = await event.fetch(`/forbidden?${query}`, { headers: { accept: 'text/html' } });
			if (page.ok && page.headers.get('content-type')?.startsWith('text/html')) {
				const answer = new Headers(page.headers); // its Content-Security-Policy holds the page's nonce
				answer.set('cache-control', 'no-store');
				if (event.url.protocol === 'https:') answer.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
				return new Response(method === 'HEAD' ? null : page.body, { status: 403, headers: answer });
			}
			await page.body?.cancel();
		} catch (e) {
			console.error(`the 403 page could not be rendered: ${e instanceof Error ? e.message : e}`);
		}
	}
	return new Response(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

/** Errors never leak a stack trace or a path to the browser; the server log keeps them. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status !== 404) console.error(error);
	// a query stopped by the time limit says so (the heavy pages answer 503 with it themselves)
	if (error instanceof QueryTimeoutError) return { message: error.message };
	return { message: status === 404 ? 'There is no page at this address.' : message };
};
