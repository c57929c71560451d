import { userInfo } from 'node:os';
import { z } from 'zod';
import { tableNameSchema } from '../../lib/contract.ts';
import { Store } from '../../lib/server/db/store.ts';
import { importPaths, type ImportResult } from '../../lib/server/ingest/index.ts';
import { loadMapping, mappingNames, MappingError, type LoadedMapping } from '../../lib/server/ingest/mapping.ts';
import { describeRefresh } from '../../lib/server/kpi/summary-tables.ts';
import { sweepTempDirsAndSay } from '../../lib/server/tempfiles.ts';
import { parse, UsageError } from '../args.ts';
import { progressPrinter } from '../progress.ts';

export const usage = `usage: curewise import PATH... [--db FILE] [--table NAME | --mapping NAME] [--json]

Imports export files (CSV or Parquet) or folders of them into the store. The table is taken
from --table or from the file name (interactions_2026-03.csv → interactions); a folder's
files are imported accounts first. Bad rows go to the quarantine; a file that cannot be read
as its table is rejected whole and changes nothing.

  --db FILE       the store (default: $CUREWISE_DB or ./data/curewise.duckdb)
  --table NAME    the table for every file: ${tableNameSchema.options.join(', ')}
  --mapping NAME  import every file through mappings/NAME.yaml, an export that does not follow
                  the data contract (docs/mappings.md): one result per table it makes
  --json          print one JSON object per file (an array) instead of text

Exit status: 0 every file imported (quarantined rows included), 1 a file was rejected, 2 wrong usage.`;

const fmt = new Intl.NumberFormat('en-US');

export function describeResult(r: ImportResult): string {
	if (r.status === 'rejected') return `✗ ${r.file}: rejected — ${r.error}`;
	const q = r.rows_quarantined > 0 ? `, ${fmt.format(r.rows_quarantined)} quarantined (see the Data page or the quarantine table)` : ', 0 quarantined';
	return (
		`✓ ${r.file} → ${r.table}: ${fmt.format(r.rows_read)} read, ${fmt.format(r.rows_inserted)} inserted, ` +
		`${fmt.format(r.rows_updated)} updated, ${fmt.format(r.rows_unchanged)} unchanged${q} (${(r.duration_ms / 1000).toFixed(1)} s)`
	);
}

export function toJson(r: ImportResult) {
	const { file, table, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, status, error } = r;
	return { file, table, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, status, error };
}

export async function run(argv: string[]): Promise<number> {
	const { values, positionals } = parse(
		argv,
		{ db: { type: 'string' }, table: { type: 'string' }, mapping: { type: 'string' }, json: { type: 'boolean', default: false } },
		z.object({ db: z.string().optional(), table: tableNameSchema.optional(), mapping: z.string().optional(), json: z.boolean() }),
		usage
	);
	if (positionals.length === 0) throw new UsageError(`name at least one file or folder to import\n\n${usage}`);
	if (values.table && values.mapping) throw new UsageError(`give --table or --mapping, not both: a mapping names the tables it makes\n\n${usage}`);
	let mapping: LoadedMapping | undefined;
	if (values.mapping !== undefined) {
		try {
			mapping = loadMapping(values.mapping);
		} catch (e) {
			if (!(e instanceof MappingError)) throw e;
			// an unknown name is a wrong argument; a mapping file that is not valid is its author's to fix
			if (!mappingNames().includes(values.mapping)) throw new UsageError(`--mapping: ${e.message}\n\n${usage}`);
			process.stderr.write(`the mapping cannot be used:\n${e.messages.map((m) => '  ' + m).join('\n')}\n`);
			return 1;
		}
	}
	const store = await Store.open({ path: values.db });
	// the temporary folders (customer data) left by a server or an import that was killed
	sweepTempDirsAndSay((m) => process.stderr.write(m + '\n'));
	try {
		const results = await importPaths(store, positionals, {
			table: values.table,
			mapping,
			source: 'cli',
			// the command line's words for naming the table
			tableRemedy: 'give --table NAME',
			actor: { username: `cli:${userInfo().username}`, role: null },
			onProgress: progressPrinter(process.stderr, true),
			onLog: (m) => process.stderr.write(m + '\n'),
			onResult: (r) => {
				if (!values.json) process.stdout.write(describeResult(r) + '\n');
			},
			onSummaries: (r) => {
				if (r) process.stderr.write(describeRefresh(r) + '\n');
			},
			onAudit: (a) => {
				if (a) process.stderr.write(`compliance audit ${a.audit_id}: ${a.findings.toLocaleString('en-US')} findings in ${a.contacts.toLocaleString('en-US')} outbound contacts (${(a.duration_ms / 1000).toFixed(1)} s); see curewise audit\n`);
			}
		});
		if (results.length === 0) process.stderr.write('no CSV or Parquet files found in the given folders\n');
		if (values.json) process.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
		return results.some((r) => r.status === 'rejected') ? 1 : 0;
	} finally {
		await store.close();
	}
}
