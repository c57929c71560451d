/**
 * Every finding under the filters, streamed: as CSV, read from DuckDB one result chunk (2,048
 * rows) at a time, each row a line DuckDB writes by the one CSV rule (src/lib/server/csv.ts,
 * sqlCsvCell: formula-like cells neutralised, quoted where they must be), never built as one string; and as Parquet, written by DuckDB's COPY into a
 * temporary folder (src/lib/server/tempfiles.ts), streamed and removed. The server's memory stays
 * flat whatever the number of findings: one chunk is held at a time, and the stream pulls the
 * next only when the client has taken the last (backpressure).
 *
 * Two layouts: 'list' is the findings list's export (/compliance/report.csv: the columns of
 * CSV_COLUMNS, oldest first); 'report' is the report's (numbered 1..N in the report's order,
 * grouped by account, the numbers the web report and the PDF show, with the column n first).
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { createReadStream, statSync } from 'node:fs';
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

/**
 * Each finding as one CSV line, written by DuckDB (one text value per row for the server to pass
 * on: converting every cell of every row into JavaScript values costs 8 times more), without the
 * number n (the stream adds it): ISO dates (UTC moments), interaction ids space-separated; the
 * cells by the one CSV rule (sqlCsvCell, the same as csvCell: formula-like text neutralised,
 * quoted when it must be). report_lines.sql in a layout's order.
 */
export function csvLinesSql(layout: ExportLayout): string {
	const cells = CSV_COLUMNS.map((c) => {
		const text = COLUMN_SQL[c] ?? `f.${c}`;
		return PLAIN.has(c) ? `coalesce(${text}, '')` : sqlExportCell(text);
	});
	const line = `concat_ws(',', ${cells.join(', ')})`;
	// by a function: the cells' SQL holds "$'", which a replacement string would read as a pattern
	return scoped('report_lines', { order_by: layout === 'report' ? REPORT_ORDER_SQL : LIST_ORDER_SQL }).replaceAll('{{line}}', () => line);
}

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
 * Every finding under the filters as a stream of CSV bytes (the header, then one chunk of rows at
 * a time, CRLF line ends); with scopeLine, the report's scope as a first line (scopeCsvLine). The query runs on a connection of its own, closed when the stream ends
 * or is cancelled; the first chunk is read before this returns, so a failing query is an error
 * here rather than a cut file.
 */
export async function findingsCsvStream(store: Store, auditId: number, f: FindingsFilter, layout: ExportLayout = 'list', onEnd?: (rows: number) => void, scopeLine?: string): Promise<ReadableStream<Uint8Array>> {
	const sql = csvLinesSql(layout);
	const conn = await store.connect();
	let closed = false;
	const close = () => {
		if (closed) return;
		closed = true;
		try {
			conn.closeSync();
		} catch {
			/* closed already */
		}
	};
	let rows = 0;
	let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
	try {
		result = await conn.stream(sql, exportArgs(sql, auditId, f));
	} catch (e) {
		close();
		throw e;
	}
	let headerSent = false;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				try {
					// the header first, on its own: the client has it before any row is read
					if (!headerSent) {
						headerSent = true;
						const head = exportColumns(layout).map((c) => csvCell(c)).join(',') + '\r\n';
						controller.enqueue(encoder.encode((scopeLine ? scopeCsvLine(scopeLine) : '') + head));
						return;
					}
					const chunk = await result.fetchChunk();
					if (!chunk || chunk.rowCount === 0) {
						close();
						onEnd?.(rows);
						controller.close();
						return;
					}
					const v = chunk.getColumnVector(0);
					const lines = new Array<string>(chunk.rowCount);
					if (layout === 'report') for (let i = 0; i < chunk.rowCount; i++) lines[i] = `${rows + i + 1},${v.getItem(i) as string}`;
					else for (let i = 0; i < chunk.rowCount; i++) lines[i] = v.getItem(i) as string;
					rows += chunk.rowCount;
					controller.enqueue(encoder.encode(lines.join('\r\n') + '\r\n'));
				} catch (e) {
					close();
					controller.error(e);
				}
			},
			cancel() {
				close();
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
