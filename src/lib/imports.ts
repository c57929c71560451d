/**
 * An import as the Data page shows it: its progress, its result per table, and the state of an
 * upload's import job (src/lib/server/ingest/import.ts and jobs.ts make them; the page polls the
 * job, src/lib/components/upload.svelte.ts). Shared with the browser: no server imports.
 */
import type { TableName } from './contract.ts';

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'done';

export interface ImportProgress {
	file: string;
	phase: ImportPhase;
	/** 0–100 for the whole file */
	percent: number;
	rows: number;
	rowsPerSecond: number;
	elapsedMs: number;
}

export interface ImportResult {
	batch_id: number | null;
	file: string;
	table: TableName | null;
	rows_read: number;
	rows_inserted: number;
	rows_updated: number;
	rows_unchanged: number;
	rows_quarantined: number;
	status: 'imported' | 'rejected';
	error: string | null;
	duration_ms: number;
}

export interface ImportJob {
	id: string;
	file: string;
	state: 'queued' | 'running' | 'done';
	progress: ImportProgress | null;
	/** when done: the file's result; through a mapping, the first rejected table's or else the last table's */
	result: ImportResult | null;
	/** when done: one result per table (one for a file; through a mapping, one per table it made) */
	results: ImportResult[];
	/** the mapping the file is imported through, or null */
	mapping: string | null;
	created_at: number;
}
