/**
 * Imports started from the Data page: the upload is written to a temporary file, then
 * imported in the background, one at a time (the store has one writer); the page polls
 * the job for its progress.
 */
import { randomUUID } from 'node:crypto';
import type { TableName } from '../../contract.ts';
import type { Store } from '../db/store.ts';
import { fullDiskPlace, isDiskFull } from '../db/errors.ts';
import { removeTempDir } from '../tempfiles.ts';
import { withoutQueryTimeLimit } from '../db/query-limit.ts';
import { afterImport } from './after.ts';
import { warmChartCache } from '../kpi/warm.ts';
import { changedRows } from './index.ts';
import { emptyResult, importFile, type ImportOptions } from './import.ts';
import type { ImportJob, ImportProgress, ImportResult } from '../../imports.ts';
import type { LoadedMapping } from './mapping.ts';
import { importMapped } from './mapping-import.ts';

export type { ImportJob };

const g = globalThis as unknown as { __curewiseJobs?: Map<string, ImportJob>; __curewiseQueue?: Promise<unknown> };
const jobs = (g.__curewiseJobs ??= new Map());

export function startImportJob(
	store: Store,
	opts: { path: string; dir: string; fileName: string; table?: TableName; mapping?: LoadedMapping; actor?: ImportOptions['actor'] }
): ImportJob {
	const job: ImportJob = { id: randomUUID(), file: opts.fileName, state: 'queued', progress: null, result: null, results: [], mapping: opts.mapping?.name ?? null, created_at: Date.now() };
	jobs.set(job.id, job);
	// forget jobs older than a day
	for (const [id, j] of jobs) if (Date.now() - j.created_at > 86_400_000) jobs.delete(id);
	// not cut by the time limit of the request that started it (db/query-limit.ts)
	const run = () => withoutQueryTimeLimit(async () => {
		job.state = 'running';
		try {
			const base = { path: opts.path, fileName: opts.fileName, source: 'upload' as const, actor: opts.actor, onProgress: (p: ImportProgress) => (job.progress = p) };
			// the Data page's words for naming the table (never a CLI flag)
			const tableRemedy = 'choose its table under Table in the form (or, for an export laid out otherwise, a mapping under Mapping)';
			job.results = opts.mapping ? await importMapped(store, { ...base, mapping: opts.mapping }) : [await importFile(store, { ...base, table: opts.table, tableRemedy })];
			job.result = job.results.find((r) => r.status === 'rejected') ?? job.results.at(-1) ?? null;
		} catch (e) {
			job.result = {
				...emptyResult(opts.fileName, opts.table ?? null),
				error: isDiskFull(e)
					? `the import failed: the disk holding ${fullDiskPlace(e, store.path)} is full; ask an administrator to free space on it, then import the file again`
					: `the import failed: ${e instanceof Error ? e.message : String(e)}`,
				duration_ms: Date.now() - job.created_at
			};
			job.results = [job.result];
		} finally {
			job.state = 'done';
			removeTempDir(opts.dir);
		}
		// the next import waits for the KPI summary tables to be rebuilt
		if (job.results.some(changedRows)) {
			await afterImport(store, true, (m) => console.error(m));
			await warmChartCache(store, (m) => console.error(m));
		}
	});
	g.__curewiseQueue = (g.__curewiseQueue ?? Promise.resolve()).then(run);
	return job;
}

export function getJob(id: string): ImportJob | null {
	return jobs.get(id) ?? null;
}
