/** The findings of an audit (default: the latest finished one), filtered, paged and sorted by date; filters in the URL. */
import { auditPacks } from '$lib/server/compliance/findings/packs';
import { filterValues, findingsPage } from '$lib/server/compliance/findings/query';
import { heavyRequest } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { PageServerLoad } from './$types';

// a heavy request: time-limited, counted against the user's heavy requests, queued with the heavy work
export const load: PageServerLoad = async ({ url, locals, setHeaders }) =>
	pageWork(setHeaders, () =>
		heavyRequest(locals.user, async () => {
			const { store, parsed, audit, problems } = await findingsRequest(url);
			if (!audit) return { audit: null, filter: parsed.filter, problems, values: null, page: null, rules: [] };
			const [page, values, packs] = await Promise.all([findingsPage(store, audit.audit_id, parsed.filter), filterValues(store, audit.audit_id), auditPacks(store, audit)]);
			return {
				audit: { audit_id: audit.audit_id, started_at: audit.started_at, trigger: audit.trigger },
				filter: parsed.filter,
				problems,
				values,
				page,
				rules: packs.flatMap((p) => p.rules.map((r) => ({ pack_id: r.pack_id, rule_id: r.rule_id, title: r.title, citation: r.citation })))
			};
		})
	);
