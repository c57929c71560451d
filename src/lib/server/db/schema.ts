/**
 * Kysely types for the app's own tables. The data-contract tables are read through the
 * SQL files in queries/; these are the tables the product itself writes.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface SchemaMigrationsTable {
	version: number;
	name: string;
	applied_at: Timestamp;
}

export interface ImportBatchesTable {
	batch_id: number;
	file_name: string;
	table_name: string | null;
	format: string | null;
	source: string;
	file_bytes: number | null;
	started_at: Timestamp;
	finished_at: Timestamp | null;
	duration_ms: number | null;
	rows_read: Generated<number>;
	rows_inserted: Generated<number>;
	rows_updated: Generated<number>;
	rows_unchanged: Generated<number>;
	rows_quarantined: Generated<number>;
	status: 'imported' | 'rejected';
	error: string | null;
}

export interface QuarantineTable {
	batch_id: number;
	table_name: string;
	file_name: string;
	line_number: number;
	record_key: string | null;
	raw: string;
	reasons: string[];
	quarantined_at: Timestamp;
	resolved_batch_id: number | null;
}

export interface UsersTable {
	user_id: number;
	username: string;
	role: 'leadership' | 'strategist' | 'compliance' | 'admin';
	password_hash: string;
	disabled: Generated<boolean>;
	created_at: Timestamp;
	last_login_at: Timestamp | null;
}

export interface SessionsTable {
	token_hash: string;
	user_id: number;
	created_at: Timestamp;
	last_seen_at: Timestamp;
	ip: string | null;
	user_agent: string | null;
}

export interface TrailTable {
	seq: number;
	recorded_at: Timestamp;
	actor: string;
	role: string | null;
	action: string;
	target: string | null;
	details: string | null;
	ip: string | null;
	prev_hash: string;
	hash: string;
}

/** guardrail alerts (migration 4; src/lib/server/experiments/guardrails/alerts-store.ts) */
export interface ExperimentAlertsTable {
	alert_id: number;
	experiment_id: string;
	arm: string;
	metric: string;
	rule_kind: string;
	threshold: number | null;
	/** canonical JSON */
	evidence: string;
	message: string;
	fired_at: Timestamp;
	last_seen_at: Timestamp;
	acknowledged_at: Timestamp | null;
	acknowledged_by: string | null;
	ack_reason: string | null;
	stopped_experiment: Generated<boolean>;
	webhook_status: string | null;
}

/** the kept statistics of experiment analyses (migration 7; experiments/analysis/cache.ts) */
export interface ExperimentStatsTable {
	experiment_id: string;
	as_of: ColumnType<Date, Date | string, Date | string>;
	key: string;
	computed_ms: number;
	/** JSON: cells and time_cells */
	stats: string;
	saved_at: Timestamp;
}

/** policy packs, every version (migration 8; compliance/pack-store.ts) */
export interface PolicyPackVersionsTable {
	pack_id: string;
	version: number;
	title: string;
	/** the pack as written */
	yaml: string;
	/** sha256 of yaml */
	hash: string;
	source: 'file' | 'product';
	saved_at: Timestamp;
	saved_by: string | null;
	comment: string | null;
}

/** one row per compliance audit run (migration 8; compliance/audit.ts) */
export interface ComplianceAuditsTable {
	audit_id: number;
	started_at: Timestamp;
	finished_at: Timestamp | null;
	period_from: ColumnType<Date, Date | string, Date | string> | null;
	period_to: ColumnType<Date, Date | string, Date | string> | null;
	/** JSON [{"pack_id","version","hash","title"}] */
	packs: string;
	trigger: string;
	run_by: string | null;
	contacts: number | null;
	findings: number | null;
	duration_ms: number | null;
	status: 'running' | 'done' | 'failed';
}

/** what the contact index was made from, one row (migration 9; compliance/contact-index.ts) */
export interface ContactIndexStateTable {
	batch_id: number;
	interactions: number;
	max_rid: number;
	refreshed_at: Timestamp;
}

/** the audits imports owe (migration 16; compliance/owed.ts) */
export interface AuditOwedTable {
	batch_id: number;
	table_name: string;
	file_name: string;
	changed_rows: number;
	interactions: number;
	interactions_from: Timestamp | null;
	interactions_to: Timestamp | null;
	recorded_at: Timestamp;
}

/** what the KPI summary tables were built for, one row (migrations 3, 12, 13; kpi/summary-tables.ts) */
export interface KpiSummaryStateTable {
	as_of: ColumnType<Date, Date | string, Date | string>;
	batch_id: number | null;
	refreshed_at: Timestamp;
	duration_ms: number;
	layout: string | null;
	appended_rows: Generated<number | null>;
}

export interface AppDatabase {
	schema_migrations: SchemaMigrationsTable;
	import_batches: ImportBatchesTable;
	quarantine: QuarantineTable;
	users: UsersTable;
	sessions: SessionsTable;
	trail: TrailTable;
	experiment_alerts: ExperimentAlertsTable;
	experiment_stats: ExperimentStatsTable;
	policy_pack_versions: PolicyPackVersionsTable;
	compliance_audits: ComplianceAuditsTable;
	contact_index_state: ContactIndexStateTable;
	audit_owed: AuditOwedTable;
	kpi_summary_state: KpiSummaryStateTable;
}
