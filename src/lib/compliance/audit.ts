/**
 * A compliance audit's run and its findings as the pages show them: the shapes the server
 * stores and reads (src/lib/server/compliance/audit.ts) and the pages and components use.
 * Shared with the browser: no server imports.
 */

/** what an audit run did to the contact index (src/lib/server/compliance/contact-index.ts) */
export interface IndexRefresh {
	/** current: nothing to add; append: the new interactions; rebuild: every interaction again */
	mode: 'current' | 'append' | 'rebuild';
	/** rows added to the index */
	rows: number;
	/** why it was rebuilt, in words */
	reason?: string;
}

export interface AuditPackRef {
	pack_id: string;
	version: number;
	hash: string;
	title: string;
	/** the pack's rules the audit did not run because the data lacks what they need, with the reason in words */
	not_checked?: { rule_id: string; title: string; reason: string }[];
}

export interface AuditRun {
	audit_id: number;
	started_at: string;
	finished_at: string | null;
	period_from: string | null;
	period_to: string | null;
	packs: AuditPackRef[];
	trigger: string;
	run_by: string | null;
	contacts: number;
	findings: number;
	duration_ms: number;
	status: string;
	/** milliseconds per step of this run (only on the run that just finished; for the benchmark) */
	steps?: Record<string, number>;
	/** what the run did to the contact index (only on the run that just finished) */
	index?: IndexRefresh;
}

export interface AuditFinding {
	audit_id: number;
	finding_id: number;
	pack_id: string;
	pack_version: number;
	rule_id: string;
	rule_type: string;
	kind: string;
	customer_id: string;
	account_id: string | null;
	window_start: string | null;
	window_end: string | null;
	/** ISO 8601 in UTC */
	occurred_at: string;
	local_date: string;
	channel: string | null;
	interaction_ids: string[];
	detail: string;
}
