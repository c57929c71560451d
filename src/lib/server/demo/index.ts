/** The demo: generate a realistic export in DuckDB, then import it through the importer. */
import { mkdirSync } from 'node:fs';
import type { Store } from '../db/store.ts';
import { importPaths, type ImportProgress, type ImportResult } from '../ingest/index.ts';
import { generateDemoFiles, type DemoFile } from './generate.ts';

export interface RunDemoOptions {
	accounts: number;
	seed: number;
	outDir: string;
	asOf?: string;
	onGenerated?: (files: DemoFile[], ms: number) => void;
	onProgress?: (p: ImportProgress) => void;
	onResult?: (r: ImportResult) => void;
}

export async function runDemo(store: Store, opts: RunDemoOptions): Promise<{ files: DemoFile[]; results: ImportResult[] }> {
	mkdirSync(opts.outDir, { recursive: true });
	const t0 = Date.now();
	const conn = await store.connect();
	let files: DemoFile[];
	try {
		files = await generateDemoFiles(conn, { outDir: opts.outDir, accounts: opts.accounts, seed: opts.seed, asOf: opts.asOf });
	} finally {
		conn.closeSync();
	}
	opts.onGenerated?.(files, Date.now() - t0);
	const results = await importPaths(
		store,
		files.map((f) => f.path),
		{ source: 'demo', onProgress: opts.onProgress, onResult: opts.onResult }
	);
	return { files, results };
}
