/** Import history and the quarantine, read through Kysely (the app's own tables). */
import { sql } from 'kysely';
import { join } from 'node:path';
import type { Store } from '../db/store.ts';
import { lit, q } from '../ingest/checks.ts';
import { LAUNCH_SOURCE } from '../ingest/import.ts';
import { sqlNeutralised } from '../csv.ts';
import { makeTempDir, removeTempDir } from '../tempfiles.ts';

export interface BatchRow {
	batch_id: number;
	file_name: string;
	table_name: string | null;
	format: string | null;
	source: string;
	file_bytes: number | null;
	started_at: string;
	duration_ms: number | null;
	rows_read: number;
	rows_inserted: number;
	rows_updated: number;
	rows_unchanged: number;
	rows_quarantined: number;
	rows_open: number;
	status: 'imported' | 'rejected';
	error: string | null;
}

export interface QuarantineRow {
	line_number: number;
	record_key: string | null;
	raw: Record<string, string | null>;
	reasons: string[];
	resolved_batch_id: number | null;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

function toBatch(r: Record<string, unknown>): BatchRow {
	return {
		batch_id: Number(r.batch_id),
		file_name: String(r.file_name),
		table_name: (r.table_name as string | null) ?? null,
		format: (r.format as string | null) ?? null,
		source: String(r.source),
		file_bytes: num(r.file_bytes),
		started_at: iso(r.started_at),
		duration_ms: num(r.duration_ms),
		rows_read: Number(r.rows_read),
		rows_inserted: Number(r.rows_inserted),
		rows_updated: Number(r.rows_updated),
		rows_unchanged: Number(r.rows_unchanged),
		rows_quarantined: Number(r.rows_quarantined),
		rows_open: Number(r.rows_open ?? 0),
		status: r.status as BatchRow['status'],
		error: (r.error as string | null) ?? null
	};
}

const openCount = sql<number>`(SELECT count(*) FROM quarantine q WHERE q.batch_id = import_batches.batch_id AND q.resolved_batch_id IS NULL)`;

/** the import history, latest first (an experiment launch's batch is not an import: left out) */
export async function listBatches(store: Store, limit = 200): Promise<BatchRow[]> {
	const rows = await store.kysely
		.selectFrom('import_batches')
		.selectAll()
		.select(openCount.as('rows_open'))
		.where('source', '<>', LAUNCH_SOURCE)
		.orderBy('batch_id', 'desc')
		.limit(limit)
		.execute();
	return rows.map((r) => toBatch(r as unknown as Record<string, unknown>));
}

export async function getBatch(store: Store, batchId: number): Promise<BatchRow | null> {
	const r = await store.kysely
		.selectFrom('import_batches')
		.selectAll()
		.select(openCount.as('rows_open'))
		.where('batch_id', '=', batchId)
		.where('source', '<>', LAUNCH_SOURCE)
		.executeTakeFirst();
	return r ? toBatch(r as unknown as Record<string, unknown>) : null;
}

export async function quarantinedRows(store: Store, batchId: number, limit = 100_000): Promise<QuarantineRow[]> {
	const rows = await store.kysely
		.selectFrom('quarantine')
		.select(['line_number', 'record_key', 'raw', 'reasons', 'resolved_batch_id'])
		.where('batch_id', '=', batchId)
		.orderBy('line_number')
		.limit(limit)
		.execute();
	return rows.map((r) => ({
		line_number: Number(r.line_number),
		record_key: r.record_key,
		raw: (typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw) as Record<string, string | null>,
		reasons: [...(r.reasons as unknown as Iterable<string>)].map(String),
		resolved_batch_id: num(r.resolved_batch_id)
	}));
}

/**
 * The batch's quarantined rows as a CSV file in the export's own columns, plus source_line
 * and quarantine_reasons (which the importer ignores), so a user can fix them and import the
 * file again as it is. DuckDB writes the file (every row, however many); the caller streams
 * it and removes the folder.
 */
export async function quarantineCsvFile(store: Store, batchId: number): Promise<{ path: string; dir: string }> {
	const first = await store.kysely
		.selectFrom('quarantine')
		.select(sql<string>`raw::VARCHAR`.as('raw'))
		.where('batch_id', '=', batchId)
		.limit(1)
		.executeTakeFirst();
	const columns = first ? Object.keys(JSON.parse(first.raw) as Record<string, unknown>) : [];
	const dir = makeTempDir('quarantine');
	const path = join(dir, 'quarantine.csv');
	const select = sql.join([
		// formula-like texts neutralised, as in every export (src/lib/server/csv.ts)
		...columns.map((c) => sql`${sql.raw(sqlNeutralised(`raw->>${lit(c)}`))} AS ${sql.raw(q(c))}`),
		sql`line_number AS source_line`,
		sql`array_to_string(reasons, '; ') AS quarantine_reasons`
	]);
	try {
		// a COPY, which Kysely's builder has not: its statement written with Kysely's sql (the file's name as a literal)
		await sql`COPY (SELECT ${select} FROM quarantine WHERE batch_id = ${sql.lit(Number(batchId))} ORDER BY line_number) TO ${sql.lit(path)} (HEADER, DELIMITER ',', QUOTE '"', ESCAPE '"')`.execute(store.kysely);
	} catch (e) {
		removeTempDir(dir);
		throw e;
	}
	return { path, dir };
}
