/**
 * Imports one export file into its table, all or nothing:
 *
 *   read (all text, inside DuckDB) → type and check in SQL → quarantine bad rows
 *   → upsert good rows by primary key → record the batch → COMMIT
 *
 * Everything between BEGIN and COMMIT happens in one DuckDB transaction, so a failure or
 * a killed process leaves the store as it was. A file that cannot be read as the table is
 * rejected whole; the attempt is then recorded as a rejected batch.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ANNOTATION_COLUMNS, tableDef, tableFromFileName, type TableDef, type TableName } from '../../contract.ts';
import { recordTrail } from '../trail/trail.ts';
import { sql } from 'kysely';
import { kyselyOn, rows, type Store } from '../db/store.ts';
import { replacedRowColumns } from '../kpi/summary-tables.ts';
import { recordOwedAudit } from '../compliance/owed.ts';
import { recordZoneChanges } from '../compliance/zone-history.ts';
import { fullDiskPlace, isDiskFull } from '../db/errors.ts';
import { anyBroken, checkPlan, enumRawKept, lengthCheck, lit, passThrough, q, quarantinedRaw, reasonList, stagedRaw, storedRaw, typedExpr } from './checks.ts';
import { MAX_COLUMNS, MAX_EXTRA_VALUE_CHARS, MAX_LINE_BYTES, MAX_VALUE_CHARS, maxChars } from './limits.ts';
import type { ImportPhase, ImportProgress, ImportResult } from '../../imports.ts';

export type ImportSource = 'cli' | 'upload' | 'demo';
/**
 * The source of the batch an experiment launch writes its assignments under
 * (experiments/lifecycle.ts): a batch for the summary tables' and caches' bookkeeping, not an
 * import, so the import history and the "last import" leave it out.
 */
export const LAUNCH_SOURCE = 'launch';
// an import's progress and result: shapes shared with the Data page (src/lib/imports.ts)
export type { ImportPhase, ImportProgress, ImportResult };

export interface ImportOptions {
	/** the file on disk */
	path: string;
	/** the name shown and recorded (an upload's original name); default: the path's base name */
	fileName?: string;
	table?: TableName;
	source: ImportSource;
	/** who imports, for the trail (default: the source, e.g. cli) */
	actor?: { username: string; role: string | null; ip?: string | null };
	onProgress?: (p: ImportProgress) => void;
	/**
	 * how the caller's user names a file's table, for the message of a file whose name does not
	 * say it (the CLI: "give --table NAME"; the Data page: "choose its table in the form"); the
	 * shared wording names no flag and no form
	 */
	tableRemedy?: string;
}

/** a file that cannot be read as the table at all */
export class RejectedFile extends Error {}

type Format = 'csv' | 'parquet';

const colDef = (def: TableDef, name: string) => {
	const c = def.columns.find((x) => x.name === name);
	if (!c) throw new Error(`${def.name} has no column ${name}`);
	return c;
};

/** the first `bytes` bytes of a file (fewer when it is shorter) */
export function fileHead(path: string, bytes: number): Buffer {
	const fd = openSync(path, 'r');
	try {
		const head = Buffer.alloc(bytes);
		return head.subarray(0, readSync(fd, head, 0, head.length, 0));
	} finally {
		closeSync(fd);
	}
}

function detectFormat(path: string, fileName: string): Format {
	const ext = extname(path).toLowerCase();
	const start = fileHead(path, 8192);
	if (ext === '.parquet' || ext === '.pq' || start.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
	if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) {
		throw new RejectedFile(`${fileName} is UTF-16 encoded; export it as UTF-8 CSV`);
	}
	if (start.includes(0)) throw new RejectedFile(`${fileName} is not a CSV file: it holds binary data; export it as UTF-8 CSV or Parquet`);
	return 'csv';
}

const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * The columns of a CSV file's header, counted in its first MAX_LINE_BYTES bytes before DuckDB
 * reads the file (commas outside quotes, up to the first line end outside quotes); complete is
 * false when the header line does not end there.
 */
export function headerWidth(path: string): { columns: number; complete: boolean } {
	const fd = openSync(path, 'r');
	try {
		const chunk = Buffer.alloc(65536);
		let columns = 1;
		let quoted = false;
		let read = 0;
		while (read < MAX_LINE_BYTES) {
			const n = readSync(fd, chunk, 0, Math.min(chunk.length, MAX_LINE_BYTES - read), read);
			if (n === 0) return { columns, complete: true };
			for (let i = 0; i < n; i++) {
				const b = chunk[i];
				if (b === 0x22) quoted = !quoted;
				else if (!quoted) {
					if (b === 0x2c) columns++;
					else if (b === 0x0a || b === 0x0d) return { columns, complete: true };
				}
			}
			read += n;
		}
		return { columns, complete: false };
	} finally {
		closeSync(fd);
	}
}

/**
 * The line on which the first row longer than MAX_LINE_BYTES starts (newlines inside quotes
 * belong to the row), or null: DuckDB's own message names the wrong line
 */
function longRowLine(path: string): number | null {
	const fd = openSync(path, 'r');
	try {
		const chunk = Buffer.alloc(1 << 20);
		let line = 1;
		let rowStart = 1;
		let rowBytes = 0;
		let quoted = false;
		for (let pos = 0; ; ) {
			const n = readSync(fd, chunk, 0, chunk.length, pos);
			if (n === 0) return null;
			for (let i = 0; i < n; i++) {
				const b = chunk[i];
				rowBytes++;
				if (b === 0x22) quoted = !quoted;
				else if (b === 0x0a) {
					line++;
					if (!quoted) {
						rowStart = line;
						rowBytes = 0;
					}
				}
				if (rowBytes > MAX_LINE_BYTES) return rowStart;
			}
			pos += n;
		}
	} finally {
		closeSync(fd);
	}
}

/** refuses a CSV file whose header is wider than MAX_COLUMNS, or longer than a line may be, before DuckDB reads it */
function checkHeaderWidth(path: string, fileName: string): void {
	const { columns, complete } = headerWidth(path);
	if (complete && columns <= MAX_COLUMNS) return;
	const limit = `the limit is ${MAX_COLUMNS} (the table's columns and extra ones together)`;
	if (complete) throw new RejectedFile(`${fileName} has ${thousands(columns)} columns in its header; ${limit}`);
	if (columns > MAX_COLUMNS) {
		throw new RejectedFile(`${fileName} has more than ${thousands(columns)} columns in its header (its first line is longer than ${thousands(MAX_LINE_BYTES)} bytes); ${limit}`);
	}
	throw new RejectedFile(
		`${fileName}: its header line is longer than ${thousands(MAX_LINE_BYTES)} bytes; a column's name is at most ${thousands(MAX_VALUE_CHARS)} characters, and a file has at most ${MAX_COLUMNS} columns`
	);
}

/** about how many rows a CSV file holds, from the length of its first lines (for progress only) */
function estimateRows(path: string, bytes: number): number {
	const buf = fileHead(path, Math.min(65536, bytes));
	let lines = 0;
	for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
	return lines > 1 ? Math.max(0, Math.round(bytes / (buf.length / lines)) - 1) : 0;
}

function reader(format: Format, header = true): string {
	return format === 'parquet'
		? `read_parquet($path)`
		: // the dialect is the contract's; nothing is skipped (no comment lines, no preamble)
			`read_csv($path, header = ${header}, all_varchar = true, delim = ',', quote = '"', escape = '"', comment = '', skip = 0, auto_detect = true, sample_size = 20480)`;
}

/** DuckDB's error, said for a person (storePath: to tell the store's disk from the temporary folder's) */
function readError(e: unknown, fileName: string, storePath?: string, path?: string): string {
	const msg = e instanceof Error ? e.message : String(e);
	// a full disk is not a fault of the file (it was once said to be "cannot be read as CSV")
	if (isDiskFull(e)) return `importing ${fileName} failed: the disk holding ${fullDiskPlace(e, storePath)} is full; free space on it, then import the file again`;
	if (/^(Binder|Catalog|Parser|Internal|INTERNAL) Error/.test(msg)) return `importing ${fileName} failed: ${msg.split('\n')[0]}`;
	if (/^Out of Memory/i.test(msg)) return `importing ${fileName} ran out of memory: ${msg.split('\n')[0]} (raise CUREWISE_MEMORY_LIMIT)`;
	const line = /Line:? (\d+)/i.exec(msg)?.[1];
	const where = line ? ` (line ${line})` : '';

	if (/Maximum line size of (\d+) bytes exceeded/.test(msg)) {
		const long = path ? longRowLine(path) : null;
		return (
			`${fileName} has a row${long ? ` (line ${long})` : ''} longer than ${thousands(MAX_LINE_BYTES)} bytes, more than any row can hold: ` +
			`a value is at most ${thousands(MAX_VALUE_CHARS)} characters (${thousands(MAX_EXTRA_VALUE_CHARS)} in an extra column)`
		);
	}
	if (/Expected Number of Columns: (\d+) Found: (\d+)/.test(msg)) {
		const [, exp, found] = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg)!;
		return `${fileName} is not a well-formed CSV file: a row${where} has ${found} fields where the header has ${exp}`;
	}
	if (/invalid unicode|not utf-8 encoded/i.test(msg)) return `${fileName} is not UTF-8 encoded text${where}; export it as UTF-8 CSV`;
	if (/sniffing|dialect/i.test(msg)) return `${fileName} is not a well-formed CSV file: its rows do not all have as many fields as the header, or a quote is never closed`;
	if (/unterminated quote|quote/i.test(msg)) return `${fileName} is not a well-formed CSV file: a quoted value is never closed${where}`;
	if (/parquet|magic/i.test(msg)) return `${fileName} is not a readable Parquet file`;
	const first = msg.split('\n')[0];
	return `${fileName} cannot be read as CSV${where}: ${first}`;
}

interface Header {
	/** lower-cased contract column → name in the file */
	contract: Map<string, string>;
	/** extra columns (file name) kept in `extra` */
	extra: string[];
}

async function readHeader(conn: DuckDBConnection, path: string, format: Format, table: TableDef, fileName: string): Promise<Header> {
	let cols: { column_name: string }[];
	try {
		cols = await rows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM ${reader(format)}`, { path });
	} catch (e) {
		throw new RejectedFile(readError(e, fileName, undefined, path));
	}
	// a Parquet file's columns are known only now (a CSV file's were counted before DuckDB read it)
	if (cols.length > MAX_COLUMNS) {
		throw new RejectedFile(`${fileName} has ${thousands(cols.length)} columns; the limit is ${MAX_COLUMNS} (the table's columns and extra ones together)`);
	}
	// the header as written (DuckDB renames a repeated name, so read it as a plain row)
	let written = cols.map((c) => c.column_name);
	if (format === 'csv') {
		try {
			const first = await conn.runAndReadAll(`SELECT * FROM ${reader(format, false)} LIMIT 1`, { path });
			const row = first.getRowsJS()[0];
			if (row && row.length === cols.length) written = row.map((v) => String(v ?? ''));
		} catch {
			/* the DESCRIBE names will do */
		}
	}
	const contractNames = new Set(table.columns.map((c) => c.name));
	const contract = new Map<string, string>();
	const extra: string[] = [];
	const seen = new Map<string, string>();
	for (const [i, { column_name }] of cols.entries()) {
		const norm = (written[i] ?? column_name).replace(/^\uFEFF/, '').trim().toLowerCase();
		if (norm.length > MAX_VALUE_CHARS) {
			throw new RejectedFile(`${fileName}: the name of column ${i + 1} in the header is ${thousands(norm.length)} characters long; the limit is ${thousands(MAX_VALUE_CHARS)}`);
		}
		if (seen.has(norm)) throw new RejectedFile(`${fileName}: column ${norm} appears twice in the header ("${seen.get(norm)}" and "${written[i]}")`);
		seen.set(norm, written[i] ?? column_name);
		if (contractNames.has(norm)) contract.set(norm, column_name);
		else if (!(ANNOTATION_COLUMNS as readonly string[]).includes(norm)) extra.push(column_name);
	}
	const missing = table.columns.filter((c) => c.required && !contract.has(c.name)).map((c) => c.name);
	if (missing.length) {
		const has = cols.map((c) => c.column_name).slice(0, 12).join(', ');
		const sep = cols.length === 1 ? [';', '\t', '|'].find((d) => cols[0]!.column_name.includes(d)) : undefined;
		const hint = sep ? `; the file seems to be separated by ${sep === '\t' ? 'tabs' : `"${sep}"`}, but exports are comma-separated` : '';
		throw new RejectedFile(
			`${fileName} cannot be read as ${table.name}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has: ${has || 'nothing'})${hint}`
		);
	}
	return { contract, extra };
}

/** Runs a statement while reporting DuckDB's own progress. */
async function runWithProgress(conn: DuckDBConnection, stmt: string, params: Record<string, DuckDBValue>, tick: (pct: number) => void) {
	const timer = setInterval(() => {
		try {
			const p = conn.progress;
			if (p.percentage >= 0) tick(p.percentage);
		} catch {
			/* progress is best effort */
		}
	}, 200);
	try {
		await conn.run(stmt, params);
	} finally {
		clearInterval(timer);
	}
}

/** CUREWISE_IMPORT_TIMINGS=1 prints how long each step took (for tuning; see npm run bench) */
function stepTimer() {
	const on = process.env.CUREWISE_IMPORT_TIMINGS === '1';
	let t = Date.now();
	return (label: string) => {
		if (on) process.stderr.write(`  ${label}: ${Date.now() - t} ms\n`);
		t = Date.now();
	};
}

/** for tests of atomicity: CUREWISE_TEST_HOLD_BEFORE_COMMIT=1 parks the import just before COMMIT */
async function testHold(): Promise<void> {
	if (process.env.CUREWISE_TEST_HOLD_BEFORE_COMMIT !== '1') return;
	process.stderr.write('CUREWISE_TEST_HOLDING\n');
	await new Promise((r) => setTimeout(r, 120_000));
}

/**
 * for tests of the audit an import owes (compliance/owed.ts): CUREWISE_TEST_HOLD_AFTER_COMMIT=1
 * parks the import just after its COMMIT, before anything that follows it (the trail record,
 * the summaries, the audit), and says so on stderr, so that a test can kill it there
 */
async function testHoldAfterCommit(): Promise<void> {
	if (process.env.CUREWISE_TEST_HOLD_AFTER_COMMIT !== '1') return;
	process.stderr.write('CUREWISE_TEST_COMMITTED\n');
	await new Promise((r) => setTimeout(r, 120_000));
}

/** a result that imported nothing (the starting point, and what a rejected file reports) */
export const emptyResult = (file: string, table: TableName | null): ImportResult => ({
	batch_id: null,
	file,
	table,
	rows_read: 0,
	rows_inserted: 0,
	rows_updated: 0,
	rows_unchanged: 0,
	rows_quarantined: 0,
	status: 'rejected',
	error: null,
	duration_ms: 0
});

export async function importFile(store: Store, opts: ImportOptions): Promise<ImportResult> {
	const started = Date.now();
	const fileName = opts.fileName ?? basename(opts.path);
	const table = opts.table ?? tableFromFileName(fileName);
	const result = emptyResult(fileName, table);
	const progress = (phase: ImportPhase, percent: number, rowsDone: number) => {
		const elapsedMs = Date.now() - started;
		opts.onProgress?.({
			file: fileName,
			phase,
			percent: Math.min(100, Math.max(0, percent)),
			rows: rowsDone,
			rowsPerSecond: elapsedMs > 0 ? Math.round((rowsDone * 1000) / elapsedMs) : 0,
			elapsedMs
		});
	};

	const conn = await store.connect();
	let bytes: number | null = null;
	let format: Format | null = null;
	try {
		if (!table) {
			throw new RejectedFile(
				`cannot tell which table ${fileName} is for: name the file after its table (e.g. interactions_2026-03.csv) or ${opts.tableRemedy ?? 'say which table it is'}`
			);
		}
		try {
			bytes = statSync(opts.path).size;
		} catch {
			throw new RejectedFile(`${fileName} cannot be opened: no such file`);
		}
		if (bytes === 0) throw new RejectedFile(`${fileName} is empty`);
		format = detectFormat(opts.path, fileName);
		if (format === 'csv') checkHeaderWidth(opts.path, fileName);
		const def = tableDef(table);
		progress('reading', 0, 0);
		const header = await readHeader(conn, opts.path, format, def, fileName);

		try {
			const counts = await importInTransaction(conn, def, opts.path, format, header, fileName, opts.source, bytes, started, progress);
			await testHold();
			await conn.run('COMMIT');
			Object.assign(result, counts, { status: 'imported' as const });
			await testHoldAfterCommit();
		} catch (e) {
			await conn.run('ROLLBACK').catch(() => {});
			throw e;
		}
	} catch (e) {
		result.status = 'rejected';
		result.error = e instanceof RejectedFile ? e.message : readError(e, fileName, store.path, opts.path);
		result.batch_id = await recordRejected(conn, result, format, bytes, opts.source, started).catch(() => null);
	} finally {
		await conn.run('RESET preserve_insertion_order').catch(() => {});
		await dropTemps(conn);
		conn.closeSync();
	}
	result.duration_ms = Date.now() - started;
	const { batch_id, table: t, status, error, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined } = result;
	await recordTrail(store, {
		actor: opts.actor?.username ?? opts.source,
		role: opts.actor?.role ?? null,
		action: 'import',
		target: fileName,
		details: { batch_id, table: t, status, error, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, source: opts.source },
		ip: opts.actor?.ip ?? null
	});
	progress('done', 100, result.rows_read);
	return result;
}

async function dropTemps(conn: DuckDBConnection) {
	for (const t of ['cw_typed', 'cw_bad', 'cw_nl', 'cw_good', 'cw_match', 'cw_dup_h', 'cw_dups', 'cw_zones']) await conn.run(`DROP TABLE IF EXISTS temp.${t}`).catch(() => {});
}

/** records an attempt that imported nothing (also used for a file whose mapping failed: mapping-import.ts) */
export async function recordRejected(
	conn: DuckDBConnection,
	r: ImportResult,
	format: Format | null,
	bytes: number | null,
	source: ImportSource,
	started: number
): Promise<number> {
	const row = await kyselyOn(conn)
		.insertInto('import_batches')
		.values({
			batch_id: sql<number>`nextval('import_batch_seq')`,
			file_name: r.file,
			table_name: r.table,
			format,
			source,
			file_bytes: bytes,
			started_at: instant(started),
			finished_at: sql<Date>`now()`,
			duration_ms: Date.now() - started,
			status: 'rejected',
			error: r.error
		})
		.returning('batch_id')
		.executeTakeFirstOrThrow();
	return Number(row.batch_id);
}

/** a moment (ms since the epoch) as the TIMESTAMPTZ it is */
const instant = (ms: number) => sql<Date>`CAST(${new Date(ms).toISOString()} AS TIMESTAMPTZ)`;

type Counts = Pick<ImportResult, 'batch_id' | 'rows_read' | 'rows_inserted' | 'rows_updated' | 'rows_unchanged' | 'rows_quarantined'>;

/**
 * Stage the file as text in file order (rowid = data row, 0-based). Runs before the
 * transaction: it writes only the connection's temp catalog, never the store.
 */
async function stage(
	conn: DuckDBConnection,
	def: TableDef,
	path: string,
	format: Format,
	header: Header,
	fileName: string,
	progress: (phase: ImportPhase, percent: number, rows: number) => void
): Promise<number> {
	await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
	if (def.columns.some((c) => c.type === 'timezone')) {
		await conn.run(`CREATE OR REPLACE TEMP TABLE cw_zones AS SELECT name FROM pg_timezone_names()`);
	}
	const present = new Set(header.contract.keys());
	const plan = checkPlan(def, present);
	const extraCols = header.extra.map((_, i) => q('x_' + i));
	const asText = (col: string) => (format === 'parquet' ? `CAST(${q(col)} AS VARCHAR)` : q(col));
	const extraJson = header.extra.length
		? `CASE WHEN ${extraCols.map((c) => `${c} IS NOT NULL`).join(' OR ')} THEN json_object(${header.extra.map((x, i) => `${lit(x.trim().toLowerCase())}, ${extraCols[i]}`).join(', ')}) END`
		: 'NULL::JSON';
	// one pass: read as text, keep the text (for the quarantine) and type every column once.
	// rowid is then the data row (0-based), in file order: keep joins out of this statement,
	// they do not preserve insertion order, and so are IN lists of five or more constants,
	// which DuckDB rewrites into a join (a test imports 100,000 rows and checks the lines)
	const kept = [...header.contract.keys()].map((name) => {
		const c = colDef(def, name);
		if (passThrough(c)) return q(name);
		return c.type === 'enum' ? enumRawKept(c, typedExpr(c, true)) : stagedRaw(c);
	});
	const stmt = `CREATE TEMP TABLE cw_typed AS
		SELECT ${[...kept, ...extraCols, ...plan.typed].join(', ')}, ${extraJson} AS extra
		FROM (SELECT ${[
			...[...header.contract].map(([name, inFile]) => `${asText(inFile)} AS ${stagedRaw(colDef(def, name))}`),
			...header.extra.map((x, i) => `${asText(x)} AS ${extraCols[i]}`)
		].join(', ')} FROM ${reader(format)})`;
	try {
		const est = format === 'csv' ? estimateRows(path, statSync(path).size) : 0;
		await runWithProgress(conn, stmt, { path }, (pct) => progress('reading', pct * 0.6, Math.round((pct / 100) * est)));
	} catch (e) {
		throw new RejectedFile(readError(e, fileName, undefined, path));
	}
	const [{ n }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM cw_typed`)) as [{ n: number }];
	progress('checking', 60, n);
	return n;
}

async function importInTransaction(
	conn: DuckDBConnection,
	def: TableDef,
	path: string,
	format: Format,
	header: Header,
	fileName: string,
	source: ImportSource,
	bytes: number,
	started: number,
	progress: (phase: ImportPhase, percent: number, rows: number) => void
): Promise<Counts> {
	const step = stepTimer();
	const rowsRead = await stage(conn, def, path, format, header, fileName, progress);
	step('read');
	// from here on nothing depends on the order rows come out in (every row carries its
	// staged rowid), so DuckDB may check and write in parallel without ordering
	await conn.run('SET preserve_insertion_order = false');
	await conn.run('BEGIN TRANSACTION');
	const [{ id }] = (await rows<{ id: number }>(conn, `SELECT nextval('import_batch_seq') AS id`)) as [{ id: number }];
	const batchId = Number(id);
	const batch = BigInt(batchId);
	const present = new Set(header.contract.keys());
	const plan = checkPlan(def, present);
	const extraCols = header.extra.map((_, i) => q('x_' + i));
	const extraName = (x: string) => lit(x.trim().toLowerCase());
	// an extra column's values have their own length limit (the contract's are checked in checkPlan)
	plan.checks.push(...header.extra.map((x, i) => lengthCheck(x.trim().toLowerCase(), extraCols[i]!, MAX_EXTRA_VALUE_CHARS)));
	const cols = def.columns.map((c) => q(c.name));
	const allCols = [...cols, 'extra'];
	const pk = def.primaryKey.map(q);
	const rawCols = [...header.contract.keys()].map((c) => storedRaw(colDef(def, c)));
	await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');

	// 2. check every rule in SQL; the rows that break one get their reasons, raw values and key
	// (a value over its length limit is kept cut, so that the quarantine stays small)
	const kept = (c: string) => quarantinedRaw(storedRaw(colDef(def, c)), maxChars(colDef(def, c)));
	const rawJson = `json_object(${[
		...[...header.contract.keys()].map((c) => `${lit(c)}, ${kept(c)}`),
		...header.extra.map((x, i) => `${extraName(x)}, ${quarantinedRaw(extraCols[i]!, MAX_EXTRA_VALUE_CHARS)}`)
	].join(', ')})`;
	const keyText = def.primaryKey.map((k) => (present.has(k) ? `coalesce(${kept(k)}, '')` : `''`)).join(` || '|' || `);
	await runWithProgress(
		conn,
		`CREATE TEMP TABLE cw_bad AS
		 SELECT _row, ${reasonList(plan.checks)} AS _reasons, ${rawJson} AS _raw, ${keyText} AS _key
		 FROM (SELECT t.rowid AS _row, t.*${plan.refColumns.map((c) => ', ' + c).join('')} FROM cw_typed t ${plan.joins.join(' ')}) AS t
		 WHERE ${anyBroken(plan.checks)}`,
		{},
		(pct) => progress('checking', 60 + pct * 0.05, rowsRead)
	);
	step('check');

	// 4. the same primary key twice in one file: the later row is imported, the earlier ones quarantined
	const [{ n: flagged }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM cw_bad`)) as [{ n: number }];
	// first the 64-bit hashes of the keys that may repeat, found by sorting them (sorting 29 M
	// numbers takes half the time of grouping 29 M keys, most of them once each); then the keys
	// that do repeat, among the rows with those hashes only (none, mostly)
	const goodRows = `cw_typed t ${flagged > 0 ? 'ANTI JOIN cw_bad b ON t.rowid = b._row' : ''}`;
	const keyHash = `hash(${pk.map((k) => `t.${k}`).join(', ')})`;
	await conn.run(`CREATE TEMP TABLE cw_dup_h AS
		SELECT DISTINCT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS p FROM (SELECT ${keyHash} AS h FROM ${goodRows})) WHERE h = p`);
	const [{ n: maybeDup }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM cw_dup_h`)) as [{ n: number }];
	await conn.run(`CREATE TEMP TABLE cw_dups AS
		SELECT ${pk.map((k, i) => `t.${k} AS k${i}`).join(', ')}, max(t.rowid) AS keep_row
		FROM ${goodRows} WHERE ${maybeDup > 0 ? `${keyHash} IN (SELECT h FROM cw_dup_h)` : 'false'}
		GROUP BY ALL HAVING count(*) > 1`);
	const [{ n: dupKeys }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM cw_dups`)) as [{ n: number }];
	if (dupKeys > 0) {
		const shownKey = def.primaryKey.map((k) => `t.${q(k)}`).join(` || '|' || `);
		await conn.run(`INSERT INTO cw_bad (_row, _reasons, _raw, _key)
			SELECT t.rowid,
				[${lit(def.primaryKey.join(' + ') + ' "')} || ${shownKey} || '" appears again later in this file (data row ' || (d.keep_row + 1) || '); the later row was imported'],
				${rawJson}, ${shownKey}
			FROM cw_typed t JOIN cw_dups d ON ${pk.map((k, i) => `t.${k} = d.k${i}`).join(' AND ')}
			WHERE t.rowid < d.keep_row`);
	}
	step('duplicate keys');

	// 5. quarantine, with the line each row starts on (header = line 1; newlines inside quoted values counted)
	const [{ n: badRows }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM cw_bad`)) as [{ n: number }];
	let line = 'b._row + 1';
	if (format === 'csv' && badRows > 0) {
		// rows before a bad row that hold quoted newlines push its line down
		const cells = [...rawCols, ...extraCols];
		await conn.run(`CREATE TEMP TABLE cw_nl AS SELECT rowid AS _row, (${cells
			.map((r) => `coalesce(length(${r}) - length(replace(${r}, chr(10), '')), 0)`)
			.join(' + ')}) AS nl FROM cw_typed WHERE ${cells.map((r) => `contains(${r}, chr(10))`).join(' OR ')}`);
		line = `2 + b._row + coalesce((SELECT sum(p.nl) FROM cw_nl p WHERE p._row < b._row), 0)`;
	}
	// the app's quarantine table through Kysely (on the import's transaction), its rows from the staged ones
	const k = kyselyOn(conn);
	await k
		.insertInto('quarantine')
		.columns(['batch_id', 'table_name', 'file_name', 'line_number', 'record_key', 'raw', 'reasons', 'quarantined_at'])
		.expression(sql`SELECT ${batchId}, ${def.name}, ${fileName}, ${sql.raw(line)}, _key, _raw, _reasons, now() FROM cw_bad b ORDER BY b._row`)
		.execute();
	const quarantined = badRows;
	step('quarantine');
	progress('writing', 70, rowsRead);

	// 5. upsert the good rows by primary key: insert new, replace changed, leave identical
	const good = quarantined > 0 ? `(SELECT t.rowid AS _row, t.* FROM cw_typed t ANTI JOIN cw_bad b ON t.rowid = b._row)` : '(SELECT rowid AS _row, * FROM cw_typed)';
	const target = q(def.name);
	const [{ any: existing }] = (await rows<{ any: boolean }>(conn, `SELECT EXISTS (SELECT 1 FROM ${target}) AS any`)) as [{ any: boolean }];
	let inserted = 0;
	let updated = 0;
	let unchanged = 0;
	const tick = (pct: number) => progress('writing', 70 + pct * 0.28, rowsRead);
	if (!existing) {
		await runWithProgress(
			conn,
			`INSERT INTO ${target} (${allCols.join(', ')}, import_batch_id) SELECT ${allCols.join(', ')}, ${batch} FROM ${good}`,
			{},
			tick
		);
		inserted = rowsRead - quarantined;
	} else {
		await conn.run(`CREATE TEMP TABLE cw_good AS SELECT _row, ${allCols.join(', ')} FROM ${good}`);
		const changed = allCols.map((c) => `g.${c} IS DISTINCT FROM e.${c}`).join(' OR ');
		await conn.run(`CREATE TEMP TABLE cw_match AS
			SELECT g._row, e.${pk[0]} IS NULL AS is_new, e.${pk[0]} IS NOT NULL AND (${changed}) AS is_changed
			FROM cw_good g LEFT JOIN ${target} e ON ${pk.map((k) => `g.${k} = e.${k}`).join(' AND ')}`);
		const [m] = (await rows<{ ins: number; upd: number; same: number }>(
			conn,
			`SELECT count(*) FILTER (WHERE is_new) AS ins, count(*) FILTER (WHERE is_changed) AS upd,
				count(*) FILTER (WHERE NOT is_new AND NOT is_changed) AS same FROM cw_match`
		)) as [{ ins: number; upd: number; same: number }];
		tick(30);
		if (m.upd > 0) {
			// what the replaced rows were about, for the incremental refresh of the KPI summary tables
			await conn.run(
				`INSERT INTO kpi_replaced_rows SELECT ${replacedRowColumns(def.name as TableName, batch, 'e')}
				 FROM ${target} e SEMI JOIN (SELECT c.* FROM cw_good c JOIN cw_match m ON c._row = m._row WHERE m.is_changed) g
				 ON ${pk.map((k) => `e.${k} = g.${k}`).join(' AND ')}`
			);
			await conn.run(
				`UPDATE ${target} e SET ${allCols.map((c) => `${c} = g.${c}`).join(', ')}, import_batch_id = ${batch}
				 FROM (SELECT c.* FROM cw_good c JOIN cw_match m ON c._row = m._row WHERE m.is_changed) g
				 WHERE ${pk.map((k) => `e.${k} = g.${k}`).join(' AND ')}`
			);
		}
		tick(60);
		if (m.ins > 0) {
			await conn.run(
				`INSERT INTO ${target} (${allCols.join(', ')}, import_batch_id)
				 SELECT ${allCols.map((c) => 'c.' + c).join(', ')}, ${batch} FROM cw_good c JOIN cw_match m ON c._row = m._row WHERE m.is_new`
			);
		}
		inserted = m.ins;
		updated = m.upd;
		unchanged = m.same;
	}
	step('upsert');
	// the zones of new accounts and the zones a re-export changed, with when they became known
	if (def.name === 'accounts' && inserted + updated > 0) await recordZoneChanges(conn, batch);
	progress('writing', 98, rowsRead);

	// the interactions the import added or replaced, with their dates: what the audit it owes must check
	let owedInteractions: { n: number; from: string | null; to: string | null } | null = null;
	if (def.name === 'interactions' && inserted + updated > 0) {
		const utc = (x: string) => `strftime(${x} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') || 'Z'`;
		const changedRows = existing ? `(SELECT c.occurred_at FROM cw_good c JOIN cw_match m ON c._row = m._row WHERE m.is_new OR m.is_changed)` : good;
		const [r] = await rows<{ n: number; f: string | null; t: string | null }>(
			conn,
			`SELECT count(*) AS n, ${utc('min(occurred_at)')} AS f, ${utc('max(occurred_at)')} AS t FROM ${changedRows}`
		);
		owedInteractions = { n: Number(r?.n ?? 0), from: r?.f ?? null, to: r?.t ?? null };
	}

	// 6. rows quarantined by earlier imports and now imported: mark them resolved
	const earlier = k.selectFrom('quarantine').where('table_name', '=', def.name).where('resolved_batch_id', 'is', null).where('batch_id', '<>', batchId);
	const open = Number((await earlier.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
	if (open > 0) {
		const key = def.primaryKey.map((c) => `CAST(${q(c)} AS VARCHAR)`).join(` || '|' || `);
		await k
			.updateTable('quarantine')
			.set({ resolved_batch_id: batchId })
			.where('table_name', '=', def.name)
			.where('resolved_batch_id', 'is', null)
			.where('batch_id', '<>', batchId)
			.where('record_key', 'in', sql<string>`(SELECT ${sql.raw(key)} FROM ${sql.raw(good)})`)
			.execute();
	}

	await k
		.insertInto('import_batches')
		.values({
			batch_id: batchId,
			file_name: fileName,
			table_name: def.name,
			format,
			source,
			file_bytes: bytes,
			started_at: instant(started),
			finished_at: sql<Date>`now()`,
			duration_ms: Date.now() - started,
			rows_read: rowsRead,
			rows_inserted: inserted,
			rows_updated: updated,
			rows_unchanged: unchanged,
			rows_quarantined: quarantined,
			status: 'imported'
		})
		.execute();
	// the audit the import owes, in its transaction: an import that commits is never left unaudited unseen
	await recordOwedAudit(conn, { batch, table: def.name, file: fileName, changedRows: inserted + updated, interactions: owedInteractions });
	return {
		batch_id: batchId,
		rows_read: rowsRead,
		rows_inserted: inserted,
		rows_updated: updated,
		rows_unchanged: unchanged,
		rows_quarantined: quarantined
	};
}
