/** What the store holds: row counts per table, the data's as-of moment, the last import. */
import { TABLE_NAMES, type TableName } from '../../contract.ts';
import type { Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { dataVersion } from '../kpi/cache.ts';

export interface TableCount {
	table: TableName;
	rows: number;
	latest: string | null;
}

export interface StoreOverview {
	tables: TableCount[];
	/** ISO timestamp of the latest moment in the data, null when the store is empty */
	as_of: string | null;
	last_import_at: string | null;
	total_rows: number;
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

/**
 * What the store holds. Every page asks (the top bar's freshness, the Overview's as-of date), so
 * the answer is kept until the data changes: every change of the data is an import batch.
 */
export async function storeOverview(store: Store): Promise<StoreOverview> {
	const key = `${store.path}|${await dataVersion(store)}`;
	if (memo?.key === key) return memo.value;
	const value = await readStoreOverview(store);
	memo = { key, value };
	return value;
}

let memo: { key: string; value: StoreOverview } | null = null;

async function readStoreOverview(store: Store): Promise<StoreOverview> {
	const rows = await store.rows<{ table_name: TableName; row_count: number; latest: unknown; as_of: unknown; last_import_at: unknown }>(
		querySql('store_overview')
	);
	const byName = new Map(rows.map((r) => [r.table_name, r]));
	const tables = TABLE_NAMES.map((t) => ({ table: t, rows: byName.get(t)?.row_count ?? 0, latest: iso(byName.get(t)?.latest) }));
	return {
		tables,
		as_of: iso(rows[0]?.as_of),
		last_import_at: iso(rows[0]?.last_import_at),
		total_rows: tables.reduce((s, t) => s + t.rows, 0)
	};
}
