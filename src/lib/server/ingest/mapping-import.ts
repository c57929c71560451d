/**
 * Importing a file through a mapping (docs/mappings.md): the mapping turns the file into one CSV
 * file per table in the contract's columns (mapping-sql.ts), then each goes through the one
 * import path every export takes (import.ts: checks, quarantine, limits, upsert, the import
 * history and the trail), in the contract's order, accounts first. Each table is imported
 * all or nothing, as a file is; a table that is rejected stops the tables after it.
 *
 * A mapping that does not fit the file, or a file that cannot be read, imports nothing: the
 * attempt is recorded as a rejected import with the reason, as a file rejected by the importer is.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import { makeTempDir, removeTempDir } from '../tempfiles.ts';
import { emptyResult, importFile, recordRejected, type ImportOptions, type ImportProgress, type ImportResult, type ImportSource } from './import.ts';
import { MappingError, type LoadedMapping } from './mapping.ts';
import { runMapping, SourceError, type SourceFormat } from './mapping-sql.ts';

export interface MappedImportOptions {
	/** the source file on disk */
	path: string;
	/** its name as shown (an upload's original name); default: the path's base name */
	fileName?: string;
	mapping: LoadedMapping;
	source: ImportSource;
	actor?: ImportOptions['actor'];
	onProgress?: (p: ImportProgress) => void;
	/** one line on what the mapping made of the file */
	onLog?: (msg: string) => void;
}

/** the name a mapped file's tables are imported, listed and quarantined under */
export const mappedFileName = (fileName: string, mapping: string) => `${fileName} (mapping ${mapping})`;

const thousands = (n: number) => n.toLocaleString('en-US');

/** one result per table imported; a single rejected result (table null) when the mapping could not run */
export async function importMapped(store: Store, opts: MappedImportOptions): Promise<ImportResult[]> {
	const started = Date.now();
	const fileName = opts.fileName ?? basename(opts.path);
	const shown = mappedFileName(fileName, opts.mapping.name);
	opts.onProgress?.({ file: shown, phase: 'reading', percent: 0, rows: 0, rowsPerSecond: 0, elapsedMs: 0 });
	// the tables' files are customer data: a folder the sweep removes if this process is killed
	const dir = makeTempDir('upload');
	try {
		let mapped: Awaited<ReturnType<typeof runMapping>>;
		try {
			mapped = await runMapping({ path: opts.path, fileName, mapping: opts.mapping, dir });
		} catch (e) {
			const error =
				e instanceof MappingError || e instanceof SourceError
					? e.message
					: `mapping ${fileName} with ${opts.mapping.file} failed: ${e instanceof Error ? e.message : String(e)}`;
			return [await rejected(store, opts, shown, error, null, started)];
		}
		opts.onProgress?.({ file: shown, phase: 'done', percent: 100, rows: 0, rowsPerSecond: 0, elapsedMs: Date.now() - started });
		const rows = mapped.tables.map((t) => `${t.table} ${thousands(t.rows)}`).join(', ');
		opts.onLog?.(`${fileName} mapped with ${opts.mapping.file} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${rows} rows`);
		const results: ImportResult[] = [];
		for (const t of mapped.tables) {
			const r = await importFile(store, { path: t.path, fileName: shown, table: t.table, source: opts.source, actor: opts.actor, onProgress: opts.onProgress });
			results.push(r);
			// the tables after it refer to it (accounts first): they wait until it is fixed
			if (r.status === 'rejected') break;
		}
		return results;
	} finally {
		removeTempDir(dir);
	}
}

/** records the attempt as a rejected import (import history, trail) */
async function rejected(store: Store, opts: MappedImportOptions, shown: string, error: string, format: SourceFormat | null, started: number): Promise<ImportResult> {
	const result: ImportResult = { ...emptyResult(shown, null), error };
	let bytes: number | null = null;
	try {
		bytes = statSync(opts.path).size;
	} catch {
		/* no such file: said in the error */
	}
	const conn = await store.connect();
	try {
		result.batch_id = await recordRejected(conn, result, format, bytes, opts.source, started).catch(() => null);
	} finally {
		conn.closeSync();
	}
	result.duration_ms = Date.now() - started;
	await recordTrail(store, {
		actor: opts.actor?.username ?? opts.source,
		role: opts.actor?.role ?? null,
		action: 'import',
		target: shown,
		details: { batch_id: result.batch_id, table: null, status: 'rejected', error, rows_read: 0, mapping: opts.mapping.name, source: opts.source },
		ip: opts.actor?.ip ?? null
	});
	return result;
}
