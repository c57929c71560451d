/**
 * Importing many files: folders are expanded, and files are imported in the contract's
 * table order (accounts first) so that references resolve within one run.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_NAMES, tableFromFileName, type TableName } from '../../contract.ts';
import type { Store } from '../db/store.ts';
import type { SummaryRefresh } from '../kpi/summary-tables.ts';
import { afterImport } from './after.ts';
import type { AuditRun } from '../compliance/audit.ts';
import { importFile, type ImportOptions, type ImportProgress, type ImportResult, type ImportSource } from './import.ts';
import type { LoadedMapping } from './mapping.ts';
import { importMapped } from './mapping-import.ts';

export { importFile, RejectedFile } from './import.ts';
export type { ImportOptions, ImportProgress, ImportResult, ImportSource } from './import.ts';

const IMPORTABLE = /\.(csv|txt|parquet|pq)$/i;

/** the files a list of paths names: folders give their importable files; missing paths are kept so they are reported */
export function expandPaths(paths: string[]): string[] {
	const out: string[] = [];
	for (const p of paths) {
		let isDir = false;
		try {
			isDir = statSync(p).isDirectory();
		} catch {
			/* reported by the import */
		}
		if (isDir) {
			for (const f of readdirSync(p).sort()) if (IMPORTABLE.test(f) && statSync(join(p, f)).isFile()) out.push(join(p, f));
		} else out.push(p);
	}
	return out;
}

/** sorts files so that each table comes after the tables it refers to; unknown tables last */
export function importOrder(files: string[], table?: TableName): string[] {
	const rank = (f: string) => {
		const t = table ?? tableFromFileName(f);
		return t ? TABLE_NAMES.indexOf(t) : TABLE_NAMES.length;
	};
	return files.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
}

export interface ImportManyOptions {
	table?: TableName;
	/** every file is imported through this mapping (docs/mappings.md): one result per table it makes */
	mapping?: LoadedMapping;
	source: ImportSource;
	actor?: ImportOptions['actor'];
	onProgress?: (p: ImportProgress) => void;
	onResult?: (r: ImportResult) => void;
	/** messages that are not about one file (a failed rebuild of the KPI summary tables) */
	onLog?: (msg: string) => void;
	/** how the caller's user names a file's table (ImportOptions.tableRemedy) */
	tableRemedy?: string;
	/** the rebuild of the KPI summary tables after the files (null: nothing changed, or it failed) */
	onSummaries?: (r: SummaryRefresh | null) => void;
	/** the compliance audit after the files (null: nothing changed, or it failed) */
	onAudit?: (r: AuditRun | null) => void;
}

/** whether an import changed any stored row (then the KPI summary tables are rebuilt) */
export const changedRows = (r: ImportResult) => r.rows_inserted + r.rows_updated > 0;

export async function importPaths(store: Store, paths: string[], opts: ImportManyOptions): Promise<ImportResult[]> {
	const results: ImportResult[] = [];
	for (const path of importOrder(expandPaths(paths), opts.table)) {
		const base = { path, source: opts.source, actor: opts.actor, onProgress: opts.onProgress };
		const rs = opts.mapping ? await importMapped(store, { ...base, mapping: opts.mapping, onLog: opts.onLog }) : [await importFile(store, { ...base, table: opts.table, tableRemedy: opts.tableRemedy })];
		for (const r of rs) {
			opts.onResult?.(r);
			results.push(r);
		}
	}
	// (not inside opts.onSummaries?.(…): an optional call skips evaluating its arguments)
	const after = await afterImport(store, results.some(changedRows), opts.onLog);
	opts.onSummaries?.(after.summaries);
	opts.onAudit?.(after.audit);
	return results;
}
