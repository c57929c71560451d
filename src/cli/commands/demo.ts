import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { resolveDbPath, Store } from '../../lib/server/db/store.ts';
import { runDemo } from '../../lib/server/demo/index.ts';
import { intArg, parse } from '../args.ts';
import { progressPrinter } from '../progress.ts';
import { describeResult, toJson } from './import.ts';

export const usage = `usage: curewise demo [--accounts N] [--seed S] [--db FILE] [--out DIR] [--json]

Writes a realistic set of export files (CSV) to a folder and imports them into the store
through the same importer as 'curewise import'. The same seed gives the same files.

  --accounts N  number of accounts (default 20000)
  --seed S      random seed (default 1)
  --db FILE     the store (default: $CUREWISE_DB or ./data/curewise.duckdb)
  --out DIR     where the CSV files go (default: demo-export/ beside the store)
  --json        print the import results as JSON`;

export async function run(argv: string[]): Promise<number> {
	const { values } = parse(
		argv,
		{
			accounts: { type: 'string', default: '20000' },
			seed: { type: 'string', default: '1' },
			db: { type: 'string' },
			out: { type: 'string' },
			json: { type: 'boolean', default: false }
		},
		z.object({
			accounts: intArg(10, 10_000_000),
			seed: intArg(0, 2_147_483_647),
			db: z.string().optional(),
			out: z.string().optional(),
			json: z.boolean()
		}),
		usage
	);
	const dbPath = resolveDbPath(values.db);
	const outDir = resolve(values.out ?? join(dirname(dbPath), 'demo-export'));
	const store = await Store.open({ path: dbPath });
	try {
		const t0 = Date.now();
		process.stderr.write(`generating ${values.accounts.toLocaleString('en-US')} accounts (seed ${values.seed}) into ${outDir} …\n`);
		const { files, results } = await runDemo(store, {
			accounts: values.accounts,
			seed: values.seed,
			outDir,
			onGenerated: (files, ms) =>
				process.stderr.write(`generated ${files.length} files, ${files.reduce((s, f) => s + f.rows, 0).toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(1)} s; importing …\n`),
			onProgress: progressPrinter(process.stderr, true),
			onResult: (r) => {
				if (!values.json) process.stdout.write(describeResult(r) + '\n');
			}
		});
		if (values.json) process.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
		else process.stdout.write(`demo store ready: ${dbPath} (${files.length} files, ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
		return results.some((r) => r.status === 'rejected') ? 1 : 0;
	} finally {
		await store.close();
	}
}
