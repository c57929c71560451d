import { error, redirect } from '@sveltejs/kit';
import { searchObject } from '$lib/schemas';
import { accountTimeline, customerIdSchema, TimelinePartyRedirect, timelineParamsSchema, type TimelineParams } from '$lib/server/compliance/timeline';
import { getStore } from '$lib/server/store';
import { recordTrail } from '$lib/server/trail/trail';
import { timeLimited } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import type { PageServerLoad, PageServerLoadEvent } from './$types';

/** the URL's parameters; a bad one is named and left out (the page says so) instead of failing the page */
function parseParams(url: URL): { params: TimelineParams; problems: string[] } {
	const input: Record<string, string> = searchObject(url.searchParams);
	const problems: string[] = [];
	for (let attempt = 0; attempt < 5; attempt++) {
		const r = timelineParamsSchema.safeParse(input);
		if (r.success) return { params: r.data, problems };
		for (const issue of r.error.issues) {
			const key = String(issue.path[0] ?? '');
			problems.push(`${key ? `?${key}=${input[key] ?? ''}: ` : ''}${issue.message}`);
			delete input[key];
		}
	}
	return { params: {}, problems };
}

// every query time-limited (a 503 page that says so)
export const load: PageServerLoad = async (event) => pageWork(event.setHeaders, () => timeLimited(() => timeline(event)));

async function timeline({ params, url, locals }: PageServerLoadEvent) {
	const customer = customerIdSchema.safeParse(params.customer_id);
	if (!customer.success) error(400, customer.error.issues[0]?.message ?? 'not a customer_id');
	const { params: p, problems } = parseParams(url);
	try {
		const store = await getStore();
		const view = await accountTimeline(store, customer.data, p, { role: locals.user!.role });
		// who opened a customer's timeline, before it is shown
		await recordTrail(store, { actor: locals.user!.username, role: locals.user!.role, action: 'view', target: `timeline of customer ${customer.data}`, details: p.account ? { account: p.account } : undefined });
		return { view, problems, auditAsked: p.audit !== undefined };
	} catch (e) {
		if (e instanceof TimelinePartyRedirect) {
			// a finding about a call to a third party names the third party: show the debt's owner
			const q = new URLSearchParams(url.searchParams);
			q.set('party', e.party);
			redirect(307, `/compliance/people/${encodeURIComponent(e.owner)}?${q}`);
		}
		// a TimelineError (404, 400) is the page's error through pageWork
		throw e;
	}
}
