/**
 * Every view of the Overview from the summary tables against the raw tables (the test oracle):
 * a demo store (2,000 accounts, a year of data) is imported, then the KPIs, the Overview's
 * periods, the trends, the breakdowns and the episode charts are computed both ways for many
 * period shapes, each filter alone (account attributes, experiment and arm, channel, tone,
 * template, agent) and pairs of filters, and must agree to the last digit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { breakdown } from '../../src/lib/server/kpi/breakdown.ts';
import { runChartQuery } from '../../src/lib/server/kpi/charts.ts';
import { refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiParamsSchema, type KpiParams } from '../../src/lib/server/kpi/params.ts';
import { kpiPeriods, kpiSummary, kpiTrend, kpisFromCounts } from '../../src/lib/server/kpi/values.ts';
import { matchedTableStatements, rawCounts, summaryUsable } from '../../src/lib/server/kpi/counts.ts';
import { CHANNELS, TONES } from '../../src/lib/vocabulary.ts';
import { rows as connRows } from '../../src/lib/server/db/store.ts';

type KpiFilters = Omit<KpiParams, 'from' | 'to'>;
import { expectSameKpis } from '../support/kpi.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let AS_OF: string;
const values: Record<string, string[]> = {};

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 11, outDir: join(t.dir, 'demo') });
	AS_OF = (await dataAsOf(t.store))!;
	for (const r of await t.store.rows<{ dimension: string; value: string; n: number }>(`SELECT dimension, value, n FROM kpi_filter_values ORDER BY n DESC, value`))
		(values[r.dimension] ??= []).push(r.value);
}, 180_000);
afterAll(() => t.close());

const arm = (i = 0): KpiFilters => {
	const [experiment, a] = values.arm![i]!.split('/');
	return { experiment: experiment!, arm: a! };
};

const template = () => values.template![1]!;
const agent = () => values.agent!.find((a) => a !== 'system')!;
/** each filter alone and pairs of them, the values taken from the store when the test runs */
function views(): [string, () => KpiFilters][] {
	return [
		['channel', () => ({ channel: 'sms' })],
		['tone', () => ({ tone: 'supportive' })],
		['template', () => ({ template: template() })],
		['agent', () => ({ agent: agent() })],
		['experiment', () => ({ experiment: values.experiment![0]! })],
		['arm', () => arm(0)],
		['segment + channel', () => ({ segment: 'sme', channel: 'call' })],
		['region + tone', () => ({ region: 'US-NY', tone: 'firm' })],
		['vulnerable + template', () => ({ vulnerable: true, template: template() })],
		['channel + tone', () => ({ channel: 'email', tone: 'supportive' })],
		['template + agent', () => ({ template: 'script_neutral_v4', agent: agent() })],
		['arm + channel', () => ({ ...arm(1), channel: 'call' })],
		['experiment + segment', () => ({ experiment: values.experiment![0]!, segment: 'retail' })],
		['product + arm', () => ({ product: 'card', ...arm(0) })],
		['a contact filter that matches nothing', () => ({ template: 'no_such_template' })]
	];
}

describe('the KPIs of a period, summary and raw, filter by filter', () => {
	const periods: [string, string][] = [
		['2026-04-02', '2026-06-30'], // the default: 90 days up to the as-of date, from a Thursday
		['2026-02-11', '2026-02-11'], // one day, a Wednesday
		['2025-09-03', '2026-01-20'], // across the year end, mid-week at both ends
		['2026-03-01', '2026-03-31'] // a calendar month
	];
	test('the filters of the views all exist in the demo store', () => {
		expect(values.template!.length).toBeGreaterThan(3);
		expect(values.arm!.length).toBeGreaterThanOrEqual(4);
	});
	for (const [name, filters] of views())
		test(name, async () => {
			const f = filters();
			for (const [from, to] of periods) {
				const s = await kpiSummary(t.store, { from, to, ...f });
				const r = await kpiSummary(t.store, { from, to, ...f }, { source: 'raw' });
				expect(s.source, `${name} ${from}..${to}`).toBe('summary');
				expectSameKpis(s.kpis, r.kpis, `${name} ${from}..${to}`);
			}
		});
});

describe('the Overview, the trends and the breakdowns with filters on contacts and experiments', () => {
	test('the Overview pass: both periods and the weekly sparkline, previous and a year before', async () => {
		for (const f of [{ channel: 'sms' }, { ...arm(0), tone: 'neutral' }] as KpiFilters[])
			for (const compare of ['previous', 'year'] as const) {
				const p = await kpiPeriods(t.store, { from: '2026-03-05', to: '2026-06-30', as_of: AS_OF, ...f }, compare);
				expect(p.current.source).toBe('summary');
				expectSameKpis(p.current.kpis, (await kpiSummary(t.store, { from: '2026-03-05', to: '2026-06-30', ...f }, { source: 'raw' })).kpis, `${compare} current`);
				expectSameKpis(p.comparison.kpis, (await kpiSummary(t.store, { from: p.comparison.from, to: p.comparison.to, ...f }, { source: 'raw' })).kpis, `${compare} comparison`);
				expect(p.weekly).not.toBeNull();
			}
	});

	test('weekly and monthly trends with a filter on contacts agree with each bucket from the raw tables', async () => {
		for (const grain of ['week', 'month'] as const) {
			const tr = await kpiTrend(t.store, { from: '2026-02-11', to: '2026-05-20', as_of: AS_OF, channel: 'call', segment: 'retail' }, grain);
			for (const [i, b] of tr.buckets.entries()) {
				const end = i + 1 < tr.buckets.length ? new Date(Date.parse(tr.buckets[i + 1]!) - 86_400_000).toISOString().slice(0, 10) : '2026-05-20';
				const raw = kpisFromCounts(await rawCounts(t.store, kpiParamsSchema.parse({ from: b, to: end, channel: 'call', segment: 'retail' }), AS_OF), 7);
				for (const [k, v] of Object.entries(raw)) {
					const got = tr.kpis[k]![i];
					if (typeof v.value === 'number' && typeof got === 'number') expect(got, `${grain} ${b} ${k}`).toBeCloseTo(v.value, 12);
					else expect(got, `${grain} ${b} ${k}`).toEqual(v.value);
				}
			}
		}
	});

	test('the breakdown by segment under a filter on contacts agrees with each segment from the raw tables', async () => {
		const cols = await breakdown(t.store, { ...kpiParamsSchema.parse({ from: '2026-03-04', to: '2026-06-30', tone: 'supportive' }), as_of: AS_OF }, 'segment');
		expect(cols.segment!.length).toBe(3);
		for (const [i, value] of cols.segment!.entries()) {
			const r = (await kpiSummary(t.store, { from: '2026-03-04', to: '2026-06-30', tone: 'supportive', segment: value as 'sme' }, { source: 'raw' })).kpis;
			expect(cols.cure_rate_30d![i], String(value)).toBe(r.cure_rate_30d!.value);
			expect(cols.accounts_contacted![i], String(value)).toBe(r.complaints_per_1k_contacted!.denominator);
			expect(cols.outbound_contacts![i], String(value)).toBe(r.complaints_per_10k_contacts!.denominator);
			expect(cols.complaints_per_1k_contacted![i], String(value)).toBe(r.complaints_per_1k_contacted!.value);
		}
	});

	test('the breakdown by a contact attribute: each row is the KPIs with that value as a filter', async () => {
		for (const dimension of ['channel', 'template'] as const) {
			const cols = await breakdown(t.store, { ...kpiParamsSchema.parse({ from: '2026-04-02', to: '2026-06-30', segment: 'retail' }), as_of: AS_OF }, dimension);
			for (const [i, value] of cols[dimension]!.entries()) {
				if (value === '(none)') continue;
				const key = dimension === 'channel' ? 'channel' : 'template';
				const r = (await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', segment: 'retail', [key]: value }, { source: 'raw' })).kpis;
				expect(cols.cure_rate_30d![i], `${dimension}=${value}`).toBe(r.cure_rate_30d!.value);
				expect(cols.outbound_contacts![i], `${dimension}=${value}`).toBe(r.complaints_per_10k_contacts!.denominator);
				expect(cols.right_party_contact_rate![i], `${dimension}=${value}`).toBe(r.right_party_contact_rate!.value);
				expect(cols.complaints_per_1k_contacted![i], `${dimension}=${value}`).toBe(r.complaints_per_1k_contacted!.value);
			}
		}
	});

	test('the cure curves, cure trend and days-to-pay curves read kpi_episodes and agree with the raw tables', async () => {
		const filters: KpiFilters[] = [{}, { channel: 'sms' }, { ...arm(1), region: 'US-NY' }];
		const names = ['cure_curves', 'cure_trend', 'days_to_pay_curves'] as const;
		const fromSummary = [];
		for (const f of filters) for (const n of names) fromSummary.push(await runChartQuery(t.store, n, { from: '2025-11-12', to: '2026-06-30', as_of: AS_OF, ...f }));
		// the same with the summaries stale: the raw tables answer
		await t.store.rows('UPDATE kpi_summary_state SET layout = NULL');
		try {
			let i = 0;
			for (const f of filters) for (const n of names) expect(await runChartQuery(t.store, n, { from: '2025-11-12', to: '2026-06-30', as_of: AS_OF, ...f }), `${n} ${JSON.stringify(f)}`).toEqual(fromSummary[i++]);
		} finally {
			await refreshSummaries(t.store);
		}
	});
});

describe('the accounts a filter on the channel or the tone alone reaches', () => {
	test('kpi_account_weeks holds, per channel and per tone, the days of the week with such a contact (as the contact rows of kpi_account_contacts say)', async () => {
		const values = [...CHANNELS.map((v, i) => ['channel', v, i] as const), ...TONES.map((v, i) => ['tone', v, i] as const)];
		let seen = 0;
		for (const [attribute, value, i] of values) {
			const [r] = await t.store.rows<{ differ: number; weeks: number }>(
				`WITH c AS (
					SELECT c.ak, c.week, bit_or(c.days_mask) AS days FROM kpi_account_contacts c JOIN kpi_contact_combos k USING (combo)
					WHERE k.${attribute} = $value GROUP BY ALL
				), w AS (
					SELECT ak, week, ((${attribute}_days >> ${7 * i}) & 127)::UTINYINT AS days FROM kpi_account_weeks WHERE ((${attribute}_days >> ${7 * i}) & 127) <> 0
				)
				SELECT count(*) FILTER (WHERE c.days IS DISTINCT FROM w.days) AS differ, count(*) AS weeks FROM c FULL JOIN w USING (ak, week)`,
				{ value }
			);
			expect(Number(r!.differ), `${attribute} ${value}`).toBe(0);
			seen += Number(r!.weeks);
		}
		expect(seen).toBeGreaterThan(1000);
	});
	test('they are found from those masks (one row per account-week), not from the contact rows of every combination', async () => {
		const reads = async (f: KpiFilters) => {
			const args = { from: '2026-04-02', to: '2026-06-30', grain: 'period', split: '2026-05-01', segment: null, product: null, region: null, vulnerable: null, arm_bits: null, channel: null, tone: null, template: null, agent: null, ...f };
			const named = (code: string) => Object.fromEntries(Object.entries(args).filter(([k]) => new RegExp(`\\$${k}\\b`).test(code))) as never;
			const conn = await t.store.connect();
			try {
				let plan = '';
				for (const stmt of matchedTableStatements(f)) {
					if (!/TEMP TABLE matched AS/.test(stmt)) await connRows(conn, stmt, named(stmt));
					else {
						const code = stmt.replace(/^CREATE OR REPLACE TEMP TABLE matched AS/, 'EXPLAIN');
						plan = (await connRows<{ explain_value: string }>(conn, code, named(code))).map((r) => r.explain_value).join('\n');
					}
				}
				return { weeks: plan.includes('kpi_account_weeks'), contacts: plan.includes('kpi_account_contacts') };
			} finally {
				conn.closeSync();
			}
		};
		for (const f of [{ tone: 'neutral' }, { channel: 'sms' }, { segment: 'sme', tone: 'firm' }] as KpiFilters[]) expect(await reads(f), JSON.stringify(f)).toEqual({ weeks: true, contacts: false });
		for (const f of [{ channel: 'email', tone: 'supportive' }, { template: 'script_neutral_v4' }, { tone: 'neutral', agent: 'system' }] as KpiFilters[])
			expect(await reads(f), JSON.stringify(f)).toEqual({ weeks: false, contacts: true });
	});
});

describe('the charts from the summary tables, against the raw tables, filter by filter', () => {
	const periods: [string, string][] = [
		['2026-04-02', '2026-06-30'], // the default: 90 days up to the as-of date, from a Thursday
		['2026-02-11', '2026-02-11'], // one day, a Wednesday
		['2025-09-03', '2026-01-20'] // across the year end, mid-week at both ends
	];
	const charts = ['complaints_by_category', 'roll_rate', 'digital_engagement', 'contact_load_distribution', 'fatigue_index', 'response_decay', 'pressure'] as const;
	const all: [string, () => KpiFilters][] = [['no filter', () => ({})], ['segment', () => ({ segment: 'sme' })], ...views()];
	for (const [name, filters] of all)
		test(name, async () => {
			const f = filters();
			for (const [from, to] of periods) {
				const p = { from, to, as_of: AS_OF, ...f };
				// the summary tables answer this view (else both sides would read the raw tables)
				expect(await summaryUsable(t.store, kpiParamsSchema.parse(p), AS_OF), `${name} ${from}..${to}`).toBe(true);
				for (const chart of charts) {
					const s = await runChartQuery(t.store, chart, p);
					const r = await runChartQuery(t.store, chart, p, { source: 'raw' });
					expect(s, `${chart} ${name} ${from}..${to}`).toEqual(r);
				}
			}
		});

	test('the charts have rows in the default view, and the busiest weeks have a fatigue index', async () => {
		const p = { from: '2026-04-02', to: '2026-06-30', as_of: AS_OF };
		for (const chart of charts) expect(Object.values(await runChartQuery(t.store, chart, p))[0]!.length, chart).toBeGreaterThan(0);
		const f = await runChartQuery(t.store, 'fatigue_index', { ...p, contact_threshold: 3 });
		expect(f.weeks_over![0]).toBeGreaterThan(0);
		// another threshold than the summary tables' reads the raw tables, and agrees with them
		expect(f).toEqual(await runChartQuery(t.store, 'fatigue_index', { ...p, contact_threshold: 3 }, { source: 'raw' }));
		expect((await runChartQuery(t.store, 'fatigue_index', p)).weeks_over![0]).toBeGreaterThan(0);
	});
});
