/**
 * Limits on the shape of an imported file (issue 17, item 5): a 0.9 MB header of 130,000
 * columns ran DuckDB out of memory after 11 s, and one 1 MB cell made every Overview 3.2 MB.
 * A header wider than MAX_COLUMNS is refused before DuckDB reads the file; a row with a value
 * longer than its column's limit is quarantined, with the column, the line and the limit.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importFile } from '../../src/lib/server/ingest/import.ts';
import { MAX_COLUMNS, MAX_EXTRA_VALUE_CHARS, MAX_VALUE_CHARS } from '../../src/lib/server/ingest/limits.ts';
import { quarantinedRows } from '../../src/lib/server/data/batches.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
	const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')])), source: 'cli' });
	expect(r.status).toBe('imported');
});
afterAll(() => t.close());

const accountsBase = 'account_id,customer_id,segment,product,region,timezone,opened_on';

describe('columns per file', () => {
	test('the limits are what docs/importing.md says', () => {
		expect([MAX_COLUMNS, MAX_VALUE_CHARS, MAX_EXTRA_VALUE_CHARS]).toEqual([500, 1_000, 10_000]);
		const doc = readFileSync('docs/importing.md', 'utf8').replace(/\s+/g, ' ');
		const n = (x: number) => x.toLocaleString('en-US');
		expect(doc).toContain(`a file has at most **${n(MAX_COLUMNS)}** columns`);
		expect(doc).toContain(`a value of a contract column is at most **${n(MAX_VALUE_CHARS)} characters**`);
		expect(doc).toContain(`a value of an extra column at most **${n(MAX_EXTRA_VALUE_CHARS)}**`);
	});

	test('a 0.9 MB header of 130,000 columns is refused at once, saying how many and the limit', async () => {
		const header = [...accountsBase.split(','), ...Array.from({ length: 130_000 - 7 }, (_, i) => `c${i}`)].join(',');
		expect(header.length).toBeGreaterThan(900_000);
		const t0 = performance.now();
		const r = await importFile(t.store, { path: t.file('accounts_wide.csv', header + '\n'), source: 'cli' });
		expect(performance.now() - t0).toBeLessThan(2_000);
		expect(r.status).toBe('rejected');
		expect(r.error).toBe("accounts_wide.csv has 130,000 columns in its header; the limit is 500 (the table's columns and extra ones together)");
	});

	test('500 columns import (the extra ones kept); 501 are refused; quoted commas are not separators', async () => {
		const extra = (n: number) => Array.from({ length: n }, (_, i) => `"note, ${i}"`);
		const row = 'A3,C-A3,retail,card,US-MA,America/New_York,2024-01-01';
		const ok = await importFile(t.store, {
			path: t.file('accounts_500.csv', [[accountsBase, ...extra(MAX_COLUMNS - 7)].join(','), [row, ...extra(MAX_COLUMNS - 7).map(() => 'x')].join(',')].join('\n') + '\n'),
			source: 'cli'
		});
		expect(ok.error).toBeNull();
		expect(ok.rows_inserted).toBe(1);
		const wide = await importFile(t.store, { path: t.file('accounts_501.csv', [accountsBase, ...extra(MAX_COLUMNS - 6)].join(',') + '\n' + row + '\n'), source: 'cli' });
		expect(wide.error).toBe("accounts_501.csv has 501 columns in its header; the limit is 500 (the table's columns and extra ones together)");
	});

	test('a Parquet file of 600 columns is refused', async () => {
		const path = t.dir + '/accounts_wide.parquet';
		const cols = [`'A9' AS account_id`, `'C9' AS customer_id`, ...Array.from({ length: 598 }, (_, i) => `${i} AS c${i}`)];
		await t.store.rows(`COPY (SELECT ${cols.join(', ')}) TO '${path}' (FORMAT parquet)`);
		const r = await importFile(t.store, { path, source: 'cli' });
		expect(r.error).toBe("accounts_wide.parquet has 600 columns; the limit is 500 (the table's columns and extra ones together)");
	});

	test('a header line that does not end within 2,000,000 bytes is refused, as is a 1,001-character column name', async () => {
		const long = await importFile(t.store, { path: t.file('accounts_long.csv', accountsBase + ',' + 'x'.repeat(2_100_000) + '\n'), source: 'cli' });
		expect(long.error).toBe(
			"accounts_long.csv: its header line is longer than 2,000,000 bytes; a column's name is at most 1,000 characters, and a file has at most 500 columns"
		);
		const name = await importFile(t.store, { path: t.file('accounts_name.csv', accountsBase + ',' + 'n'.repeat(1_001) + '\nA4,C-A4,retail,card,US-MA,America/New_York,2024-01-01,x\n'), source: 'cli' });
		expect(name.error).toBe('accounts_name.csv: the name of column 8 in the header is 1,001 characters long; the limit is 1,000');
	});
});

describe('value lengths', () => {
	test('a 1 MB agent_id is quarantined with the column, its line and the limit; the quarantine keeps it cut; the other rows import', async () => {
		const huge = 'a'.repeat(1024 * 1024);
		const r = await importFile(t.store, {
			path: t.file(
				'interactions_long.csv',
				csv([interactionsHeader, interactionRow('I1', 'A1'), interactionRow('I2', 'A1', { agent_id: huge }), interactionRow('I3', 'A2', { agent_id: 'x'.repeat(MAX_VALUE_CHARS) })])
			),
			source: 'cli'
		});
		expect(r).toMatchObject({ status: 'imported', rows_read: 3, rows_inserted: 2, rows_quarantined: 1 });
		const [q] = await quarantinedRows(t.store, r.batch_id!);
		expect(q!.line_number).toBe(3);
		expect(q!.reasons).toEqual(['agent_id is 1,048,576 characters long; the limit is 1,000']);
		expect(q!.raw.agent_id).toBe('a'.repeat(1_000) + ' …[cut: 1,048,576 characters]');
		expect(q!.raw.interaction_id).toBe('I2');
		// the stored values stay within the limit
		const [{ n }] = (await t.store.rows<{ n: number }>(`SELECT max(length(agent_id)) AS n FROM interactions`)) as [{ n: number }];
		expect(n).toBe(MAX_VALUE_CHARS);
	});

	test('the limit is in characters, not bytes; an over-long key or date is quarantined too, with its other reasons', async () => {
		const r = await importFile(t.store, {
			path: t.file(
				'interactions_chars.csv',
				csv([
					interactionsHeader,
					interactionRow('I4', 'A1', { template_id: 'é'.repeat(MAX_VALUE_CHARS) }),
					interactionRow('K'.repeat(5_000), 'A1'),
					interactionRow('I5', 'A1', { occurred_at: '2'.repeat(1_001) })
				])
			),
			source: 'cli'
		});
		expect(r).toMatchObject({ rows_inserted: 1, rows_quarantined: 2 });
		const q = await quarantinedRows(t.store, r.batch_id!);
		expect(q.map((x) => [x.line_number, x.reasons])).toEqual([
			[3, ['interaction_id is 5,000 characters long; the limit is 1,000']],
			[4, ['occurred_at is 1,001 characters long; the limit is 1,000', `occurred_at "${'2'.repeat(60)}" is not a timestamp with a UTC offset (e.g. 2026-03-02T14:05:00-05:00)`]]
		]);
		expect(q[0]!.record_key!.length).toBeLessThan(1_100);
	});

	test('an extra column (free text) may hold 10,000 characters, not 10,001', async () => {
		const r = await importFile(t.store, {
			path: t.file(
				'accounts_notes.csv',
				csv([
					[...accountsHeader, 'Notes'],
					[...accountRow('A5'), 'n'.repeat(MAX_EXTRA_VALUE_CHARS)],
					[...accountRow('A6'), 'n'.repeat(MAX_EXTRA_VALUE_CHARS + 1)]
				])
			),
			source: 'cli'
		});
		expect(r).toMatchObject({ rows_inserted: 1, rows_quarantined: 1 });
		const [q] = await quarantinedRows(t.store, r.batch_id!);
		expect(q!.reasons).toEqual(['notes is 10,001 characters long; the limit is 10,000']);
		expect([q!.line_number, q!.raw.notes!.length]).toEqual([3, 10_000 + ' …[cut: 10,001 characters]'.length]);
	});

	test('a fixed quarantine file whose value is still cut is quarantined again, never imported cut', async () => {
		// as the quarantine's CSV download writes it (quoted: the count has commas)
		const cut = '"' + 'a'.repeat(1_000) + ' …[cut: 1,048,576 characters]"';
		const r = await importFile(t.store, { path: t.file('interactions_refix.csv', csv([interactionsHeader, interactionRow('I2', 'A1', { agent_id: cut })])), source: 'cli' });
		expect(r).toMatchObject({ rows_inserted: 0, rows_quarantined: 1 });
		const [q] = await quarantinedRows(t.store, r.batch_id!);
		expect(q!.reasons).toEqual(['agent_id is 1,029 characters long; the limit is 1,000']);
	});

	test('a row longer than a line may be (2,000,000 bytes) is refused with the limits', async () => {
		const r = await importFile(t.store, {
			path: t.file('interactions_line.csv', csv([interactionsHeader, interactionRow('I6', 'A1'), interactionRow('I7', 'A1', { agent_id: 'b'.repeat(2_100_000) })])),
			source: 'cli'
		});
		expect(r.status).toBe('rejected');
		expect(r.error).toMatch(/^interactions_line\.csv has a row \(line 3\) longer than 2,000,000 bytes, more than any row can hold: a value is at most 1,000 characters \(10,000 in an extra column\)$/);
	});
});
