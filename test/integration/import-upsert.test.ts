/** Upsert by primary key: new rows inserted, changed rows replaced, identical rows untouched; no duplicates. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

const counts = (r: { rows_inserted: number; rows_updated: number; rows_unchanged: number; rows_quarantined: number }) => [
	r.rows_inserted,
	r.rows_updated,
	r.rows_unchanged,
	r.rows_quarantined
];

test('re-importing the same file changes nothing and adds no duplicates', async () => {
	const file = t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2'), accountRow('A3')]));
	const first = await importFile(t.store, { path: file, source: 'cli' });
	expect(counts(first)).toEqual([3, 0, 0, 0]);
	const second = await importFile(t.store, { path: file, source: 'cli' });
	expect(counts(second)).toEqual([0, 0, 3, 0]);
	const rows = await t.store.rows<{ account_id: string; import_batch_id: number }>(`SELECT account_id, import_batch_id FROM accounts ORDER BY 1`);
	expect(rows).toEqual([
		{ account_id: 'A1', import_batch_id: first.batch_id },
		{ account_id: 'A2', import_batch_id: first.batch_id },
		{ account_id: 'A3', import_batch_id: first.batch_id }
	]);
});

test('a later export inserts new rows, replaces changed ones and leaves identical ones', async () => {
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2'), accountRow('A3')])), source: 'cli' });
	const later = await importFile(t.store, {
		path: t.file('accounts_2026-04.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2', { risk_score: 900, closed_on: '2026-04-01', closed_reason: 'customer_left' }), accountRow('A4')])),
		source: 'cli'
	});
	expect(counts(later)).toEqual([1, 1, 1, 0]);
	const rows = await t.store.rows(`SELECT account_id, risk_score, closed_reason, import_batch_id FROM accounts ORDER BY 1`);
	expect(rows).toEqual([
		{ account_id: 'A1', risk_score: 500, closed_reason: null, import_batch_id: 1 },
		{ account_id: 'A2', risk_score: 900, closed_reason: 'customer_left', import_batch_id: later.batch_id },
		{ account_id: 'A3', risk_score: 500, closed_reason: null, import_batch_id: 1 },
		{ account_id: 'A4', risk_score: 500, closed_reason: null, import_batch_id: later.batch_id }
	]);
});

test('a change only in an extra column counts as a change', async () => {
	await importFile(t.store, { path: t.file('accounts.csv', csv([[...accountsHeader, 'branch'], [...accountRow('A1'), 'Boston']])), source: 'cli' });
	const r = await importFile(t.store, { path: t.file('accounts.csv', csv([[...accountsHeader, 'branch'], [...accountRow('A1'), 'Salem']])), source: 'cli' });
	expect(counts(r)).toEqual([0, 1, 0, 0]);
	const [row] = await t.store.rows<{ extra: string }>(`SELECT extra FROM accounts`);
	expect(JSON.parse(row!.extra)).toEqual({ branch: 'Salem' });
});

test('fixed quarantined rows import on a second try and are marked resolved', async () => {
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1')])), source: 'cli' });
	const bad = await importFile(t.store, {
		path: t.file('interactions.csv', csv([interactionsHeader, interactionRow('I1', 'A1'), interactionRow('I2', 'A1', { occurred_at: '2026-03-02 09:00' })])),
		source: 'cli'
	});
	expect(counts(bad)).toEqual([1, 0, 0, 1]);
	const fixed = await importFile(t.store, {
		path: t.file('interactions_fixed.csv', csv([[...interactionsHeader, 'source_line', 'quarantine_reasons'], [...interactionRow('I2', 'A1', { occurred_at: '2026-03-02T09:00:00-05:00' }), 3, 'occurred_at has no UTC offset']])),
		source: 'cli'
	});
	expect(counts(fixed)).toEqual([1, 0, 0, 0]);
	const [q] = await t.store.rows<{ resolved_batch_id: number }>(`SELECT resolved_batch_id FROM quarantine`);
	expect(q!.resolved_batch_id).toBe(fixed.batch_id);
	// the annotation columns of a quarantine download are not kept as extra data
	const [i2] = await t.store.rows<{ extra: string | null }>(`SELECT extra FROM interactions WHERE interaction_id = 'I2'`);
	expect(i2!.extra).toBeNull();
	expect(await t.store.rows(`SELECT count(*) AS n FROM interactions`)).toEqual([{ n: 2 }]);
});

test('a 100,000-row import stores every row once', async () => {
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, ...Array.from({ length: 1000 }, (_, i) => accountRow('A' + i))])), source: 'cli' });
	const lines = [interactionsHeader.join(',')];
	for (let i = 0; i < 100_000; i++) {
		const a = 'A' + (i % 1000);
		const bad = i % 10_000 === 9_999; // ten bad rows
		lines.push(interactionRow('I' + i, a, bad ? { channel: 'pigeon' } : { occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() }).join(','));
	}
	const r = await importFile(t.store, { path: t.file('interactions_big.csv', lines.join('\n') + '\n'), source: 'cli' });
	expect([r.rows_read, ...counts(r)]).toEqual([100_000, 99_990, 0, 0, 10]);
	const [s] = await t.store.rows<{ n: number; ids: number; first: Date }>(
		`SELECT count(*) AS n, count(DISTINCT interaction_id) AS ids, min(occurred_at) AS first FROM interactions`
	);
	expect(s!.n).toBe(99_990);
	expect(s!.ids).toBe(99_990);
	expect(s!.first.toISOString()).toBe('2026-01-01T00:00:00.000Z');
	const lineNumbers = await t.store.rows<{ line_number: number }>(`SELECT line_number FROM quarantine ORDER BY 1`);
	expect(lineNumbers.map((x) => x.line_number)).toEqual(Array.from({ length: 10 }, (_, k) => (k + 1) * 10_000 + 1));
	// the same file again: all unchanged
	const again = await importFile(t.store, { path: t.file('interactions_big.csv', lines.join('\n') + '\n'), source: 'cli' });
	expect(counts(again)).toEqual([0, 0, 99_990, 10]);
});
