/** Result columns → Arrow IPC stream (the format charts read), CSV or JSON. */
import { Float64, makeTable, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import type { Columns } from './kpi/charts.ts';
import { csvText } from './csv.ts';

export function toArrowIPC(columns: Columns): Uint8Array {
	const vectors = Object.fromEntries(
		Object.entries(columns).map(([name, values]) => {
			const numeric = values.every((v) => v === null || typeof v === 'number');
			return [name, numeric ? vectorFromArray(values as (number | null)[], new Float64()) : vectorFromArray(values.map((v) => (v === null ? null : String(v))), new Utf8())];
		})
	);
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return tableToIPC(makeTable(vectors as any) as any, 'stream');
}

/** the columns as CSV, through the one writer (src/lib/server/csv.ts: formula-like texts neutralised) */
export function toCsv(columns: Columns): string {
	const names = Object.keys(columns);
	const rows = columns[names[0]!]?.length ?? 0;
	return csvText(names, Array.from({ length: rows }, (_, i) => names.map((n) => columns[n]![i] ?? null)));
}
