/**
 * The KPI summary tables against the raw computation: a demo store (2,000 accounts, a year
 * of data) is imported (which rebuilds the summary tables), then every KPI is computed both
 * ways for periods that start and end mid-week, cross months, hold one day or nothing, and
 * for account filters; they must agree to the last digit (sums of fractions to 1e-12).
 * Also: a stale summary (an import since) is not used; a refresh after an import is.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { freshSummaries, refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiPeriods, kpiSummary, kpiTrend, kpisFromCounts } from '../../src/lib/server/kpi/values.ts';
import { rawCounts } from '../../src/lib/server/kpi/counts.ts';
import { kpiParamsSchema } from '../../src/lib/server/kpi/params.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';
import { expectSameKpis } from '../support/kpi.ts';

let t: TempStore;
let AS_OF: string; // the data's as-of date (the demo's last contacts spill into 2026-07-01 UTC)

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 11, outDir: join(t.dir, 'demo') });
	AS_OF = (await dataAsOf(t.store))!;
}, 120_000);
afterAll(() => t.close());

const expectSame = expectSameKpis;

describe('summary tables agree with the raw tables', () => {
	test('the import rebuilt them for the data as-of date', async () => {
		expect(await freshSummaries(t.store)).toEqual({ as_of: AS_OF });
	});

	const periods: [string, string][] = [
		['2026-04-02', '2026-06-30'], // the default: 90 days ending at the as-of date, starts on a Thursday
		['2026-01-01', '2026-03-31'], // a quarter
		['2026-02-11', '2026-02-11'], // one day (a Wednesday)
		['2025-09-03', '2026-01-20'], // across the year end, mid-week at both ends
		['2026-06-29', '2026-06-30'], // the last days: no mature episode
		['2024-01-01', '2024-03-31'] // before any data: no data, not 0
	];
	for (const [from, to] of periods)
		test(`${from} to ${to}`, async () => {
			const s = await kpiSummary(t.store, { from, to });
			const r = await kpiSummary(t.store, { from, to }, { source: 'raw' });
			expect(s.source).toBe('summary');
			expect(r.source).toBe('raw');
			expectSame(s.kpis, r.kpis, `${from}..${to}`);
		});

	const filters = [{ segment: 'sme' as const }, { vulnerable: true }, { product: 'card' }, { region: 'US-MA', segment: 'retail' as const }];
	for (const f of filters)
		test(`filter ${JSON.stringify(f)}`, async () => {
			const s = await kpiSummary(t.store, { from: '2026-03-04', to: '2026-06-30', ...f });
			const r = await kpiSummary(t.store, { from: '2026-03-04', to: '2026-06-30', ...f }, { source: 'raw' });
			expect(s.source).toBe('summary');
			expectSame(s.kpis, r.kpis, JSON.stringify(f));
		});

	test('the Overview pass (both periods by week) agrees with each period computed alone', async () => {
		const p = await kpiPeriods(t.store, { from: '2026-04-02', to: '2026-06-30', as_of: AS_OF, segment: 'retail' });
		expect(p.current.source).toBe('summary');
		const cur = await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', segment: 'retail' }, { source: 'raw' });
		const prev = await kpiSummary(t.store, { from: '2026-01-02', to: '2026-04-01', segment: 'retail' }, { source: 'raw' });
		expectSame(p.current.kpis, cur.kpis, 'current');
		expectSame(p.comparison.kpis, prev.kpis, 'previous');
		// the sparkline's weeks: whole weeks only, Monday to Sunday; the period's cut first week
		// (Thursday 2 April to Sunday) and last (Monday 29 and Tuesday 30 June) are left out
		expect(p.weekly!.buckets[0]).toBe('2026-04-06');
		expect(p.weekly!.buckets.at(-1)).toBe('2026-06-22');
		expect(p.weekly!.buckets).toHaveLength(12);
		expect(p.weekly!.kpis.cure_rate_30d).toHaveLength(12);
		const trend = await kpiTrend(t.store, { from: '2026-04-02', to: '2026-06-30', as_of: AS_OF, segment: 'retail' }, 'week');
		expect(p.weekly!.kpis.cure_rate_30d).toEqual(trend.kpis.cure_rate_30d!.slice(1, -1));
	});

	test('the comparison with the same days a year before agrees with each period computed alone', async () => {
		const p = await kpiPeriods(t.store, { from: '2025-10-15', to: '2026-06-30', as_of: AS_OF, region: 'US-NY' }, 'year');
		expect(p.compare).toBe('year');
		expect([p.comparison.from, p.comparison.to]).toEqual(['2024-10-15', '2025-06-30']);
		const cur = await kpiSummary(t.store, { from: '2025-10-15', to: '2026-06-30', region: 'US-NY' }, { source: 'raw' });
		const prev = await kpiSummary(t.store, { from: '2024-10-15', to: '2025-06-30', region: 'US-NY' }, { source: 'raw' });
		expectSame(p.current.kpis, cur.kpis, 'current');
		expectSame(p.comparison.kpis, prev.kpis, 'a year before');
	});

	test('weekly and monthly trends agree with each bucket computed from the raw tables', async () => {
		for (const grain of ['week', 'month'] as const) {
			const tr = await kpiTrend(t.store, { from: '2026-02-11', to: '2026-05-20', as_of: AS_OF }, grain);
			expect(tr.buckets.length).toBe(grain === 'week' ? 15 : 4);
			for (const [i, b] of tr.buckets.entries()) {
				const end = i + 1 < tr.buckets.length ? new Date(Date.parse(tr.buckets[i + 1]!) - 86_400_000).toISOString().slice(0, 10) : '2026-05-20';
				const raw = kpisFromCounts(await rawCounts(t.store, kpiParamsSchema.parse({ from: b, to: end }), AS_OF), 7);
				for (const [k, v] of Object.entries(raw)) {
					const got = tr.kpis[k]![i];
					if (typeof v.value === 'number' && typeof got === 'number') expect(got, `${grain} ${b} ${k}`).toBeCloseTo(v.value, 12);
					else expect(got, `${grain} ${b} ${k}`).toEqual(v.value);
				}
			}
		}
	});

	test('the breakdown by an account attribute (summary tables) agrees with each value filtered from the raw tables', async () => {
		const { breakdown } = await import('../../src/lib/server/kpi/breakdown.ts');
		for (const dimension of ['segment', 'region'] as const) {
			const cols = await breakdown(t.store, { ...kpiParamsSchema.parse({ from: '2026-03-04', to: '2026-06-30' }), as_of: AS_OF }, dimension);
			expect(cols[dimension]!.length).toBeGreaterThan(1);
			for (const [i, value] of cols[dimension]!.entries()) {
				const r = (await kpiSummary(t.store, { from: '2026-03-04', to: '2026-06-30', [dimension]: value }, { source: 'raw' })).kpis;
				const where = `${dimension}=${value}`;
				expect(cols.cure_rate_30d![i], where).toBe(r.cure_rate_30d!.value);
				expect(cols.mature_30![i], where).toBe(r.cure_rate_30d!.denominator);
				expect(cols.accounts_contacted![i], where).toBe(r.complaints_per_1k_contacted!.denominator);
				expect(cols.outbound_contacts![i], where).toBe(r.complaints_per_10k_contacts!.denominator);
				expect(cols.right_party_contact_rate![i], where).toBe(r.right_party_contact_rate!.value);
				expect(cols.complaints_per_1k_contacted![i], where).toBe(r.complaints_per_1k_contacted!.value);
			}
		}
	});

	test('filters on contacts and experiments read the summary tables; another as-of date or an arm they do not know reads the raw tables', async () => {
		expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', channel: 'sms' })).source).toBe('summary');
		expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', experiment: 'supportive-reminder' })).source).toBe('summary');
		expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', as_of: '2026-05-31' })).source).toBe('raw');
		// an arm launched after the rebuild has no bit yet
		await t.store.rows(`DELETE FROM kpi_arms WHERE experiment_id = 'supportive-reminder' AND variant = 'control'`);
		try {
			expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', experiment: 'supportive-reminder' })).source).toBe('raw');
			expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', experiment: 'supportive-reminder', arm: 'supportive' })).source).toBe('summary');
		} finally {
			await refreshSummaries(t.store);
		}
	});
});

describe('freshness', () => {
	test('an import since the last rebuild sends the KPIs to the raw tables until the next rebuild', async () => {
		const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('ZNEW1', { customer_id: 'ZC1' })])), source: 'cli' });
		expect(r.rows_inserted).toBe(1);
		expect(await freshSummaries(t.store)).toBeNull();
		expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30' })).source).toBe('raw');
		const refreshed = await refreshSummaries(t.store);
		expect(refreshed?.as_of).toBe(AS_OF);
		expect((await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30' })).source).toBe('summary');
	});

	test('an import that changes nothing keeps them fresh', async () => {
		const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('ZNEW1', { customer_id: 'ZC1' })])), source: 'cli' });
		expect(r.rows_unchanged).toBe(1);
		expect(await freshSummaries(t.store)).toEqual({ as_of: AS_OF });
	});
});
