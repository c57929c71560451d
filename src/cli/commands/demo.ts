import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { resolveDbPath, Store } from '../../lib/server/db/store.ts';
import { generateDemoFiles } from '../../lib/server/demo/generate.ts';
import type { AuditRun } from '../../lib/server/compliance/audit.ts';
import { describeRefresh, type SummaryRefresh } from '../../lib/server/kpi/summary-tables.ts';
import { importPaths } from '../../lib/server/ingest/index.ts';
import { intArg, parse } from '../args.ts';
import { heartbeat, progressPrinter } from '../progress.ts';
import { describeResult, toJson } from './import.ts';

export const usage = `usage: curewise demo [--accounts N] [--seed S] [--db FILE] [--out DIR] [--json]

Writes a realistic set of export files (CSV) to a folder and imports them into the store
through the same importer as 'curewise import', which then builds the KPI summary tables, runs
the compliance audit and evaluates the running experiments. The same seed gives the same files.
A line of progress is printed at least every 5 seconds (on standard error).

  --accounts N  number of accounts (default 20000)
  --seed S      random seed (default 1)
  --db FILE     the store (default: $CUREWISE_DB or ./data/curewise.duckdb)
  --out DIR     where the CSV files go (default: demo-export/ beside the store)
  --json        print the import results as JSON`;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

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
	const err = process.stderr;
	const beat = heartbeat(err);
	const say = (line: string) => {
		err.write(line + '\n');
		beat.touch();
	};
	try {
		const t0 = Date.now();
		say(`generating ${values.accounts.toLocaleString('en-US')} accounts (seed ${values.seed}) into ${outDir} …`);
		beat.step('generating the export files');
		mkdirSync(outDir, { recursive: true });
		const conn = await store.connect();
		let files;
		try {
			files = await generateDemoFiles(conn, { outDir, accounts: values.accounts, seed: values.seed });
		} finally {
			conn.closeSync();
		}
		say(`generated ${files.length} files, ${files.reduce((s, f) => s + f.rows, 0).toLocaleString('en-US')} rows in ${secs(Date.now() - t0)}; importing …`);
		let left = files.length;
		let after = 0;
		const done: { summaries: SummaryRefresh | null; audit: AuditRun | null } = { summaries: null, audit: null };
		const progress = progressPrinter(err, true, () => beat.touch());
		const results = await importPaths(
			store,
			files.map((f) => f.path),
			{
				source: 'demo',
				onProgress: (p) => {
					if (p.phase !== 'done') beat.step(`importing ${p.file}: ${p.phase}`);
					progress(p);
				},
				onResult: (r) => {
					if (!values.json) process.stdout.write(describeResult(r) + '\n');
					beat.touch();
					if (--left === 0) {
						// what every import is followed by (ingest/after.ts)
						after = Date.now();
						say(`imported in ${secs(after - t0)}; building the KPI summary tables, running the compliance audit, evaluating the running experiments …`);
						beat.step('building the KPI summary tables, then the compliance audit and the experiments');
					}
				},
				onLog: say,
				onSummaries: (r) => (done.summaries = r),
				onAudit: (a) => (done.audit = a)
			}
		);
		beat.step(null);
		if (after) {
			// the three steps one after the other (ingest/after.ts); the experiments' time is what is left
			const total = Date.now() - after;
			const { summaries, audit } = done;
			if (summaries) say(describeRefresh(summaries));
			if (audit) say(`compliance audit: ${audit.findings.toLocaleString('en-US')} findings in ${audit.contacts.toLocaleString('en-US')} outbound contacts (${secs(audit.duration_ms)})`);
			say(`running experiments evaluated (${secs(Math.max(0, total - (summaries?.duration_ms ?? 0) - (audit?.duration_ms ?? 0)))}); all three in ${secs(total)}`);
		}
		if (values.json) process.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
		else process.stdout.write(`demo store ready: ${dbPath} (${files.length} files, ${secs(Date.now() - t0)})\n`);
		return results.some((r) => r.status === 'rejected') ? 1 : 0;
	} finally {
		beat.stop();
		await store.close();
	}
}
