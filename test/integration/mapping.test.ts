/**
 * Mappings (docs/mappings.md) on small made-up exports, with a real DuckDB store in a temporary
 * folder: what each kind of column spec makes of the source (renames, value maps, date formats
 * with a time zone, constants, extra columns, expressions), that the mapped rows go through the
 * importer's checks and quarantine, and that a bad mapping gets a message naming the mapping's
 * file, the field and the problem, and imports nothing.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMapping, MappingError, mappingNames } from '../../src/lib/server/ingest/mapping.ts';
import { importMapped } from '../../src/lib/server/ingest/mapping-import.ts';
import { runMapping } from '../../src/lib/server/ingest/mapping-sql.ts';
import { fingerprint, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let dir: string;

const LEGACY = ['Acct,Cust,Seg,Opened,Risk,Note', '1001,C1,R,31/12/2019,640,first', '1002,C2,s,15/06/2020,,', '1003,C3,X,2020-13-01,700,bad date', ''].join('\n');

const ACCOUNTS = `# a core-banking export with its own names and formats
title: Legacy core banking accounts
tables:
  accounts:
    columns:
      account_id: Acct
      customer_id: { expr: "'C-' || Cust" }
      segment: { from: Seg, values: { R: retail, s: sme, C: corporate } }
      product: { value: card }
      region: { value: US-MA }
      timezone: { value: America/New_York }
      opened_on: { from: Opened, date_format: '%d/%m/%Y' }
      risk_score: Risk
    extra:
      note: Note
`;

const PAYMENTS_SOURCE = ['Ref,Acct,When,Amt,How', 'P1,1001,03/02/2026 14:05,12.50,DD', 'P2,1001,07/15/2026 09:30,40,CARD', 'P3,1002,01/10/2026 23:59,5,CHQ', ''].join('\n');

const PAYMENTS = `title: Legacy payments
tables:
  payments:
    where: "Amt > 0"
    columns:
      payment_id: Ref
      account_id: { expr: "CAST(Acct AS VARCHAR)" }
      paid_at: { from: When, date_format: '%m/%d/%Y %H:%M', timezone: America/New_York }
      amount: Amt
      method: { from: How, values: { DD: direct_debit, CARD: card }, default: other }
      status: { value: settled }
`;

/** the CSV files a mapping writes for a source: table → text */
async function mapped(yaml: string, sourceName: string, source: string | null): Promise<Record<string, string>> {
	writeFileSync(join(dir, 'probe.yaml'), yaml);
	const src = source === null ? join(t.dir, sourceName) : t.file(sourceName, source);
	const out = join(t.dir, 'out-' + Math.random().toString(36).slice(2));
	mkdirSync(out);
	const r = await runMapping({ path: src, fileName: sourceName, mapping: loadMapping('probe', dir), dir: out });
	return Object.fromEntries(r.tables.map((x) => [x.table, readFileSync(x.path, 'utf8')]));
}

/** writes mappings/<name>.yaml and a source file; the problems of the mapping over that source */
async function problems(yaml: string, source = LEGACY): Promise<string[]> {
	writeFileSync(join(dir, 'bad.yaml'), yaml);
	const src = t.file('source.csv', source);
	try {
		const m = loadMapping('bad', dir);
		const out = join(t.dir, 'out-' + Math.random().toString(36).slice(2));
		mkdirSync(out);
		await runMapping({ path: src, fileName: 'source.csv', mapping: m, dir: out });
		return [];
	} catch (e) {
		if (e instanceof MappingError) return e.messages;
		throw e;
	}
}

beforeAll(async () => {
	t = await tempStore();
	dir = join(t.dir, 'mappings');
	mkdirSync(dir);
	writeFileSync(join(dir, 'legacy-accounts.yaml'), ACCOUNTS);
	writeFileSync(join(dir, 'legacy-payments.yaml'), PAYMENTS);
});
afterAll(() => t.close());

describe('a mapping turns an export into contract tables', () => {
	test('renames, value maps, date formats, constants, expressions and extra columns; bad rows still go to the quarantine', async () => {
		const src = t.file('core_export.csv', LEGACY);
		const [r, ...more] = await importMapped(t.store, { path: src, mapping: loadMapping('legacy-accounts', dir), source: 'cli' });
		expect(more).toEqual([]);
		expect(r).toMatchObject({ file: 'core_export.csv (mapping legacy-accounts)', table: 'accounts', status: 'imported', rows_read: 3, rows_inserted: 2, rows_quarantined: 1 });
		const rows = await t.store.rows<Record<string, unknown>>(
			`SELECT account_id, customer_id, segment, product, opened_on::VARCHAR AS opened_on, risk_score, currency, extra::VARCHAR AS extra FROM accounts ORDER BY account_id`
		);
		expect(rows).toEqual([
			{ account_id: '1001', customer_id: 'C-C1', segment: 'retail', product: 'card', opened_on: '2019-12-31', risk_score: 640, currency: 'USD', extra: '{"note":"first"}' },
			{ account_id: '1002', customer_id: 'C-C2', segment: 'sme', product: 'card', opened_on: '2020-06-15', risk_score: null, currency: 'USD', extra: null }
		]);
		// a value the map does not name, and a date the format does not fit, reach the importer as they are: its checks say why
		const [q] = await t.store.rows<{ line_number: number; reasons: string[]; raw: string }>(`SELECT line_number, reasons, raw::VARCHAR AS raw FROM quarantine WHERE batch_id = $b`, { b: r!.batch_id });
		expect(q!.line_number).toBe(4); // the source's line: a table without unpivot or where keeps the file's rows in order
		expect(q!.reasons).toEqual(expect.arrayContaining(['segment "X" is not one of retail, sme, corporate', 'opened_on "2020-13-01" is not a date (YYYY-MM-DD)']));
		expect(JSON.parse(q!.raw)).toMatchObject({ account_id: '1003', note: 'bad date' });
	});

	test('a date and time without an offset, in the zone the mapping names; where leaves rows out; a value map with a default', async () => {
		const src = t.file('payments_export.csv', PAYMENTS_SOURCE);
		const [r] = await importMapped(t.store, { path: src, mapping: loadMapping('legacy-payments', dir), source: 'cli' });
		expect(r).toMatchObject({ table: 'payments', status: 'imported', rows_read: 3, rows_inserted: 3, rows_quarantined: 0 });
		const rows = await t.store.rows<Record<string, unknown>>(`SELECT payment_id, strftime(paid_at, '%Y-%m-%dT%H:%M:%SZ') AS paid_at, amount::VARCHAR AS amount, method FROM payments ORDER BY payment_id`);
		expect(rows).toEqual([
			// 14:05 in New York in March (EST, UTC−5) and in July (EDT, UTC−4)
			{ payment_id: 'P1', paid_at: '2026-03-02T19:05:00Z', amount: '12.50', method: 'direct_debit' },
			{ payment_id: 'P2', paid_at: '2026-07-15T13:30:00Z', amount: '40.00', method: 'card' },
			{ payment_id: 'P3', paid_at: '2026-01-11T04:59:00Z', amount: '5.00', method: 'other' }
		]);
	});

	test('an upload through a mapping: one job, one result per table, the upload headers name the mapping', async () => {
		const { receiveUpload } = await import('../../src/lib/server/ingest/upload.ts');
		const { getJob } = await import('../../src/lib/server/ingest/jobs.ts');
		const { uploadHeadersSchema } = await import('../../src/lib/schemas.ts');
		expect(uploadHeadersSchema.parse({ fileName: 'UCI.csv', mapping: 'uci-credit-card' }).mapping).toBe('uci-credit-card');
		expect(uploadHeadersSchema.safeParse({ fileName: 'UCI.csv', mapping: '../../etc/passwd' }).error?.issues[0]?.message).toMatch(/a mapping is named by its file in mappings\/ without \.yaml/);
		expect(uploadHeadersSchema.safeParse({ fileName: 'UCI.csv', mapping: 'uci-credit-card', table: 'accounts' }).error?.issues[0]?.message).toBe(
			'choose a table or a mapping, not both: a mapping says which tables the file becomes'
		);
		const body = new Blob([PAYMENTS_SOURCE]).stream();
		const job = await receiveUpload(t.store, body, { fileName: 'pay.csv', mapping: loadMapping('legacy-payments', dir), maxBytes: 1_000_000 });
		expect(job.mapping).toBe('legacy-payments');
		for (let i = 0; i < 200 && getJob(job.id)!.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
		const done = getJob(job.id)!;
		expect(done.results.map((r) => [r.file, r.table, r.status, r.rows_read])).toEqual([['pay.csv (mapping legacy-payments)', 'payments', 'imported', 3]]);
		expect(done.result).toEqual(done.results[0]);
		// the refresh that follows an import runs on the job queue: let it end before the store closes
		await (globalThis as { __curewiseQueue?: Promise<unknown> }).__curewiseQueue;
	});

	test("a CSV's dates are read as text and parsed with the mapping's format, never guessed", async () => {
		// 03/02/2020 is 3 February in one format and 2 March in the other; DuckDB alone would guess one
		const source = ['Acct,Cust,Seg,Opened,Risk,Note', '2001,C9,R,03/02/2020,1,x', '2002,C9,R,04/05/2021,1,y', ''].join('\n');
		const days = (csv: string) => csv.trim().split('\n').slice(1).map((l) => l.split(',')[6]);
		expect(days((await mapped(ACCOUNTS, 'dm.csv', source)).accounts!)).toEqual(['2020-02-03', '2021-05-04']);
		expect(days((await mapped(ACCOUNTS.replace("'%d/%m/%Y'", "'%m/%d/%Y'"), 'md.csv', source)).accounts!)).toEqual(['2020-03-02', '2021-04-05']);
	});

	test('a Parquet export maps as its CSV does', async () => {
		const csvPath = t.file('legacy.csv', LEGACY);
		const parquet = join(t.dir, 'legacy.parquet');
		await t.store.rows(`COPY (SELECT * FROM read_csv('${csvPath}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
		const fromCsv = await mapped(ACCOUNTS, 'legacy.csv', null);
		const fromParquet = await mapped(ACCOUNTS, 'legacy.parquet', null);
		expect(fromParquet).toEqual(fromCsv);
		rmSync(parquet);
	});

	test('mappings are chosen by name from the folder, never by a path', () => {
		expect(mappingNames(dir)).toEqual(expect.arrayContaining(['legacy-accounts', 'legacy-payments']));
		for (const name of ['../mappings/legacy-accounts', 'legacy-accounts.yaml', '/etc/passwd', 'nope']) {
			expect(() => loadMapping(name, dir)).toThrow(`there is no mapping called "${name}": the mappings are: ${mappingNames(dir).join(', ')}`);
		}
	});

	test('the project has the UCI mapping and it is valid', () => {
		expect(mappingNames()).toContain('uci-credit-card');
		expect(loadMapping('uci-credit-card').spec.title).toMatch(/UCI/);
	});
});

describe('a bad mapping is refused with the file, the field and the problem', () => {
	const file = 'mappings/bad.yaml';
	const withColumn = (from: RegExp, to: string) => {
		const y = ACCOUNTS.replace(from, to);
		expect(y).not.toBe(ACCOUNTS);
		return y;
	};

	test('an unknown field', async () => {
		expect(await problems(ACCOUNTS.replace('    columns:', '    colums:'))).toEqual([
			`${file}: tables.accounts.columns: is missing (expected record)`,
			`${file}: tables.accounts: unknown field "colums"; a table has unpivot, let, where, columns, extra`
		]);
		expect(await problems(withColumn(/account_id: Acct/, 'account_id: { form: Acct }'))).toEqual([
			`${file}: tables.accounts.columns.account_id: unknown field "form"; a column has from, expr, value, values, default, date_format, timezone`,
			`${file}: tables.accounts.columns.account_id: say where the value comes from: from (a source column), expr (an expression) or value (a constant)`
		]);
		expect(await problems(ACCOUNTS.replace('title:', 'titel:'))).toContain(`${file}: unknown field "titel"; a mapping has title, description, source, tables`);
	});

	test('a table or a column that the contract does not have, a required column left out', async () => {
		expect(await problems(ACCOUNTS.replace('  accounts:', '  acounts:'))).toEqual([`${file}: tables.acounts: unknown table "acounts"; the contract's tables are accounts, delinquencies, interactions, payments, complaints, contact_preferences, experiment_assignments`]);
		expect(await problems(withColumn(/region: \{ value: US-MA \}/, 'regoin: { value: US-MA }'))).toEqual([
			`${file}: tables.accounts.columns.regoin: accounts has no column regoin (its columns: account_id, customer_id, segment, product, region, timezone, opened_on, currency, risk_score, vulnerable, closed_on, closed_reason, locality); a column outside the contract goes under extra`,
			`${file}: tables.accounts.columns: the contract's required column region is not mapped`
		]);
		expect(await problems(withColumn(/      product: \{ value: card \}\n/, ''))).toEqual([`${file}: tables.accounts.columns: the contract's required column product is not mapped`]);
		expect(await problems(withColumn(/note: Note/, 'region: Note'))).toEqual([`${file}: tables.accounts.extra.region: region is a column of accounts: map it under columns`]);
		expect(await problems(withColumn(/risk_score: Risk/, "risk_score: { from: Risk, date_format: '%Y' }"))).toEqual([
			`${file}: tables.accounts.columns.risk_score.date_format: risk_score is not a date or time column`
		]);
	});

	test('a source column that is not there', async () => {
		expect(await problems(withColumn(/account_id: Acct/, 'account_id: AcctNo'))).toEqual([
			`${file}: tables.accounts.columns.account_id.from: there is no column AcctNo (the columns are: Acct, Cust, Seg, Opened, Risk, Note)`
		]);
		expect(await problems(withColumn(/"'C-' \|\| Cust"/, `"'C-' || CustNo"`))).toEqual([
			expect.stringMatching(/^mappings\/bad\.yaml: tables\.accounts\.columns\.customer_id\.expr: Binder Error: Referenced column "CustNo" not found in FROM clause!/)
		]);
	});

	test('an expression that is not one, or that is more than one', async () => {
		const expr = async (e: string) => (await problems(withColumn(/"'C-' \|\| Cust"/, JSON.stringify(e))))[0];
		const at = `${file}: tables.accounts.columns.customer_id.expr:`;
		expect(await expr(`'C-' || (Cust`)).toMatch(new RegExp(`^${at} is not an expression \\(syntax error\\): syntax error at end of input`));
		expect(await expr(`no_such_function(Cust)`)).toMatch(new RegExp(`^${at} Catalog Error: Scalar Function with name no_such_function does not exist`));
		expect(await expr(`Cust; DROP TABLE accounts`)).toBe(`${at} a ; ends a statement: write one expression (what could follow SELECT), without ;`);
		expect(await expr(`Cust FROM source WHERE true`)).toBe(`${at} is not an expression (syntax error): syntax error at or near "FROM"`);
		// a closing parenthesis does not get out of the expression
		expect(await expr(`Cust) FROM read_text('/etc/passwd') WHERE (true`)).toBe(
			`${at} is not a single expression: write what could follow SELECT, without FROM, WHERE, ORDER BY or a second statement`
		);
		expect(await expr(`(SELECT max(Cust) FROM source)`)).toMatch(new RegExp(`^${at} a subquery \\(SELECT …\\) is not allowed`));
		expect(await expr(`max(Cust)`)).toMatch(new RegExp(`^${at} an aggregate \\(sum, count, max, …\\) gives one value for all rows`));
		// a ; inside a string is text, not a second statement
		expect(await expr(`'C;' || Cust`)).toBeUndefined();
	});

	test('a date format, a time zone or a type that does not fit the column', async () => {
		expect(await problems(withColumn(/'%d\/%m\/%Y'/, `'%d/%Q'`))).toEqual([expect.stringMatching(/^mappings\/bad\.yaml: tables\.accounts\.columns\.opened_on\.date_format: .*%Q/)]);
		expect(await problems(withColumn(/opened_on: \{ from: Opened, date_format: '%d\/%m\/%Y' \}/, 'opened_on: Risk'))).toEqual([
			`${file}: tables.accounts.columns.opened_on: gives BIGINT values, but opened_on is a date (YYYY-MM-DD)`
		]);
		const payments = (from: RegExp, to: string) => problems(PAYMENTS.replace(from, to), PAYMENTS_SOURCE);
		expect(await payments(/, timezone: America\/New_York/, '')).toEqual([
			`${file}: tables.payments.columns.paid_at: gives TIMESTAMP values, without a time zone, but paid_at is a moment in time: add timezone: with the zone they are in (e.g. timezone: Asia/Taipei)`
		]);
		expect(await payments(/America\/New_York/, 'Mars/Olympus_Mons')).toEqual([
			`${file}: tables.payments.columns.paid_at.timezone: Mars/Olympus_Mons is not a known IANA time zone (e.g. Asia/Taipei, America/New_York)`
		]);
		expect(await payments(/"Amt > 0"/, '"Amt"')).toEqual([`${file}: tables.payments.where: gives DOUBLE values: a condition is true or false (e.g. paid > 0)`]);
		expect(await payments(/"Amt > 0"/, '"row_number() OVER (ORDER BY Ref) > 1"')).toEqual([
			expect.stringMatching(/^mappings\/bad\.yaml: tables\.payments\.where: Binder Error: WHERE clause cannot contain window functions!; compute it under let and test that name here$/)
		]);
	});

	test('unpivot and let: columns that are not there, names already taken', async () => {
		const wide = ['id,s1,s2,a1,a2', '1,0,2,10,20', ''].join('\n');
		const base = `title: wide
tables:
  payments:
    unpivot:
      name: month
      values: [status, paid]
      on:
        - { as: '2026-01', columns: [s1, a1] }
        - { as: '2026-02', columns: [s2, a2] }
    let:
      day: "month || '-15T12:00:00Z'"
    where: "paid > 0"
    columns:
      payment_id: { expr: "id || '-' || month" }
      account_id: { expr: "CAST(id AS VARCHAR)" }
      paid_at: day
      amount: paid
      method: { value: other }
      status: { value: settled }
`;
		expect(await problems(base, wide)).toEqual([]);
		expect(await problems(base.replace('[s2, a2]', '[s3, a2]'), wide)).toEqual([`${file}: tables.payments.unpivot.on.1.columns.0: the source has no column s3 (its columns: id, s1, s2, a1, a2)`]);
		expect(await problems(base.replace('[s2, a2]', '[s2]'), wide)).toEqual([`${file}: tables.payments.unpivot.on.1.columns: the group "2026-02" has 1 column, but values names 2 (status, paid)`]);
		expect(await problems(base.replace('values: [status, paid]', 'values: [id, paid]'), wide)).toEqual([`${file}: tables.payments.unpivot: the source already has a column id: give the new column another name`]);
		expect(await problems(base.replace('      day:', '      ID:'), wide)).toEqual([`${file}: tables.payments.let.ID: there is already a column ID: give it another name`]);
	});

	test('a YAML syntax error, and a file that holds no mapping', async () => {
		expect(await problems('title: [unclosed\ntables: {}\n')).toEqual([expect.stringMatching(/^mappings\/bad\.yaml: YAML syntax error at line \d+, column \d+: /)]);
		expect(await problems('just text\n')).toEqual([`${file}: holds no mapping (expected fields such as title, source and tables)`]);
	});

	test('the import of a file through a bad mapping changes no data and is recorded as rejected', async () => {
		writeFileSync(join(dir, 'broken.yaml'), ACCOUNTS.replace(`"'C-' || Cust"`, `"'C-' || CustNo"`));
		const before = await fingerprint(t.store);
		const src = t.file('core_export.csv', LEGACY);
		const [r, ...more] = await importMapped(t.store, { path: src, mapping: loadMapping('broken', dir), source: 'cli' });
		expect(more).toEqual([]);
		expect(r).toMatchObject({ file: 'core_export.csv (mapping broken)', table: null, status: 'rejected', rows_read: 0 });
		expect(r!.error).toMatch(/^mappings\/broken\.yaml: tables\.accounts\.columns\.customer_id\.expr: Binder Error: Referenced column "CustNo" not found/);
		const after = await fingerprint(t.store);
		for (const table of Object.keys(before).filter((k) => k !== 'import_batches')) expect(after[table], table).toBe(before[table]);
		const [batch] = await t.store.rows<{ status: string; error: string }>(`SELECT status, error FROM import_batches WHERE batch_id = $b`, { b: r!.batch_id });
		expect(batch).toEqual({ status: 'rejected', error: r!.error });
	});
});
