/**
 * The one CSV writer of every export, for the server: the writer and its rule for cells a
 * spreadsheet would run as a formula live in src/lib/csv.ts (shared with the browser's chart
 * downloads, so there is one rule); this module adds the same rule as SQL, for the exports
 * DuckDB writes itself.
 */

export { csvCell, csvText, looksLikeFormula, type CsvValue } from '../csv.ts';

/**
 * The same rule as SQL, for the exports DuckDB writes itself (COPY … TO): the text expression
 * `expr`, with a leading ' when it looks like a formula and is not a plain number
 */
export function sqlNeutralised(raw: string): string {
	const expr = `(${raw})`;
	return `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') AND NOT regexp_matches(${expr}, '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$') THEN '''' || ${expr} ELSE ${expr} END`;
}

/**
 * One CSV cell in SQL, the same as csvCell on a text: empty for NULL, neutralised when it looks
 * like a formula (sqlNeutralised), quoted (quotes doubled) when it holds a comma, a quote or a line
 * break. For exports whose lines DuckDB writes itself and the server streams (the findings CSV):
 * the cheap tests first, the regular expression only for a cell that starts like a formula.
 */
export function sqlCsvCell(raw: string): string {
	const x = `(${raw})`;
	// the first character by a regular expression: DuckDB plans an IN list of six as a join per cell (twice as slow)
	const neutral = `CASE WHEN regexp_matches(${x}, '^[=+\\-@\\t\\r]') THEN ${sqlNeutralised(raw)} ELSE ${x} END`;
	return `CASE WHEN ${x} IS NULL THEN '' WHEN contains(${x}, ',') OR contains(${x}, '"') OR contains(${x}, chr(10)) OR contains(${x}, chr(13)) THEN '"' || replace(${neutral}, '"', '""') || '"' ELSE ${neutral} END`;
}
