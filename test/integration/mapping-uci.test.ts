/**
 * The worked mapping: the public UCI credit-card data (mappings/uci-credit-card.yaml) imported
 * into a real store, and its KPIs against those computed independently from the raw CSV with
 * Python's csv module by the rules of docs/mappings.md (test/fixtures/uci/make_uci_kpis.py, its
 * output kept in kpis.json). A fixed sample of 2,000 rows (the file's first) lives in
 * test/fixtures/uci; the whole file (30,000 rows) is imported too when
 * ../shared/datasets/uci-credit-default/ holds it. Both through the functions, and the sample
 * through the command line (import --mapping, kpis --json).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { afterImport } from '../../src/lib/server/ingest/after.ts';
import { loadMapping } from '../../src/lib/server/ingest/mapping.ts';
import { importMapped } from '../../src/lib/server/ingest/mapping-import.ts';
import type { ImportResult } from '../../src/lib/server/ingest/import.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiSummary, type KpiValue } from '../../src/lib/server/kpi/values.ts';
import { expectSameKpis } from '../support/kpi.ts';
import { tempStore, type TempStore } from '../support/store.ts';

interface Reference {
	file: string;
	accounts: number;
	episodes: number;
	episodes_cured: number;
	payments: number;
	payments_total: number;
	as_of: string;
	periods: { from: string; to: string; episodes: number; kpis: Record<string, KpiValue> }[];
}

const REF = JSON.parse(readFileSync('test/fixtures/uci/kpis.json', 'utf8')) as { sample: Reference; full?: Reference };
const SAMPLE = resolve('test/fixtures/uci/UCI_Credit_Card_sample.csv');
const FULL = resolve('../shared/datasets/uci-credit-default/UCI_Credit_Card.csv');

/** the KPIs as the store computes them against the reference: the same names, counts, flags; fractions to 1e-12 of their size (sums of shares are added in another order) */
function expectReference(got: Record<string, KpiValue>, want: Record<string, KpiValue>, where: string) {
	expect(Object.keys(got).sort(), where).toEqual(Object.keys(want).sort());
	for (const [name, w] of Object.entries(want)) {
		const g = got[name]!;
		expect(Object.keys(g).sort(), `${where} ${name}`).toEqual(Object.keys(w).sort());
		for (const [k, v] of Object.entries(w)) {
			const x = (g as unknown as Record<string, unknown>)[k];
			if (typeof v === 'number' && !Number.isInteger(v)) {
				expect(typeof x, `${where} ${name}.${k}`).toBe('number');
				expect(Math.abs((x as number) - v), `${where} ${name}.${k}: ${x} vs ${v}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
			}
			else expect(x, `${where} ${name}.${k}`).toEqual(v);
		}
	}
}

async function importUci(t: TempStore, path: string): Promise<ImportResult[]> {
	return importMapped(t.store, { path, mapping: loadMapping('uci-credit-card'), source: 'cli' });
}

function checks(label: string, path: string, ref: Reference | undefined) {
	describe(`the UCI mapping on the ${label}`, () => {
		let t: TempStore;
		let results: ImportResult[];
		beforeAll(async () => {
			t = await tempStore();
			results = await importUci(t, path);
		});
		afterAll(() => t.close());

		test('imports accounts, delinquency episodes and payments, nothing quarantined', async () => {
			const name = `${path.split('/').pop()} (mapping uci-credit-card)`;
			expect(results.map((r) => [r.file, r.table, r.status, r.rows_read, r.rows_inserted, r.rows_quarantined, r.error])).toEqual([
				[name, 'accounts', 'imported', ref!.accounts, ref!.accounts, 0, null],
				[name, 'delinquencies', 'imported', ref!.episodes, ref!.episodes, 0, null],
				[name, 'payments', 'imported', ref!.payments, ref!.payments, 0, null]
			]);
			const [c] = await t.store.rows<{ cured: number; paid: number; opened: string; zones: number }>(
				`SELECT (SELECT count(*) FROM delinquencies WHERE cured_on IS NOT NULL) AS cured,
					(SELECT sum(amount)::DOUBLE FROM payments) AS paid,
					(SELECT min(opened_on)::VARCHAR FROM accounts) AS opened,
					(SELECT count(DISTINCT timezone) FROM accounts) AS zones`
			);
			expect(c).toEqual({ cured: ref!.episodes_cured, paid: ref!.payments_total, opened: '2005-04-01', zones: 1 });
			expect(await dataAsOf(t.store)).toBe(ref!.as_of);
		});

		test('its KPIs are those computed from the raw CSV, from the raw tables and from the summary tables', async () => {
			for (const p of ref!.periods) {
				const raw = await kpiSummary(t.store, { from: p.from, to: p.to, as_of: ref!.as_of });
				expect(raw.source).toBe('raw');
				expectReference(raw.kpis, p.kpis, `${label} ${p.from}–${p.to}`);
			}
			await afterImport(t.store, true, () => {});
			for (const p of ref!.periods) {
				const raw = await kpiSummary(t.store, { from: p.from, to: p.to, as_of: ref!.as_of }, { source: 'raw' });
				const summary = await kpiSummary(t.store, { from: p.from, to: p.to, as_of: ref!.as_of });
				expect(summary.source).toBe('summary');
				expectSameKpis(summary.kpis, raw.kpis, `${label} ${p.from}–${p.to} summary`);
			}
		});

		test('importing the same file again changes nothing', async () => {
			const again = await importUci(t, path);
			expect(again.map((r) => [r.table, r.rows_inserted, r.rows_updated, r.rows_unchanged])).toEqual([
				['accounts', 0, 0, ref!.accounts],
				['delinquencies', 0, 0, ref!.episodes],
				['payments', 0, 0, ref!.payments]
			]);
		});
	});
}

checks('2,000-row sample', SAMPLE, REF.sample);
describe.skipIf(!existsSync(FULL) || !REF.full)('the whole file', () => checks('whole file (30,000 rows)', FULL, REF.full));

describe('the command line', () => {
	let t: TempStore;
	beforeAll(async () => {
		t = await tempStore();
		await t.store.close(); // the CLI opens the file itself
	});
	afterAll(() => t.close());
	const cli = (args: string[]) => {
		const r = spawnSync(process.execPath, [resolve('bin/curewise.js'), ...args], { encoding: 'utf8' });
		return { code: r.status, stdout: r.stdout, stderr: r.stderr };
	};

	test('curewise import FILE --mapping uci-credit-card, then curewise kpis --json gives the reference KPIs', () => {
		const r = cli(['import', SAMPLE, '--mapping', 'uci-credit-card', '--db', t.dbPath, '--json']);
		expect(r.stderr).toMatch(/UCI_Credit_Card_sample\.csv mapped with mappings\/uci-credit-card\.yaml in [\d.]+ s: accounts 2,000, delinquencies 639, payments 9,409 rows/);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout).map((x: ImportResult) => [x.table, x.status, x.rows_inserted])).toEqual([
			['accounts', 'imported', REF.sample.accounts],
			['delinquencies', 'imported', REF.sample.episodes],
			['payments', 'imported', REF.sample.payments]
		]);
		for (const p of REF.sample.periods) {
			const k = cli(['kpis', '--db', t.dbPath, '--from', p.from, '--to', p.to, '--json']);
			expect(k.code, k.stderr).toBe(0);
			const s = JSON.parse(k.stdout);
			expect(s.as_of).toBe(REF.sample.as_of);
			expectReference(s.kpis, p.kpis, `cli ${p.from}–${p.to}`);
		}
	});

	test('an unknown mapping is a usage error that lists the mappings; --table and --mapping together too', () => {
		const r = cli(['import', SAMPLE, '--mapping', 'no-such-mapping', '--db', t.dbPath]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--mapping: there is no mapping called "no-such-mapping": the mappings are: .*uci-credit-card/);
		const both = cli(['import', SAMPLE, '--mapping', 'uci-credit-card', '--table', 'accounts', '--db', t.dbPath]);
		expect(both.code).toBe(2);
		expect(both.stderr).toMatch(/give --table or --mapping, not both/);
	});
});
