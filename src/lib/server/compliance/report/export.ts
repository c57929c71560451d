/**
 * Every finding under the filters, streamed: as CSV, each finding a line DuckDB writes by the one
 * CSV rule (src/lib/server/csv.ts, sqlCsvCell: formula-like cells neutralised, quoted where they
 * must be) into a temporary file with COPY (src/lib/server/tempfiles.ts), the file then sent in
 * pieces, never built as one string; and as Parquet, written by DuckDB's COPY into a temporary
 * folder, streamed and removed. The server's memory stays flat whatever the number of findings:
 * one piece is held at a time, and the stream reads the next only when the client has taken the
 * last (backpressure).
 *
 * Two layouts: 'list' is the findings list's export (/compliance/report.csv: the columns of
 * CSV_COLUMNS, oldest first); 'report' is the report's (numbered 1..N in the report's order,
 * grouped by account, the numbers the web report and the PDF show, with the column n first).
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { createReadStream, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Store } from '../../db/store.ts';
import { csvCell, sqlCsvCell } from '../../csv.ts';
import { makeTempDir, removeTempDir } from '../../tempfiles.ts';
import { CSV_COLUMNS } from '../findings/csv.ts';
import { scopeArgs, scoped, type FindingsFilter } from '../findings/filters.ts';

export type ExportLayout = 'list' | 'report';

/**
 * The report's order: grouped by account (findings about a person without a debt last, by
 * person), then by date, moment and the finding's number. Fixed text, never from the URL.
 */
export const REPORT_ORDER_SQL = 'f.account_id NULLS LAST, f.customer_id, f.local_date, f.occurred_at, f.finding_id';
/** the findings list's export order: oldest first */
export const LIST_ORDER_SQL = 'f.local_date, f.occurred_at, f.finding_id';

export const REPORT_CSV_COLUMNS = ['n', ...CSV_COLUMNS] as const;

/** the columns of each layout */
export const exportColumns = (layout: ExportLayout): readonly string[] => (layout === 'report' ? REPORT_CSV_COLUMNS : CSV_COLUMNS);

/** report_findings.sql in a layout's order (every row, or the first `limit`); `numbered`: with n, 1..N in that order */
export function exportSql(layout: ExportLayout, numbered = false): string {
	const order = layout === 'report' ? REPORT_ORDER_SQL : LIST_ORDER_SQL;
	return scoped('report_findings', { order_by: order, number: numbered ? `row_number() OVER (ORDER BY ${order}) AS n,` : '' });
}

/** the bound parameters of exportSql: only those the statement names (DuckDB refuses others) */
export function exportArgs(sql: string, auditId: number, f: FindingsFilter, limit: number | null = null): Record<string, DuckDBValue> {
	const all: Record<string, DuckDBValue> = { ...scopeArgs(auditId, f), limit };
	const used = new Set([...sql.replace(/--.*$/gm, '').matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]!));
	return Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));
}

/** the columns whose values can never need quoting or neutralising (numbers, dates, enums, ids checked at import: [a-z0-9_-]) */
const PLAIN = new Set(['audit_id', 'pack', 'pack_version', 'rule', 'kind', 'window_start', 'window_end', 'occurred_at', 'local_date']);
/** each CSV column as SQL over the findings (f) */
const COLUMN_SQL: Record<string, string> = {
	audit_id: 'CAST(f.audit_id AS VARCHAR)',
	pack: 'f.pack_id',
	pack_version: 'CAST(f.pack_version AS VARCHAR)',
	rule: 'f.rule_id',
	// a DATE cast to text is YYYY-MM-DD; a moment through its microseconds since the epoch as a
	// plain TIMESTAMP (UTC): strftime on a TIMESTAMPTZ goes through the time-zone library, and
	// cost most of the export's time
	window_start: `CAST(f.window_start AS VARCHAR)`,
	window_end: `CAST(f.window_end AS VARCHAR)`,
	occurred_at: `strftime(make_timestamp(epoch_us(f.occurred_at)), '%Y-%m-%dT%H:%M:%SZ')`,
	local_date: `CAST(f.local_date AS VARCHAR)`,
	interaction_ids: `array_to_string(f.interaction_ids, ' ')`
};

/**
 * One CSV cell in SQL by the one CSV rule (sqlCsvCell, the same as csvCell), one regular
 * expression first: a text with no comma, quote or line break that does not start like a formula
 * is itself (almost every cell), and only the others go through the rule's tests.
 */
export const sqlExportCell = (text: string) => `CASE WHEN regexp_matches(${text}, '[,"\\n\\r]|^[=+\\-@\\t]') THEN ${sqlCsvCell(text)} ELSE coalesce(${text}, '') END`;

/** the columns whose text the CSV rule may change: every one not PLAIN, and the packs', rules' and kinds' names too (checked at import, tested anyway: the test costs little) */
const TEXT_COLUMNS = CSV_COLUMNS.filter((c) => !PLAIN.has(c) || c === 'pack' || c === 'rule' || c === 'kind');
const columnSql = (c: string) => COLUMN_SQL[c] ?? `f.${c}`;

/** a text cell with no comma in it (NULL has none: it is written empty), by a search for one byte */
const sqlNoComma = (x: string) => `(${x} IS NULL OR NOT contains(${x}, ','))`;

/**
 * Each finding as one CSV line, written by DuckDB, without the number n: ISO dates (UTC
 * moments), interaction ids space-separated; the cells by the one CSV rule (sqlCsvCell, the same
 * as csvCell: formula-like text neutralised, quoted when it must be).
 *
 * Two ways, so that the rule costs little on the rows it leaves as they are (about 99% of them):
 * - `plain`: the cells joined by commas as they are (concat, which writes NULL as nothing);
 * - `plain_ok`: whether that is the rule's line: no comma in any text cell, so that the line's
 *   commas are its 17 separators; then no quote, CR or LF anywhere in it (a search for one byte
 *   each, the fastest test DuckDB has), and no separator followed by a formula's first
 *   character (= + - @ tab CR: a regular expression that starts with the comma, which RE2 finds
 *   by the same one-byte search; the first cell is the audit's number);
 * - `exact`: every other row, each text cell through the rule (sqlExportCell, then sqlCsvCell).
 * The test can send a row the exact way needlessly (a plain number such as -50), never let a
 * cell through that the rule would change.
 */
export function csvLineParts(): { plain: string; plain_ok: string; exact: string } {
	const plain = `concat(${CSV_COLUMNS.map(columnSql).join(", ',', ")})`;
	const plainOk = [
		...TEXT_COLUMNS.map((c) => sqlNoComma(columnSql(c))),
		`NOT contains(plain, '"')`,
		`NOT contains(plain, chr(10))`,
		`NOT contains(plain, chr(13))`,
		`NOT regexp_matches(plain, ',[=+\\-@\\t\\r]')`
	].join(' AND ');
	const exact = `concat_ws(',', ${CSV_COLUMNS.map((c) => (PLAIN.has(c) ? `coalesce(${columnSql(c)}, '')` : sqlExportCell(columnSql(c)))).join(', ')})`;
	return { plain, plain_ok: plainOk, exact };
}

/**
 * report_lines.sql in a layout's order: every finding as its CSV line (csvLineParts). The
 * report's layout has its number n first, 1..N in the report's order: a window over the keys of
 * that order alone (narrow, cheap to sort), joined to the findings by their number in the audit,
 * and the lines sorted by n; a window over whole findings sorted every column twice.
 */
export function csvLinesSql(layout: ExportLayout): string {
	const report = layout === 'report';
	const parts: Record<string, string> = {
		...csvLineParts(),
		numbered: report ? `JOIN (SELECT f.finding_id, row_number() OVER (ORDER BY ${REPORT_ORDER_SQL}) AS n FROM f) numbers USING (finding_id)` : '',
		number: report ? `CAST(n AS VARCHAR) || ',' || ` : '',
		order_by: report ? 'n' : LIST_ORDER_SQL
	};
	// by a function: the cells' SQL holds "$'", which a replacement string would read as a pattern
	return Object.entries(parts).reduce((sql, [k, v]) => sql.replaceAll(`{{${k}}}`, () => v), scoped('report_lines'));
}

/**
 * COPY's options that write each row's one text value as it is (it is a CSV line already: no
 * quoting, no escaping), each followed by CRLF
 */
const LINES_COPY_OPTIONS = `FORMAT csv, HEADER false, QUOTE '', ESCAPE '', NEW_LINE '\\r\\n'`;

/** the size of each piece of the file the stream sends (and so of the memory it holds) */
export const CSV_PIECE_BYTES = 512 * 1024;

const encoder = new TextEncoder();

/**
 * The report's scope as the first line of its CSV, before the column names: "# " and the scope
 * line (the audit, period, segment, packs and filters) as one cell that needs no quotes (its
 * commas written as semicolons, its double quotes as single ones), so that the line starts with #.
 * Spreadsheets show it as the first row; tools that read the columns skip one line (or read
 * lines starting with # as comments).
 */
export const scopeCsvLine = (line: string) => `# Curewise compliance audit report · ${line.replace(/[\r\n]+/g, ' ').replace(/,/g, ';').replace(/"/g, "'")}\r\n`;

/**
 * Every finding under the filters as a stream of CSV bytes: the header (with scopeLine, the
 * report's scope as a first line, scopeCsvLine) as a piece of its own, then the lines (CRLF line
 * ends) in pieces of CSV_PIECE_BYTES.
 *
 * DuckDB writes the lines (csvLinesSql) into a temporary file with COPY, in parallel and in C++,
 * on a connection of its own, before this returns: a failing query (or one past the request's
 * time limit) is an error here, never a cut file. The file is opened and at once removed from
 * its folder (src/lib/server/tempfiles.ts), so that nothing is left on disk whatever becomes of
 * the stream; its space is freed when the stream closes it: at the end, on an error, or when the
 * client cancels. The stream reads the next piece only when the client has taken the last
 * (backpressure): the server holds one piece at a time whatever the number of findings.
 */
export async function findingsCsvStream(store: Store, auditId: number, f: FindingsFilter, layout: ExportLayout = 'list', onEnd?: (rows: number) => void, scopeLine?: string): Promise<ReadableStream<Uint8Array>> {
	const sql = csvLinesSql(layout).replace(/;\s*$/, '');
	const head = encoder.encode((scopeLine ? scopeCsvLine(scopeLine) : '') + exportColumns(layout).map((c) => csvCell(c)).join(',') + '\r\n');
	const dir = makeTempDir('export');
	const path = join(dir, 'findings.csv');
	let rows: number;
	let file: FileHandle;
	try {
		const conn = await store.connect();
		try {
			const reader = await conn.runAndReadAll(`COPY (${sql}) TO '${path.replace(/'/g, "''")}' (${LINES_COPY_OPTIONS})`, exportArgs(sql, auditId, f));
			rows = Number(reader.getRows()[0]?.[0] ?? 0);
		} finally {
			conn.closeSync();
		}
		file = await open(path, 'r');
	} catch (e) {
		removeTempDir(dir);
		throw e;
	}
	// removed now (the open file stays readable); where a system refuses that, when the stream closes
	let removed = false;
	try {
		removeTempDir(dir);
		removed = true;
	} catch {
		/* removed at the end */
	}
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await file.close().catch(() => {});
		if (!removed) removeTempDir(dir);
	};
	let headerSent = false;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				try {
					// the header first, on its own
					if (!headerSent) {
						headerSent = true;
						controller.enqueue(head);
						return;
					}
					const piece = Buffer.allocUnsafe(CSV_PIECE_BYTES);
					const { bytesRead } = await file.read(piece, 0, CSV_PIECE_BYTES, null);
					if (bytesRead === 0) {
						await close();
						onEnd?.(rows);
						controller.close();
						return;
					}
					controller.enqueue(bytesRead < CSV_PIECE_BYTES ? piece.subarray(0, bytesRead) : piece);
				} catch (e) {
					await close();
					controller.error(e);
				}
			},
			async cancel() {
				await close();
			}
		},
		{ highWaterMark: 1 }
	);
}

/** a stream read to its end as text (tests, and small exports) */
export async function streamText(stream: ReadableStream<Uint8Array>): Promise<string> {
	return new Response(stream).text();
}

/**
 * Every finding under the filters as a Parquet file (zstd, native types: dates, UTC moments, the
 * interaction ids as a list), written by DuckDB's COPY into a temporary folder; with scopeLine,
 * the report's scope in the file's key-value metadata (key "scope"). The caller reads
 * it (parquetStream) and removes the folder (`remove`).
 */
export async function findingsParquetFile(store: Store, auditId: number, f: FindingsFilter, layout: ExportLayout = 'report', scopeLine?: string): Promise<{ path: string; dir: string; rows: number; size: number; remove: () => void }> {
	const sql = exportSql(layout, true);
	const dir = makeTempDir('export');
	const path = join(dir, 'findings.parquet');
	const conn = await store.connect();
	try {
		const inner = sql.replace(/;\s*$/, '');
		const cols = exportColumns(layout).map((c) => (c === 'occurred_at' ? `timezone('UTC', occurred_at) AS occurred_at` : c));
		const reader = await conn.runAndReadAll(`COPY (SELECT ${cols.join(', ')} FROM (${inner}) x ORDER BY n) TO '${path.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd${scopeLine ? `, KV_METADATA {scope: '${scopeLine.replace(/'/g, "''")}'}` : ''})`, exportArgs(sql, auditId, f));
		const rows = Number(reader.getRows()[0]?.[0] ?? 0);
		return { path, dir, rows, size: statSync(path).size, remove: () => removeTempDir(dir) };
	} catch (e) {
		removeTempDir(dir);
		throw e;
	} finally {
		conn.closeSync();
	}
}

/** a file as a web stream; `done` runs when it closes (ended, failed or cancelled) */
export function fileStream(path: string, done: () => void): ReadableStream<Uint8Array> {
	const s = createReadStream(path, { highWaterMark: 256 * 1024 }).on('close', done);
	return Readable.toWeb(s) as unknown as ReadableStream<Uint8Array>;
}
