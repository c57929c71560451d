/**
 * The chart cache: the same query with the same parameters answers from memory until an
 * import lands; then it is computed again, on the new data.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { runChartQuery } from '../../src/lib/server/kpi/charts.ts';
import { clearCache } from '../../src/lib/server/kpi/cache.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
const complaintsHeader = ['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'];

beforeAll(async () => {
	t = await tempStore();
	clearCache();
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')])), source: 'cli' });
	await importFile(t.store, { path: t.file('complaints.csv', csv([complaintsHeader, ['K1', 'A1', '2026-02-03T10:00:00Z', 'privacy', 'web', 'low']])), source: 'cli' });
});
afterAll(() => t.close());

test('a repeated query answers from the cache; an import makes it stale', async () => {
	const params = { from: '2026-01-01', to: '2026-03-31', as_of: '2026-06-30' };
	const a = await runChartQuery(t.store, 'complaints_by_category', params, { cache: true });
	const b = await runChartQuery(t.store, 'complaints_by_category', { ...params, ignored: 'x' }, { cache: true });
	expect(b).toBe(a); // the same object: no query ran
	const total = (c: typeof a) => c.complaints!.filter((_, i) => c.dimension![i] === 'total' && c.month![i] == null).reduce((sum: number, v) => sum + Number(v), 0);
	expect(total(a)).toBe(1);
	// another parameter is another entry
	expect(await runChartQuery(t.store, 'complaints_by_category', { ...params, segment: 'sme' }, { cache: true })).not.toBe(a);
	await importFile(t.store, { path: t.file('complaints2.csv', csv([complaintsHeader, ['K2', 'A2', '2026-02-04T10:00:00Z', 'other', 'regulator', 'high']])), source: 'cli', table: 'complaints' });
	const c = await runChartQuery(t.store, 'complaints_by_category', params, { cache: true });
	expect(c).not.toBe(a);
	expect(total(c)).toBe(2);
});
