/** Result columns → Arrow IPC stream (the format charts read), CSV or JSON. */
import { Float64, makeTable, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import type { Columns } from './kpi/charts.ts';

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

export function toCsv(columns: Columns): string {
	const names = Object.keys(columns);
	const rows = columns[names[0]!]?.length ?? 0;
	const cell = (v: string | number | null) => (v === null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
	const lines = [names.join(',')];
	for (let i = 0; i < rows; i++) lines.push(names.map((n) => cell(columns[n]![i] ?? null)).join(','));
	return lines.join('\r\n') + '\r\n';
}
