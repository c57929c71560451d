/**
 * What follows an import that changed rows: the KPI summary tables are rebuilt, the compliance
 * audit runs over all interactions (its findings feed the experiments' guardrail on presumed
 * violations), then the running experiments are re-evaluated (guardrail alerts, a stop on a hard-limit breach when
 * the definition says so). Each step's failure is logged and leaves the data as imported.
 */
import type { Store } from '../db/store.ts';
import { evaluateRunningExperiments } from '../experiments/guardrails/evaluate-running.ts';
import { stopExperiment } from '../experiments/lifecycle.ts';
import { refreshAfterImport, type SummaryRefresh } from '../kpi/summary-tables.ts';
import { runAudit, type AuditRun } from '../compliance/audit.ts';
import { auditWillFollow } from '../compliance/owed.ts';

export interface AfterImport {
	summaries: SummaryRefresh | null;
	/** the compliance audit that followed the import (null when it failed or nothing changed) */
	audit: AuditRun | null;
	/** new guardrail alerts */
	alerts: number;
}

export async function afterImport(store: Store, changed: boolean, log: (msg: string) => void = (m) => console.error(m)): Promise<AfterImport> {
	if (!changed) return { summaries: null, audit: null, alerts: 0 };
	// the audit the import owes follows (the compliance pages say it will run; compliance/owed.ts)
	const audited = auditWillFollow();
	let summaries: SummaryRefresh | null = null;
	let audit: AuditRun | null = null;
	try {
		summaries = await refreshAfterImport(store, true, log);
		try {
			audit = await runAudit(store, { trigger: 'import' });
			audited(null);
		} catch (e) {
			const msg = e instanceof Error ? e.message : String(e);
			audited(msg);
			log(`the compliance audit could not run: ${msg}`);
		}
	} finally {
		// (does nothing when the audit ran or failed above)
		audited('the summary tables could not be brought up to date after the import, so its audit did not run');
	}
	let alerts = 0;
	try {
		const fresh = await evaluateRunningExperiments(store, {
			stop: async (id, reason) => void (await stopExperiment(store, id, { actor: { username: 'guardrail', role: 'system' }, reason })),
			onError: (id, e) => log(`experiment ${id} could not be evaluated: ${e instanceof Error ? e.message : e}`)
		});
		alerts = fresh.length;
	} catch (e) {
		log(`the running experiments could not be evaluated: ${e instanceof Error ? e.message : e}`);
	}
	return { summaries, audit, alerts };
}
