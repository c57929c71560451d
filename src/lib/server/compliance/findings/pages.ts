/** The compliance section's tabs, and running the audit from the Compliance page. */
import { z } from 'zod';
import { ACCESS, type Role } from '../../auth/roles.ts';
import { withoutQueryTimeLimit } from '../../db/query-limit.ts';
import type { Store } from '../../db/store.ts';
import { recordTrail } from '../../trail/trail.ts';
import { runAudit, type AuditRun } from '../audit.ts';
import { auditContacts } from './cache.ts';
import { isoDate } from './filters.ts';

/** the compliance section's tabs, in order */
export const COMPLIANCE_TABS = [
	{ href: '/compliance', label: 'Overview', route: '/(app)/compliance' },
	{ href: '/compliance/findings', label: 'Findings', route: '/(app)/compliance/findings' },
	{ href: '/compliance/ranked', label: 'Ranked', route: '/(app)/compliance/ranked' },
	{ href: '/compliance/report', label: 'Report', route: '/(app)/compliance/report' },
	{ href: '/compliance/packs', label: 'Policy packs', route: '/(app)/compliance/packs' },
	{ href: '/compliance/check', label: 'Message check', route: '/(app)/compliance/check' }
] as const;

/** the tabs a role may open (the access table decides) */
export const complianceTabs = (role: Role) => COMPLIANCE_TABS.filter((t) => ACCESS[t.route]?.includes(role)).map(({ href, label }) => ({ href, label }));

/** the period of a run from the overview's form (both optional) */
export const runAuditFormSchema = z
	.object({ from: isoDate('from').optional(), to: isoDate('to').optional() })
	.refine((f) => !f.from || !f.to || f.from <= f.to, { error: 'from must not be after to', path: ['from'] });

/**
 * A run of the audit asked for from the Compliance page: runs it (trigger 'manual', by the
 * user), records it in the trail, and starts counting its contacts for the pages.
 */
export async function runAuditFromPage(store: Store, period: z.infer<typeof runAuditFormSchema>, who: { username: string; role: Role; ip?: string | null }): Promise<AuditRun> {
	// the whole audit, however long its statements (not cut by the request's time limit, db/query-limit.ts)
	const run = await withoutQueryTimeLimit(() => runAudit(store, { from: period.from, to: period.to, trigger: 'manual', runBy: who.username }));
	await recordTrail(store, {
		actor: who.username,
		role: who.role,
		action: 'compliance.audit_run',
		target: `audit ${run.audit_id}`,
		details: { from: period.from ?? null, to: period.to ?? null, findings: run.findings, contacts: run.contacts, packs: run.packs.map((p) => `${p.pack_id}@${p.version}`), duration_ms: run.duration_ms },
		ip: who.ip ?? null
	});
	auditContacts(store, run).catch(() => {});
	return run;
}

/** the printed report lists at most this many findings (the CSV has them all) */
export const REPORT_MAX_ROWS = 2_000;
