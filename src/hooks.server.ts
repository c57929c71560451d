/**
 * Every request passes here: the session is read, the route is checked against the one
 * access table (src/lib/server/auth/roles.ts), and personal pages are kept out of caches (the
 * security headers are set on every response by src/lib/server/security-headers.ts). When the
 * server starts (init), the store is opened and the Overview's chart cache starts warming in the
 * background, so that a first visitor finds it warm or warming.
 */
import { building } from '$app/environment';
import { error, redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { decide } from '$lib/server/auth/roles';
import { readSession, SESSION_COOKIE } from '$lib/server/auth/sessions';
import { getStore } from '$lib/server/store';
import { requestContext } from '$lib/server/audit/context';
import { headersOnEveryResponse } from '$lib/server/security-headers';

export const init: ServerInit = async () => {
	if (building) return;
	// static files, redirects and error pages too (src/lib/server/security-headers.ts)
	headersOnEveryResponse();
	// not awaited: the server listens at once; a store that cannot be opened now (held by an
	// import in another process) is opened by the first request instead, which then says why
	void getStore().catch((e) => console.error(`the store could not be opened at start: ${e instanceof Error ? e.message : e}`));
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
	// every trail record written while answering gets this request's address
	return requestContext.run({ ip }, () => answer({ event, resolve }));
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
		if (decision === 'forbidden') {
			error(403, `Your role (${event.locals.user?.role}) cannot open this page. Ask an administrator if you need it.`);
		}
	}
	const response = await resolve(event);
	// what a signed-in user sees (timelines, findings, the trail, …) stays out of every cache,
	// unless the answer says otherwise itself
	if (event.locals.user && !response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
	if (event.url.protocol === 'https:') response.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	return response;
};

/** Errors never leak a stack trace or a path to the browser; the server log keeps them. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'There is no page at this address.' : message };
};
