/** The quarantine download: every row, in the export's own columns, importable again once fixed. */
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { listBatches, quarantineCsvFile, quarantinedRows } from '../../src/lib/server/data/batches.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

test('download, fix and import again', async () => {
	const rows = [accountsHeader.map((h) => h.toUpperCase()).concat('Branch'), ...Array.from({ length: 1500 }, (_, i) => [...accountRow('A' + i, i % 3 === 0 ? { segment: 'Gov, "federal"' } : {}), 'Main St'])];
	const bad = await importFile(t.store, { path: t.file('accounts.csv', csv(rows.map((r) => r.map((c) => (typeof c === 'string' && /[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))))), source: 'cli' });
	expect(bad.rows_quarantined).toBe(500);

	const { path, dir } = await quarantineCsvFile(t.store, bad.batch_id!);
	const text = readFileSync(path, 'utf8');
	rmSync(dir, { recursive: true });
	const lines = text.trim().split('\n');
	expect(lines).toHaveLength(501);
	expect(lines[0]).toBe([...accountsHeader, 'branch', 'source_line', 'quarantine_reasons'].join(','));
	expect(lines[1]).toContain('"Gov, ""federal"""');
	expect(lines[1]).toBe(
		'A0,C-A0,"Gov, ""federal""",card,US-MA,America/New_York,2024-01-15,USD,500,false,,,Main St,2,"segment ""Gov, ""federal"""" is not one of retail, sme, corporate"'
	);

	const fixed = t.file('accounts_fixed.csv', text.replaceAll(',"Gov, ""federal""",card,', ',sme,card,'));
	const again = await importFile(t.store, { path: fixed, source: 'upload' });
	expect([again.status, again.rows_inserted, again.rows_quarantined]).toEqual(['imported', 500, 0]);
	const [batch] = (await listBatches(t.store)).filter((b) => b.batch_id === bad.batch_id);
	expect(batch!.rows_open).toBe(0);
	expect((await quarantinedRows(t.store, bad.batch_id!)).every((r) => r.resolved_batch_id === again.batch_id)).toBe(true);
	// the branch column came back as extra data, the annotation columns did not
	const [a0] = await t.store.rows<{ segment: string; extra: string }>(`SELECT segment, extra FROM accounts WHERE account_id = 'A0'`);
	expect(a0!.segment).toBe('sme');
	expect(JSON.parse(a0!.extra)).toEqual({ branch: 'Main St' });
});

test('an upload larger than the limit is refused with a clear message and nothing is imported', async () => {
	const { receiveUpload, UploadError } = await import('../../src/lib/server/ingest/upload.ts');
	const body = new Blob([csv([accountsHeader, ...Array.from({ length: 2000 }, (_, i) => accountRow('U' + i))])]).stream();
	const err = await receiveUpload(t.store, body, { fileName: 'accounts.csv', maxBytes: 10_000 }).catch((e) => e);
	expect(err).toBeInstanceOf(UploadError);
	expect(err.status).toBe(413);
	expect(err.message).toMatch(/^accounts\.csv is [\d,.]+ (MB|bytes); the upload limit is 10,000 bytes/);
	expect(await t.store.rows(`SELECT count(*) AS n FROM accounts`)).toEqual([{ n: 0 }]);
	expect(await t.store.rows(`SELECT count(*) AS n FROM import_batches`)).toEqual([{ n: 0 }]);
});
