/**
 * The one CSV writer of every export, shared by the server and the browser (the findings, the
 * trail, the quarantined rows, the assignments file, the breakdown, and each chart's data):
 * RFC 4180 quoting, CRLF line ends, and cells that a spreadsheet would run as a formula
 * neutralised. The server's exports reach it through src/lib/server/csv.ts (which adds the same
 * rule as SQL); the charts' downloads through src/lib/chart-export.ts.
 *
 * A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
 * (OWASP's advice for CSV injection), so that `=HYPERLINK(…)` or `@SUM(1+1)` is shown as text.
 * A plain number (`-50`, `+3.5`, `-1e3`) is left as it is: a spreadsheet reads it as a number,
 * never as a formula, and a refund of −50.00 must stay importable. Numbers given as numbers are
 * never touched.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type CsvValue = string | number | bigint | boolean | null | undefined;

/** whether a text cell would be taken for a formula */
export const looksLikeFormula = (s: string) => FORMULA_START.test(s) && !PLAIN_NUMBER.test(s);

/** one cell: empty for null, neutralised when a text looks like a formula, quoted when it holds a comma, quote or line break */
export function csvCell(v: CsvValue): string {
	if (v === null || v === undefined) return '';
	let s = String(v);
	if (typeof v === 'string' && looksLikeFormula(s)) s = "'" + s;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** a header and rows as CSV text (CRLF line ends, a final CRLF) */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
	const lines = [header.map((h) => csvCell(h)).join(',')];
	for (const r of rows) lines.push(r.map(csvCell).join(','));
	return lines.join('\r\n') + '\r\n';
}
