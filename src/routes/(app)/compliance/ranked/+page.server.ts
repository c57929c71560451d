/**
 * The ranked views: the findings of an audit (default: the latest finished one) by account,
 * customer, agent, template, contact number or rule, worst first, under the findings list's
 * filters (in the URL with ?by=, ?order=, ?sort=); a bad value is a 400 that says which and why.
 */
import { pageWork } from '$lib/http.server';
import { auditPacks } from '$lib/server/compliance/findings/packs';
import { filterValues } from '$lib/server/compliance/findings/query';
import { parseRankedRequest, rankedFindingsKept } from '$lib/server/compliance/findings/ranked';
import { heavyRequest } from '$lib/server/limits';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { PageServerLoad } from './$types';

// a heavy request: time-limited, counted against the user's heavy requests, queued with the heavy
// work; a bad value (FindingsError 400) is refused before any query
export const load: PageServerLoad = async ({ url, locals, setHeaders }) =>
	pageWork(setHeaders, async () => {
		const req = parseRankedRequest(url.searchParams);
		return heavyRequest(locals.user, async () => {
			const { store, audit } = await findingsRequest(url);
			const shown = { ...req.filter, ...req.params };
			if (!audit) return { audit: null, filter: shown, values: null, view: null, rules: [] };
			const packs = await auditPacks(store, audit);
			const [view, values] = await Promise.all([rankedFindingsKept(store, audit, req.filter, req.params, packs), filterValues(store, audit.audit_id)]);
			return {
				audit: { audit_id: audit.audit_id, started_at: audit.started_at, trigger: audit.trigger },
				filter: shown,
				values,
				view,
				// the filters show the rules and packs by their titles
				rules: packs.flatMap((p) => p.rules.map((r) => ({ pack_id: r.pack_id, rule_id: r.rule_id, title: r.title, pack_title: p.title })))
			};
		});
	});
