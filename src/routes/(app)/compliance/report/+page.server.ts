/**
 * The audit report: its scope, summary, counts per pack, rule and week, the top ten accounts,
 * agents and templates, and the first findings numbered in the report's order (the PDF, the CSV
 * and the Parquet hold every one, numbered the same way), under the findings list's filters.
 */
import { packVersionsVsCurrent } from '$lib/server/compliance/findings/packs';
import { reportData } from '$lib/server/compliance/report/data';
import { PDF_DEFAULT_MAX_FINDINGS, PDF_MAX_FINDINGS, WEB_REPORT_ROWS } from '$lib/server/compliance/report/params';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import { recordTrail } from '$lib/server/trail/trail';
import { heavyRequest } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import type { PageServerLoad } from './$types';

// a heavy request: time-limited, counted against the user's heavy requests, queued with the heavy work
export const load: PageServerLoad = async ({ url, locals, setHeaders }) => pageWork(setHeaders, () => heavyRequest(locals.user, () => report(url, locals)));

async function report(url: URL, locals: App.Locals) {
	const { store, parsed, audit, problems } = await findingsRequest(url);
	const limits = { pdf_default: PDF_DEFAULT_MAX_FINDINGS, pdf_max: PDF_MAX_FINDINGS, web_rows: WEB_REPORT_ROWS };
	if (!audit) return { audit: null, filter: parsed.filter, problems, limits, generated_at: new Date().toISOString() };
	// who opened the report (personal data of every account with a finding), before it is shown
	await recordTrail(store, { actor: locals.user!.username, role: locals.user!.role, action: 'view', target: `compliance report of audit ${audit.audit_id}`, details: { filters: url.search || null } });
	const [report, versions] = await Promise.all([reportData(store, audit, parsed.filter, WEB_REPORT_ROWS), packVersionsVsCurrent(store, audit)]);
	return { audit, filter: parsed.filter, problems, limits, report, versions, generated_at: new Date().toISOString() };
}
