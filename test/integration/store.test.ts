/** The store: migrations run once, the tables match the data contract, a busy file says so. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CONTRACT } from '../../src/lib/contract.ts';
import { MIGRATIONS } from '../../src/lib/server/db/migrations.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

test('migrations are applied once; a second start applies nothing', async () => {
	const applied = await t.store.rows<{ version: number }>(`SELECT version FROM schema_migrations ORDER BY version`);
	expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
	expect(await t.store.migrate()).toEqual([]);
	await t.store.close();
	const again = await Store.open({ path: t.dbPath });
	expect(await again.migrate()).toEqual([]);
	expect(await again.rows(`SELECT count(*) AS n FROM schema_migrations`)).toEqual([{ n: MIGRATIONS.length }]);
	t.store = again;
});

test('every data-contract table has exactly the contract columns, plus extra and import_batch_id', async () => {
	for (const table of CONTRACT) {
		const cols = await t.store.rows<{ column_name: string }>(
			`SELECT column_name FROM duckdb_columns() WHERE table_name = $t AND database_name = current_database() ORDER BY column_index`,
			{ t: table.name }
		);
		// a column added by a later migration (ALTER TABLE) comes after import_batch_id: the set is compared
		expect(cols.map((c) => c.column_name).sort(), table.name).toEqual([...table.columns.map((c) => c.name), 'extra', 'import_batch_id'].sort());
	}
});

test('the app tables exist', async () => {
	const tables = await t.store.rows<{ table_name: string }>(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`);
	expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['import_batches', 'quarantine', 'schema_migrations']));
});
