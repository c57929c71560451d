/** The audit a findings page shows: the one asked for (?audit=N), else the latest finished one. */
import type { Store } from '../../db/store.ts';
import { CurewiseError } from '../../errors.ts';
import { getAudit, KEEP_FINDINGS_OF, lastAuditId, latestAudit, listAudits, type AuditRun } from '../audit.ts';

export type AuditInfo = AuditRun;

/** the latest audits, newest first (any status) */
export const recentAudits = (store: Store, limit = 20) => listAudits(store, limit);

/** a request the findings pages cannot answer: the status it gets and what to do, in words */
export class FindingsError extends CurewiseError {
	declare readonly status: 400 | 404 | 410;
	constructor(status: 400 | 404 | 410, message: string) {
		super(status, message);
		this.name = 'FindingsError';
	}
}

/**
 * The audit a page shows: `auditId` when given (404 when there is none, 400 when it has not
 * finished), else the latest audit whose status is 'done' (null when there is none yet).
 */
export async function pickAudit(store: Store, auditId?: number): Promise<AuditInfo | null> {
	if (auditId === undefined) return latestAudit(store);
	const audit = await getAudit(store, auditId);
	if (!audit) throw new FindingsError(404, `There is no audit ${auditId}. Leave out ?audit= to see the latest audit.`);
	if (audit.status !== 'done') throw new FindingsError(400, `Audit ${auditId} is ${audit.status}, not done: it has no complete findings. Leave out ?audit= to see the latest finished audit.`);
	const latest = (await lastAuditId(store.kysely)) || auditId;
	if (audit.findings > 0 && auditId <= latest - KEEP_FINDINGS_OF)
		throw new FindingsError(410, `The findings of audit ${auditId} are no longer kept (the store keeps those of the last ${KEEP_FINDINGS_OF} audits; it found ${audit.findings.toLocaleString('en-US')}). Run the audit again, or leave out ?audit= to see the latest.`);
	return audit;
}
