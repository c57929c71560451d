/**
 * The security headers every answer carries: pages, endpoints, redirects, error pages and the
 * static files that adapter-node serves before SvelteKit sees the request. They are set when
 * Node starts a response (its `http.server.request.start` diagnostics channel), so no answer
 * can leave without them; an answer that sets one itself keeps its own. The
 * Content-Security-Policy is SvelteKit's (svelte.config.js), with its nonces.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'x-frame-options': 'DENY',
	'referrer-policy': 'same-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
	'cross-origin-opener-policy': 'same-origin',
	'cross-origin-resource-policy': 'same-origin'
};

const g = globalThis as unknown as { __curewiseHeaders?: boolean };

/** once per process: every HTTP response this process starts gets the headers */
export function headersOnEveryResponse(): void {
	if (g.__curewiseHeaders) return;
	g.__curewiseHeaders = true;
	subscribe('http.server.request.start', (message) => {
		const { response } = message as { response: ServerResponse };
		for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.setHeader(k, v);
	});
}
