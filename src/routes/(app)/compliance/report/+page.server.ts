/** The printable audit report: summary, method, pack versions and findings, under the findings list's filters. */
import { auditPacks, packVersionsVsCurrent } from '$lib/server/compliance/findings/packs';
import { complianceOverview, findingsPage } from '$lib/server/compliance/findings/query';
import { REPORT_MAX_ROWS } from '$lib/server/compliance/findings/pages';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import { recordTrail } from '$lib/server/trail/trail';
import { heavyRequest } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import type { PageServerLoad } from './$types';

// a heavy request: time-limited, counted against the user's heavy requests, queued with the heavy work
export const load: PageServerLoad = async ({ url, locals, setHeaders }) => pageWork(setHeaders, () => heavyRequest(locals.user, () => report(url, locals)));

async function report(url: URL, locals: App.Locals) {
	const { store, parsed, audit, problems } = await findingsRequest(url);
	if (!audit) return { audit: null, filter: parsed.filter, problems, generated_at: new Date().toISOString() };
	// who opened the report (personal data of every account with a finding), before it is shown
	await recordTrail(store, { actor: locals.user!.username, role: locals.user!.role, action: 'view', target: `compliance report of audit ${audit.audit_id}`, details: { filters: url.search || null } });
	const filter = { ...parsed.filter, sort: 'asc' as const, page: 1 };
	const packs = await auditPacks(store, audit);
	const [overview, findings, versions] = await Promise.all([complianceOverview(store, audit, filter, { packs }), findingsPage(store, audit.audit_id, filter, REPORT_MAX_ROWS), packVersionsVsCurrent(store, audit)]);
	return { audit, filter: parsed.filter, problems, packs, overview, findings, versions, generated_at: new Date().toISOString() };
}
