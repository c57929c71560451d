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
import { afterImport } from './after.ts';
import { warmChartCache } from '../kpi/warm.ts';
import { changedRows } from './index.ts';
import { emptyResult, importFile, type ImportOptions, type ImportProgress, type ImportResult } from './import.ts';

export interface ImportJob {
	id: string;
	file: string;
	state: 'queued' | 'running' | 'done';
	progress: ImportProgress | null;
	result: ImportResult | null;
	created_at: number;
}

const g = globalThis as unknown as { __curewiseJobs?: Map<string, ImportJob>; __curewiseQueue?: Promise<unknown> };
const jobs = (g.__curewiseJobs ??= new Map());

export function startImportJob(
	store: Store,
	opts: { path: string; dir: string; fileName: string; table?: TableName; actor?: ImportOptions['actor'] }
): ImportJob {
	const job: ImportJob = { id: randomUUID(), file: opts.fileName, state: 'queued', progress: null, result: null, created_at: Date.now() };
	jobs.set(job.id, job);
	// forget jobs older than a day
	for (const [id, j] of jobs) if (Date.now() - j.created_at > 86_400_000) jobs.delete(id);
	const run = async () => {
		job.state = 'running';
		try {
			job.result = await importFile(store, {
				path: opts.path,
				fileName: opts.fileName,
				table: opts.table,
				source: 'upload',
				actor: opts.actor,
				onProgress: (p) => (job.progress = p)
			});
		} catch (e) {
			job.result = {
				...emptyResult(opts.fileName, opts.table ?? null),
				error: isDiskFull(e)
					? `the import failed: the disk holding ${fullDiskPlace(e, store.path)} is full; ask an administrator to free space on it, then import the file again`
					: `the import failed: ${e instanceof Error ? e.message : String(e)}`,
				duration_ms: Date.now() - job.created_at
			};
		} finally {
			job.state = 'done';
			removeTempDir(opts.dir);
		}
		// the next import waits for the KPI summary tables to be rebuilt
		if (job.result && changedRows(job.result)) {
			await afterImport(store, true, (m) => console.error(m));
			await warmChartCache(store, (m) => console.error(m));
		}
	};
	g.__curewiseQueue = (g.__curewiseQueue ?? Promise.resolve()).then(run);
	return job;
}

export function getJob(id: string): ImportJob | null {
	return jobs.get(id) ?? null;
}
