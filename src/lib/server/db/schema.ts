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

export interface AppDatabase {
	schema_migrations: SchemaMigrationsTable;
	import_batches: ImportBatchesTable;
	quarantine: QuarantineTable;
	users: UsersTable;
	sessions: SessionsTable;
	trail: TrailTable;
	experiment_alerts: ExperimentAlertsTable;
	experiment_stats: ExperimentStatsTable;
}
