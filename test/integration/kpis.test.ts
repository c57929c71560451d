/**
 * The KPIs against a small dataset whose answers are worked out by hand below: ties (a cure
 * on day 30 exactly), censoring (no payment yet, a charge-off), a customer with two debts,
 * a reversed payment, an inbound call that does not count, an empty period.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { kpiSummary } from '../../src/lib/server/kpi/values.ts';
import { kaplanMeier, kmQuantile } from '../../src/lib/stats/km.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
const AS_OF = '2026-06-30';

beforeAll(async () => {
	t = await tempStore();
	const files: [string, string][] = [
		[
			'accounts.csv',
			csv([
				accountsHeader,
				accountRow('A1', { customer_id: 'C1', closed_on: '2026-03-01', closed_reason: 'customer_left' }),
				accountRow('A2', { customer_id: 'C1' }),
				accountRow('A3', { customer_id: 'C2', segment: 'sme' }),
				accountRow('A4', { customer_id: 'C3' }),
				accountRow('A5', { customer_id: 'C4' })
			])
		],
		[
			'delinquencies.csv',
			csv([
				['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'],
				['E1', 'A1', '2026-01-10', 100, '2026-01-30', null],
				['E2', 'A2', '2026-01-10', 200, '2026-02-19', null],
				['E3', 'A3', '2026-02-01', 300, null, '2026-06-29'],
				['E4', 'A4', '2026-03-01', 50, null, null],
				['E5', 'A5', '2026-03-20', 80, '2026-04-19', null],
				['E6', 'A1', '2025-12-01', 10, '2025-12-05', null]
			])
		],
		[
			'payments.csv',
			csv([
				['payment_id', 'account_id', 'paid_at', 'amount', 'method', 'status', 'plan_id'],
				['P1', 'A1', '2026-01-28T10:00:00Z', 100, 'card', 'settled', null],
				['P2', 'A2', '2026-01-20T10:00:00Z', 50, 'card', 'reversed', null],
				['P3', 'A2', '2026-02-19T10:00:00Z', 200, 'bank_transfer', 'settled', 'PL1'],
				['P5', 'A4', '2026-03-11T10:00:00Z', 20, 'direct_debit', 'settled', 'PL2']
			])
		],
		[
			'interactions.csv',
			csv([
				interactionsHeader,
				interactionRow('I1', 'A1', { customer_id: 'C1', occurred_at: '2026-01-15T15:00:00Z', outcome: 'conversation' }),
				interactionRow('I2', 'A1', { customer_id: 'C1', occurred_at: '2026-01-16T15:00:00Z' }),
				interactionRow('I3', 'A2', { customer_id: 'C1', occurred_at: '2026-01-12T15:00:00Z', channel: 'sms', outcome: 'delivered' }),
				interactionRow('I4', 'A3', { customer_id: 'C2', occurred_at: '2026-02-02T15:00:00Z' }),
				interactionRow('I5', 'A4', { customer_id: 'C3', occurred_at: '2026-03-05T15:00:00Z', channel: 'email', outcome: 'sent' }),
				interactionRow('I6', 'A4', { customer_id: 'C3', occurred_at: '2026-03-06T15:00:00Z', direction: 'inbound', outcome: 'conversation' }),
				interactionRow('I7', 'A5', { customer_id: 'C4', occurred_at: '2026-04-01T15:00:00Z' }),
				...Array.from({ length: 8 }, (_, k) => interactionRow(`B${k}`, 'A3', { customer_id: 'C2', occurred_at: `2026-02-${String(9 + (k % 5)).padStart(2, '0')}T1${k}:00:00Z` }))
			])
		],
		[
			'complaints.csv',
			csv([
				['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'],
				['K1', 'A3', '2026-02-12T10:00:00Z', 'contact_frequency', 'regulator', 'high'],
				['K2', 'A5', '2026-05-01T10:00:00Z', 'other', 'web', 'low']
			])
		],
		[
			'contact_preferences.csv',
			csv([
				['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'],
				['CP1', 'C2', null, 'call', 'opt_out', '2026-02-13T10:00:00Z', null, null, null]
			])
		]
	];
	for (const [name, text] of files) {
		const r = await importFile(t.store, { path: t.file(name, text), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
	}
});
afterAll(() => t.close());

describe('Kaplan–Meier', () => {
	test('a worked example with censoring', () => {
		// t: 10 event, 18 event, 40 event, 102 censored, 148 censored → S = 0.8, 0.6, 0.4
		const curve = kaplanMeier([
			{ t: 10, events: 1, censored: 0 },
			{ t: 18, events: 1, censored: 0 },
			{ t: 40, events: 1, censored: 0 },
			{ t: 102, events: 0, censored: 1 },
			{ t: 148, events: 0, censored: 1 }
		]);
		expect(curve.map((p) => +p.s.toFixed(10))).toEqual([0.8, 0.6, 0.4]);
		expect(kmQuantile(curve, 0.5)).toBe(40);
		expect(kmQuantile(curve, 0.75)).toBeNull();
	});

	test('ties and censoring at the same time: events first', () => {
		// 4 at risk; at t=5 two events and one censored → S = 1 − 2/4 = 0.5; then 1 at risk, event at 7 → 0
		const curve = kaplanMeier([
			{ t: 5, events: 2, censored: 1 },
			{ t: 7, events: 1, censored: 0 }
		]);
		expect(curve.map((p) => p.s)).toEqual([0.5, 0]);
		// flat at exactly one half from 5 to 7: the median is the middle, as R's quantile.survfit
		expect(kmQuantile(curve, 0.5)).toBe(6);
	});
});

describe('the KPIs of Q1 2026, worked out by hand', () => {
	test('every KPI with its numerator and denominator', async () => {
		const s = await kpiSummary(t.store, { from: '2026-01-01', to: '2026-03-31', as_of: AS_OF });
		const k = s.kpis;
		// episodes E1–E5 (E6 started before the period); all started 30, 60 and 90 days before the as-of date
		expect(k.cure_rate_30d).toEqual({ value: 0.4, numerator: 2, denominator: 5, provisional: false }); // E1 (20 days), E5 (30 days, a tie)
		expect(k.cure_rate_60d).toEqual({ value: 0.6, numerator: 3, denominator: 5, provisional: false }); // + E2 (40 days)
		expect(k.cure_rate_90d).toEqual({ value: 0.6, numerator: 3, denominator: 5, provisional: false });
		expect(k.self_cure_rate).toEqual({ value: 0.2, numerator: 1, denominator: 5, provisional: false }); // E5; E1 had a conversation
		// days to pay: E4 10, E1 18, E2 40 (the reversed payment does not count), E5 censored 102, E3 censored at charge-off 148
		// 95% interval (Greenwood on the log scale, z = 1.959964): σ² = 1/(5·4) = 0.05 at 10, + 1/(4·3) at 18,
		// + 1/(3·2) at 40; lower band S/e^{zσ}: 0.8/e^{0.43827} = 0.516 at 10, 0.6/e^{0.71570} = 0.293 at 18,
		// 0.4/e^{1.07352} = 0.137 at 40; the upper band S·e^{zσ} is capped at 1 throughout (1.24, 1.23, 1.17).
		// Median: the lower band first reaches 0.5 at 18; the upper band never does → [18, open)
		expect(k.days_to_pay_median).toEqual({ value: 40, low: 18, high: null });
		// 75th percentile: S never reaches 0.25; the lower band does at 40 (0.137)
		expect(k.days_to_pay_p75).toEqual({ value: null, low: 40, high: null });
		// first contact to payment: E4 03-05 → 03-11 6, E1 01-15 → 01-28 13, E2 01-12 → 02-19 38 (sms; P2 reversed),
		// E5 04-01 censored at the as-of date 90, E3 02-02 censored at the charge-off 06-29 147: the same shape as above
		expect(k.first_contact_to_pay_median).toEqual({ value: 38, low: 13, high: null });
		// contacted in Q1: A1, A2, A3, A4 (A5 only in April); 13 outbound contacts; 1 complaint (K1)
		expect(k.complaints_per_1k_contacted).toEqual({ value: 250, numerator: 1, denominator: 4 });
		expect(k.complaints_per_10k_contacts!.value).toBeCloseTo(769.2307692307, 9);
		expect(k.complaints_per_10k_contacts).toMatchObject({ numerator: 1, denominator: 13 });
		expect(k.complaints_via_regulator_share).toEqual({ value: 1, numerator: 1, denominator: 1 }); // K1 came through a regulator
		// account-weeks of the weeks overlapping Q1, each counted whole (29 Dec – 5 Apr): A1 2, A2 1, A3 1 and 8,
		// A4 1, and A5 1 (1 April, in the week of 30 March that Q1's last day belongs to) → one of six over 7
		expect(k.contact_load_over_threshold).toEqual({ value: 1 / 6, numerator: 1, denominator: 6 });
		// sorted 1 1 1 1 2 8: the median is the first value whose running count reaches 3 of 6, the 90th
		// percentile the first to reach 5.4 of 6
		expect(k.contact_load_median).toEqual({ value: 1 });
		expect(k.contact_load_p90).toEqual({ value: 8 });
		expect(k.contact_load_max).toEqual({ value: 8 });
		// outbound calls: I1, I2, I4 and 8 → 11; one conversation (I6 is inbound)
		expect(k.right_party_contact_rate).toEqual({ value: 1 / 11, numerator: 1, denominator: 11 });
		expect(k.opt_out_rate).toEqual({ value: 250, numerator: 1, denominator: 4 });
		// recovery: E1 100/100, E2 200/200, E3 0, E4 20/50, E5 0 → 2.4 / 5
		expect(k.recovery_rate!.value).toBeCloseTo(0.48, 12);
		expect(k.recovery_rate).toMatchObject({ numerator: 2.4, denominator: 5 });
		// none started 180 days before the as-of date: no data, not 0%
		expect(k.charge_off_rate).toEqual({ value: null, numerator: 0, denominator: 0, provisional: true });
		// first contact: E3 1, E2 2, E4 4, E1 5, E5 12 → median 4
		expect(k.time_to_first_contact_median).toEqual({ value: 4 });
		expect(k.payment_plan_uptake).toEqual({ value: 0.2, numerator: 1, denominator: 5, provisional: false }); // E4 (E2's plan payment came on day 40)
		expect(k.attrition_after_cure).toEqual({ value: null, numerator: 0, denominator: 0 });
	});

	test('attrition after cure: a cure 180+ days before the as-of date, then the customer left', async () => {
		const s = await kpiSummary(t.store, { from: '2025-12-01', to: '2025-12-31', as_of: AS_OF });
		// E6 cured 2025-12-05; A1 closed by the customer on 2026-03-01, 86 days later
		expect(s.kpis.attrition_after_cure).toEqual({ value: 1, numerator: 1, denominator: 1 });
	});

	test('an immature cohort is provisional and not mixed in', async () => {
		// judged at 2026-04-10: E5 (started 03-20) is 21 days old, not mature for 30 days
		const s = await kpiSummary(t.store, { from: '2026-01-01', to: '2026-03-31', as_of: '2026-04-10' });
		// mature for 30 days: E1–E4 (started by 2026-03-11); cured within 30 days: E1 only (E2 took 40)
		expect(s.kpis.cure_rate_30d).toEqual({ value: 0.25, numerator: 1, denominator: 4, provisional: true });
	});

	test('a filter, a period with no episodes and a period with no contacts give no data, not 0', async () => {
		const sme = await kpiSummary(t.store, { from: '2026-01-01', to: '2026-03-31', as_of: AS_OF, segment: 'sme' });
		expect(sme.kpis.cure_rate_30d).toEqual({ value: 0, numerator: 0, denominator: 1, provisional: false }); // E3 only
		const empty = await kpiSummary(t.store, { from: '2024-01-01', to: '2024-01-31', as_of: AS_OF });
		for (const [name, v] of Object.entries(empty.kpis)) expect(v.value, name).toBeNull();
	});

	test('bad parameters say what is wrong', async () => {
		await expect(kpiSummary(t.store, { from: '2026-03-31', to: '2026-01-01' })).rejects.toThrow(/from must not be after to/);
		await expect(kpiSummary(t.store, { from: '2026-13-01', to: '2026-12-31' })).rejects.toThrow(/not a real date/);
		await expect(kpiSummary(t.store, { from: '2026-02-01', to: '2026-02-30' })).rejects.toThrow(/not a real date/);
		await expect(kpiSummary(t.store, { from: '2026-01-01', to: '2026-03-31', segment: "x' OR 1=1" as 'sme' })).rejects.toThrow(/segment must be retail, sme or corporate/);
	});
});

describe('chart data', () => {
	test('the cure trend per cohort month and the breakdown by segment agree with the hand-worked counts', async () => {
		const { runChartQuery } = await import('../../src/lib/server/kpi/charts.ts');
		const trend = await runChartQuery(t.store, 'cure_trend', { from: '2026-01-01', to: '2026-03-31', as_of: AS_OF });
		// January: E1 (20 days), E2 (40) → 1/2 at 30 days, 2/2 at 60; February: E3 → 0/1; March: E4, E5 (30) → 1/2
		expect(trend).toEqual({
			cohort: ['2026-01-01', '2026-02-01', '2026-03-01'],
			episodes: [2, 1, 2],
			cure_rate_30d: [0.5, 0, 0.5],
			cure_rate_60d: [1, 0, 0.5],
			provisional: [0, 0, 0]
		});
		const seg = await runChartQuery(t.store, 'breakdown', { from: '2026-01-01', to: '2026-03-31', as_of: AS_OF, dimension: 'segment' });
		expect(seg.segment).toEqual(['retail', 'sme']);
		expect(seg.cure_rate_30d).toEqual([0.5, 0]); // retail: E1, E2, E4, E5 → E1, E5; sme: E3
		expect(seg.accounts_contacted).toEqual([3, 1]);
		expect(seg.complaints_per_1k_contacted).toEqual([0, 1000]);
		await expect(runChartQuery(t.store, 'breakdown', { from: '2026-01-01', to: '2026-03-31', as_of: AS_OF, dimension: 'agent_id; DROP TABLE x' })).rejects.toThrow(
			/dimension must be one of segment, product, region/
		);
	});
});
