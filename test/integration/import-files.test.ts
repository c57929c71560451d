/**
 * Real exports are messy; files that cannot be read as their table are rejected whole and
 * change nothing; Parquet imports like CSV.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importFile, importPaths } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, fingerprint, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

const BOM = '\uFEFF';

describe('messy but valid exports import', () => {
	test('BOM, CRLF, quoted commas and newlines, blank trailing lines, upper-case columns, extra columns', async () => {
		const text =
			BOM +
			'ACCOUNT_ID,Customer_ID,Segment,PRODUCT,region,TimeZone,opened_on,Branch Name,notes\r\n' +
			'A1,C1,retail,card,US-MA,America/New_York,2024-01-01,"Boston, Back Bay","said ""call later""\r\nthen hung up"\r\n' +
			'A2,C1,SME,auto,US-NY,America/New_York,2024-02-01,,\r\n' +
			'A3,C2,corporate,utility,US-AZ,America/Phoenix,2024-03-01,"Phoenix, AZ",plain\r\n' +
			'\r\n\r\n\r\n';
		const r = await importFile(t.store, { path: t.file('accounts_2026-03.csv', text), source: 'cli' });
		expect(r).toMatchObject({ status: 'imported', table: 'accounts', rows_read: 3, rows_inserted: 3, rows_quarantined: 0, error: null });
		const rows = await t.store.rows<{ account_id: string; segment: string; extra: string | null }>(
			`SELECT account_id, segment, extra FROM accounts ORDER BY account_id`
		);
		expect(rows.map((x) => x.account_id)).toEqual(['A1', 'A2', 'A3']);
		// enum values are matched case-insensitively and stored as the contract spells them
		expect(rows[1]!.segment).toBe('sme');
		expect(JSON.parse(rows[0]!.extra!)).toEqual({ 'branch name': 'Boston, Back Bay', notes: 'said "call later"\r\nthen hung up' });
		expect(rows[1]!.extra).toBeNull();
	});

	test('a row whose first value starts with # is data, not a comment', async () => {
		const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('#1'), accountRow('A2')])), source: 'cli' });
		expect([r.rows_read, r.rows_inserted]).toEqual([2, 2]);
	});

	test('line numbers count the lines of quoted values that hold newlines', async () => {
		await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1')])), source: 'cli' });
		const text =
			interactionsHeader.join(',') +
			'\n' +
			interactionRow('I1', 'A1', { template_id: '"multi\nline\nvalue"' }).join(',') +
			'\n' +
			interactionRow('I2', 'A1', { channel: 'fax' }).join(',') +
			'\n';
		const r = await importFile(t.store, { path: t.file('interactions.csv', text), source: 'cli' });
		expect(r.rows_quarantined).toBe(1);
		const [q] = await t.store.rows<{ line_number: number }>(`SELECT line_number FROM quarantine`);
		expect(q!.line_number).toBe(5);
	});

	test('a folder imports accounts first, so references resolve within one run', async () => {
		t.file('interactions_2026-03.csv', csv([interactionsHeader, interactionRow('I1', 'A1'), interactionRow('I2', 'A2')]));
		t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')]));
		t.file('notes.md', 'not an export');
		const results = await importPaths(t.store, [t.dir], { source: 'cli' });
		expect(results.map((r) => [r.table, r.status, r.rows_inserted, r.rows_quarantined])).toEqual([
			['accounts', 'imported', 2, 0],
			['interactions', 'imported', 2, 0]
		]);
	});

	test('an interaction may refer to an account imported by an earlier import', async () => {
		await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1')])), source: 'cli' });
		const r = await importFile(t.store, { path: t.file('interactions.csv', csv([interactionsHeader, interactionRow('I1', 'A1')])), source: 'cli' });
		expect([r.rows_inserted, r.rows_quarantined]).toEqual([1, 0]);
	});

	test('Parquet imports through the same checks', async () => {
		const src = t.file('accounts_src.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2', { segment: 'gov' })]));
		const pq = `${t.dir}/accounts_export.parquet`;
		await t.store.rows(`COPY (SELECT * FROM read_csv($p, all_varchar = true)) TO '${pq}' (FORMAT parquet)`, { p: src });
		const r = await importFile(t.store, { path: pq, source: 'cli' });
		expect(r).toMatchObject({ status: 'imported', rows_read: 2, rows_inserted: 1, rows_quarantined: 1 });
		const [q] = await t.store.rows<{ line_number: number; reasons: string[] }>(`SELECT line_number, reasons FROM quarantine`);
		expect(q).toMatchObject({ line_number: 2, reasons: ['segment "gov" is not one of retail, sme, corporate'] });
	});
});

describe('files that cannot be read as their table are rejected whole and change nothing', () => {
	async function expectRejected(name: string, content: string | Buffer, message: RegExp, table?: 'accounts' | 'interactions') {
		await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')])), source: 'cli' });
		const before = await fingerprint(t.store);
		const r = await importFile(t.store, { path: t.file(name, content), source: 'cli', table });
		expect(r.status).toBe('rejected');
		expect(r.error).toMatch(message);
		const after = await fingerprint(t.store);
		// the data is untouched; only the attempt is recorded, as a rejected batch
		expect({ ...after, import_batches: '' }).toEqual({ ...before, import_batches: '' });
		const [b] = await t.store.rows<{ status: string; error: string }>(`SELECT status, error FROM import_batches WHERE batch_id = $b`, { b: BigInt(r.batch_id!) });
		expect(b).toEqual({ status: 'rejected', error: r.error });
	}

	test('a missing required column', async () => {
		const bad = csv([accountsHeader.filter((h) => h !== 'timezone'), accountRow('A9').filter((_, i) => accountsHeader[i] !== 'timezone')]);
		await expectRejected('accounts_update.csv', bad, /accounts_update\.csv cannot be read as accounts: missing required column timezone/);
	});

	test('not CSV at all (a binary file)', async () => {
		const bin = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x80, 0x81]);
		await expectRejected('accounts_image.csv', bin, /accounts_image\.csv is not a CSV file: it holds binary data/);
	});

	test('a file separated by semicolons says so', async () => {
		await expectRejected('accounts_semi.csv', accountsHeader.join(';') + '\n' + accountRow('A9').join(';') + '\n', /the file seems to be separated by ";", but exports are comma-separated/);
	});

	test('a JSON file named like an export', async () => {
		await expectRejected('accounts.json.csv', '[{"account_id": "A1"}]\n', /missing required columns? /);
	});

	test('wrong encoding (Latin-1)', async () => {
		const latin1 = Buffer.from(csv([accountsHeader, accountRow('A9', { product: 'prêt personnel' })]), 'latin1');
		await expectRejected('accounts_latin1.csv', latin1, /accounts_latin1\.csv is not UTF-8 encoded text/);
	});

	test('rows with more fields than the header', async () => {
		const text = accountsHeader.join(',') + '\n' + accountRow('A9').join(',') + ',surplus,fields\n';
		await expectRejected('accounts_ragged.csv', text, /not a well-formed CSV file|fields/);
	});

	test('UTF-16 text', async () => {
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv([accountsHeader, accountRow('A9')]), 'utf16le')]);
		await expectRejected('accounts_utf16.csv', utf16, /accounts_utf16\.csv is UTF-16 encoded; export it as UTF-8 CSV/);
	});

	test('a quote that is never closed', async () => {
		const text = accountsHeader.join(',') + '\n' + accountRow('A9', { product: '"card' }).join(',') + '\n' + accountRow('A10').join(',') + '\n';
		await expectRejected('accounts_quote.csv', text, /accounts_quote\.csv is not a well-formed CSV file/);
	});

	test('an empty file', async () => {
		await expectRejected('accounts_empty.csv', '', /accounts_empty\.csv is empty/);
	});

	test('a file whose name names no table', async () => {
		await expectRejected('export_2026.csv', csv([accountsHeader, accountRow('A9')]), /cannot tell which table export_2026\.csv is for/);
	});

	test('a header that names a column twice', async () => {
		const text = [...accountsHeader, 'SEGMENT'].join(',') + '\n' + [...accountRow('A9'), 'sme'].join(',') + '\n';
		await expectRejected('accounts_twice.csv', text, /column segment appears twice in the header/);
	});
});
