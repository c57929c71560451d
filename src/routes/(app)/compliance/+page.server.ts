/**
 * The compliance overview: the findings of an audit (default: the latest finished one) by rule
 * and pack over time, per 10,000 contacts, by channel, agent, template and experiment arm; the
 * pack versions used against those in force; the audit itself, and a form to run a new one.
 */
import { fail, redirect } from '@sveltejs/kit';
import { AuditInputError } from '$lib/server/compliance/audit';
import { recentAudits } from '$lib/server/compliance/findings/audits';
import { auditContactsReady } from '$lib/server/compliance/findings/cache';
import { auditPacks, packVersionsVsCurrent } from '$lib/server/compliance/findings/packs';
import { complianceOverview, filterValues } from '$lib/server/compliance/findings/query';
import { runAuditFormSchema, runAuditFromPage } from '$lib/server/compliance/findings/pages';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import { timeLimited } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

// every query time-limited (a 503 page that says so); running an audit (the action) is not
export const load: PageServerLoad = async ({ url, setHeaders }) => pageWork(setHeaders, () => timeLimited(() => compliancePage(url)));

async function compliancePage(url: URL) {
	const { store, parsed, audit, problems } = await findingsRequest(url);
	const [audits, versions] = await Promise.all([recentAudits(store, 10), packVersionsVsCurrent(store, audit)]);
	if (!audit) return { audit: null, audits, versions, filter: parsed.filter, problems, values: null, overview: null };
	const packs = await auditPacks(store, audit);
	const overview = complianceOverview(store, audit, parsed.filter, { packs });
	// counted contacts: the page waits; the first visit after an audit streams them in
	const ready = auditContactsReady(store, audit.audit_id) || !!parsed.filter.person;
	return {
		audit,
		audits,
		versions,
		filter: parsed.filter,
		problems,
		values: await filterValues(store, audit.audit_id),
		overview: ready ? await overview : overview
	};
}

export const actions: Actions = {
	run: async ({ request, locals, getClientAddress }) => {
		const form = Object.fromEntries([...(await request.formData())].filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
		const parsed = runAuditFormSchema.safeParse(form);
		if (!parsed.success) return fail(400, { message: parsed.error.issues.map((i) => `${i.path.join('.') || 'period'}: ${i.message}`).join('; '), from: form.from, to: form.to });
		let run;
		try {
			run = await runAuditFromPage(await getStore(), parsed.data, { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() });
		} catch (e) {
			if (e instanceof AuditInputError) return fail(400, { message: e.message, from: form.from, to: form.to });
			console.error('compliance audit from the page failed:', e);
			return fail(500, { message: `The audit failed: ${e instanceof Error ? e.message : String(e)}. Nothing was stored; try again, and if it fails again, an administrator can find the details in the server's log.`, from: form.from, to: form.to });
		}
		redirect(303, `/compliance?ran=${run.audit_id}`);
	}
};
