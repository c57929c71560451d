/**
 * The Overview's chart queries against small datasets whose answers are worked out by hand
 * below: each dataset is imported into a real DuckDB store through the importer, and the
 * named query is run through runChartQuery, as the endpoint runs it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FATIGUE_WEIGHTS } from '../../src/lib/fatigue.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { ChartParamsError, runChartQuery, type ChartQueryName } from '../../src/lib/server/kpi/charts.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiParamsSchema } from '../../src/lib/server/kpi/params.ts';
import { summaryUsable } from '../../src/lib/server/kpi/counts.ts';
import { refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { overviewParams } from '../../src/lib/server/kpi/overview.ts';
import { heavy, queueStats } from '../../src/lib/server/queue.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

type Cell = string | number | null;
const delinquenciesHeader = ['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'];
const paymentsHeader = ['payment_id', 'account_id', 'paid_at', 'amount', 'method', 'status', 'plan_id'];
const complaintsHeader = ['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'];
const assignmentsHeader = ['experiment_id', 'account_id', 'variant', 'assigned_at'];

/** a store holding these tables (header row first), imported in the contract's order, its summary tables built */
async function storeWith(tables: Record<string, Cell[][]>): Promise<TempStore> {
	const t = await tempStore();
	const order = ['accounts', 'delinquencies', 'interactions', 'payments', 'complaints', 'experiment_assignments'];
	for (const name of order) {
		if (!tables[name]) continue;
		const r = await importFile(t.store, { path: t.file(`${name}.csv`, csv(tables[name])), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
		expect(r.rows_inserted, name).toBe(tables[name].length - 1);
	}
	// as after an import: the summary tables answer the views at the data's as-of date
	expect((await refreshSummaries(t.store))?.mode).toBe('full');
	return t;
}

const run = (t: TempStore, name: ChartQueryName, params: Record<string, unknown>) => runChartQuery(t.store, name, params);
const pad = (k: number) => String(k).padStart(2, '0');
/** the same columns with no rows */
const emptyOf = (names: string[]) => Object.fromEntries(names.map((n) => [n, []]));

describe('days_to_pay_curves: Kaplan–Meier share paid by day d, per monthly cohort', () => {
	let t: TempStore;
	const P = { from: '2026-01-01', to: '2026-03-31', as_of: '2026-06-30' };
	beforeAll(async () => {
		// January cohort: 30 episodes, all started 2026-01-05 (the as-of date is day 176)
		//   D01: paid 2026-01-05T23:30-05:00 = 01-06 04:30 UTC → day 1 (the UTC date counts)
		//   D02–D05: paid 2026-01-08 → day 3
		//   D06: a reversed payment on day 2, settled on day 10 → day 10
		//   D07: paid only on 2026-01-04, before the start → censored at 176
		//   D08: charged off on day 20, paid on day 30 → censored at 20 (the payment after the charge-off does not count)
		//   D09–D30: no payment → censored at 176
		// February cohort: 2 episodes (D01, D02 again): too small to draw (fewer than 20 at risk)
		const ids = Array.from({ length: 30 }, (_, k) => `D${pad(k + 1)}`);
		t = await storeWith({
			accounts: [accountsHeader, ...ids.map((id) => accountRow(id))],
			delinquencies: [
				delinquenciesHeader,
				...ids.map((id, k) => [`E${pad(k + 1)}`, id, '2026-01-05', 100, null, id === 'D08' ? '2026-01-25' : null]),
				['F1', 'D01', '2026-02-10', 100, null, null],
				['F2', 'D02', '2026-02-10', 100, null, null]
			],
			payments: [
				paymentsHeader,
				['P01', 'D01', '2026-01-05T23:30:00-05:00', 10, 'card', 'settled', null],
				...['D02', 'D03', 'D04', 'D05'].map((a) => [`P${a}`, a, '2026-01-08T12:00:00Z', 10, 'card', 'settled', null]),
				['P06a', 'D06', '2026-01-07T12:00:00Z', 10, 'card', 'reversed', null],
				['P06b', 'D06', '2026-01-15T12:00:00Z', 10, 'card', 'settled', null],
				['P07', 'D07', '2026-01-04T12:00:00Z', 10, 'card', 'settled', null],
				['P08', 'D08', '2026-02-04T12:00:00Z', 10, 'card', 'settled', null]
			],
			interactions: [interactionsHeader, interactionRow('I1', 'D01', { occurred_at: '2026-01-06T15:00:00Z', channel: 'letter', outcome: 'sent' })]
		});
	});
	afterAll(() => t.close());

	test('the curve of the January cohort, day by day', async () => {
		const c = await run(t, 'days_to_pay_curves', P);
		// 30 at risk; day 1: 1 paid → S = 29/30; day 3: 4 of the 29 → × 25/29; day 10: 1 of 25 → × 24/25
		const s1 = 1 - 1 / 30;
		const s3 = s1 * (1 - 4 / 29);
		const s10 = s3 * (1 - 1 / 25);
		const paidBy = (d: number) => (d >= 10 ? 1 - s10 : d >= 3 ? 1 - s3 : d >= 1 ? 1 - s1 : 0);
		// at risk from day 21 on: the 22 never paid + D07 = 23 ≥ 20, so drawn to day 120; February: 2 at risk, not drawn
		const days = Array.from({ length: 121 }, (_, d) => d);
		expect(c).toEqual({ cohort: days.map(() => '2026-01-01'), day: days, paid_share: days.map(paidBy) });
		expect(c.paid_share![20]).toBeCloseTo(0.2, 12); // 1 − 0.8
	});

	test('filters: an account filter and a contact filter that match nothing give no rows', async () => {
		const empty = emptyOf(['cohort', 'day', 'paid_share']);
		expect(await run(t, 'days_to_pay_curves', { ...P, segment: 'corporate' })).toEqual(empty);
		// only D01 had a letter in the period: one episode per cohort, too few to draw
		expect(await run(t, 'days_to_pay_curves', { ...P, channel: 'letter' })).toEqual(empty);
		expect(await run(t, 'days_to_pay_curves', { ...P, channel: 'sms' })).toEqual(empty);
	});
});

describe('response_decay: the k-th contact of an episode answered within 72 hours', () => {
	let t: TempStore;
	const P = { from: '2026-03-01', to: '2026-03-31', as_of: '2026-04-30' };
	beforeAll(async () => {
		t = await storeWith({
			accounts: [accountsHeader, ...['R01', 'R02', 'R03', 'R04', 'R05'].map((id) => accountRow(id))],
			delinquencies: [
				delinquenciesHeader,
				['ER1', 'R01', '2026-03-02', 100, null, null],
				['ER2', 'R02', '2026-03-05', 100, '2026-03-08', null],
				['ER3', 'R03', '2026-03-10', 100, null, '2026-03-12'],
				['ER4', 'R04', '2026-02-20', 100, null, null], // started before the period
				['ER5', 'R05', '2026-03-03', 100, null, null]
			],
			interactions: [
				interactionsHeader,
				// R01: contact 1 (call) answered by a payment exactly 72 h later
				interactionRow('R01-0', 'R01', { occurred_at: '2026-03-01T12:00:00Z' }), // before the episode: not numbered
				interactionRow('R01-1', 'R01', { occurred_at: '2026-03-02T10:00:00Z' }),
				// contact 2 (sms): the inbound call comes 72 h and 1 s later: no response
				interactionRow('R01-2', 'R01', { occurred_at: '2026-03-06T10:00:00Z', channel: 'sms', outcome: 'delivered' }),
				interactionRow('R01-in', 'R01', { occurred_at: '2026-03-09T10:00:01Z', direction: 'inbound', outcome: 'conversation' }),
				// contact 3 (email) was clicked: it answers itself
				interactionRow('R01-3', 'R01', { occurred_at: '2026-03-10T10:00:00Z', channel: 'email', outcome: 'clicked' }),
				// contact 4 (call): only a reversed payment follows
				interactionRow('R01-4', 'R01', { occurred_at: '2026-03-20T10:00:00Z' }),
				// R02: contact 1 (sms) replied; contact 2 (call) followed by a payment a day later; a contact after the cure
				interactionRow('R02-1', 'R02', { occurred_at: '2026-03-05T09:00:00Z', channel: 'sms', outcome: 'replied' }),
				interactionRow('R02-2', 'R02', { occurred_at: '2026-03-06T09:00:00Z', outcome: 'conversation' }),
				interactionRow('R02-3', 'R02', { occurred_at: '2026-03-09T09:00:00Z' }),
				// R03: a letter with no answer; a contact after the charge-off
				interactionRow('R03-1', 'R03', { occurred_at: '2026-03-10T08:00:00Z', channel: 'letter', outcome: 'sent' }),
				interactionRow('R03-2', 'R03', { occurred_at: '2026-03-15T08:00:00Z' }),
				interactionRow('R04-1', 'R04', { occurred_at: '2026-03-05T08:00:00Z', channel: 'email', outcome: 'clicked' }),
				// R05: 16 unanswered calls, one a day: the 16th is past k = 15
				...Array.from({ length: 16 }, (_, k) => interactionRow(`R05-${pad(k + 1)}`, 'R05', { occurred_at: `2026-03-${pad(3 + k)}T12:00:00Z` }))
			],
			payments: [
				paymentsHeader,
				['PR1', 'R01', '2026-03-05T10:00:00Z', 10, 'card', 'settled', null],
				['PR2', 'R01', '2026-03-21T10:00:00Z', 10, 'card', 'reversed', null],
				['PR3', 'R02', '2026-03-07T09:00:00Z', 10, 'card', 'settled', null]
			]
		});
	});
	afterAll(() => t.close());

	test('every contact number, worked out by hand', async () => {
		// k=1: R01 (payment at exactly 72 h) ✓, R02 (reply) ✓, R03 ✗, R05 ✗
		// k=2: R01 (inbound at 72 h + 1 s) ✗, R02 (payment a day later) ✓, R05 ✗
		// k=3: R01 (clicked) ✓, R05 ✗;  k=4: R01 (reversed payment) ✗, R05 ✗;  k=5…15: R05 ✗
		const c = await run(t, 'response_decay', P);
		const k = Array.from({ length: 15 }, (_, i) => i + 1);
		const contacts = [4, 3, 2, 2, ...Array(11).fill(1)];
		const responded = [2, 1, 1, 0, ...Array(11).fill(0)];
		expect(c).toEqual({ contact_number: k, contacts, responded, response_rate: [0.5, 1 / 3, 0.5, 0, ...Array(11).fill(0)] });
	});

	test('a channel filter counts that channel\'s contacts, numbered among all of the episode\'s contacts', async () => {
		// calls: R01's are its 1st (the payment at 72 h) ✓ and 4th (R01-4) ✗; R02's is its 2nd (R02-2, payment) ✓;
		// R05's are its 1st to 15th ✗ (numbered among the calls alone, R01-4 would be a 2nd and R02-2 a 1st)
		const c = await run(t, 'response_decay', { ...P, channel: 'call' });
		expect(c.contact_number).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
		expect(c.contacts).toEqual([2, 2, 1, 2, ...Array(11).fill(1)]);
		expect(c.responded).toEqual([1, 1, ...Array(13).fill(0)]);
		// sms: R01's 2nd ✗ and R02's 1st (replied) ✓
		const sms = await run(t, 'response_decay', { ...P, channel: 'sms' });
		expect(sms).toEqual({ contact_number: [1, 2], contacts: [1, 1], responded: [1, 0], response_rate: [1, 0] });
	});

	test('the summary table and the raw tables give the same answers', async () => {
		// at the data's as-of date (the summaries' own; at another, both read the raw tables)
		const asOf = (await dataAsOf(t.store))!;
		for (const f of [{}, { channel: 'call' }, { channel: 'sms' }, { from: '2026-03-03', to: '2026-03-05' }]) {
			const q = { ...P, as_of: asOf, ...f };
			expect(await summaryUsable(t.store, kpiParamsSchema.parse(q), asOf)).toBe(true);
			const s = await runChartQuery(t.store, 'response_decay', q);
			expect(s.contact_number!.length, JSON.stringify(q)).toBeGreaterThan(0);
			expect(s, JSON.stringify(q)).toEqual(await runChartQuery(t.store, 'response_decay', q, { source: 'raw' }));
		}
	});

	test('a filter that matches nothing gives no rows', async () => {
		expect(await run(t, 'response_decay', { ...P, channel: 'push' })).toEqual(emptyOf(['contact_number', 'contacts', 'responded', 'response_rate']));
	});
});

describe('roll_rate: the transition matrix from one month-end to the next', () => {
	let t: TempStore;
	beforeAll(async () => {
		t = await storeWith({
			accounts: [accountsHeader, ...['G01', 'G02', 'G03', 'G04', 'G06', 'G07', 'G08'].map((id) => accountRow(id))],
			delinquencies: [
				delinquenciesHeader,
				['G1', 'G01', '2026-01-20', 100, null, null], // Jan 31: 11 days; Feb 28: 39; Mar 31: 70
				['G2', 'G02', '2026-01-10', 100, '2026-02-15', null], // Jan 31: 21; cures between the month-ends
				['G3', 'G03', '2025-10-01', 100, null, '2026-03-10'], // Jan 31: 122; Feb 28: 150; charged off in March
				['G4', 'G04', '2026-01-31', 100, null, null], // Jan 31: 0 (counts as 1–29); Feb 28: 28; Mar 31: 59
				['G5', 'G01', '2026-02-10', 100, null, null], // a second open episode of G01: Feb 28: 18; Mar 31: 49
				['G6', 'G06', '2025-12-01', 100, '2026-01-20', null], // cured before Jan 31: never in the matrix
				['G7', 'G07', '2025-11-15', 100, '2026-03-31', null], // Jan 31: 77; Feb 28: 105; cured on the month-end
				['G8', 'G08', '2026-03-05', 100, null, null] // not open at any month-end before March 31
			],
			interactions: [interactionsHeader, interactionRow('IG1', 'G01', { occurred_at: '2026-02-03T12:00:00Z', agent_id: 'agent-9' })]
		});
	});
	afterAll(() => t.close());

	test('February and March: every cell and its share of the row', async () => {
		// Jan 31 → Feb 28: G1 1–29→30–59, G2 1–29→cured, G3 120+→120+, G4 1–29→1–29, G7 60–89→90–119
		// Feb 28 → Mar 31: G1 30–59→60–89, G3 120+→charged_off, G4 1–29→30–59, G5 1–29→30–59, G7 90–119→cured
		const c = await run(t, 'roll_rate', { from: '2026-02-01', to: '2026-03-31', as_of: '2026-04-30' });
		expect(c).toEqual({
			from_bucket: ['1–29', '1–29', '1–29', '30–59', '60–89', '90–119', '120+', '120+'],
			to_bucket: ['1–29', '30–59', 'cured', '60–89', '90–119', 'cured', '120+', 'charged_off'],
			episodes: [1, 3, 1, 1, 1, 1, 1, 1],
			share: [0.2, 0.6, 0.2, 1, 1, 1, 0.5, 0.5]
		});
	});

	test('a month-end after the as-of date is not a transition yet', async () => {
		// judged at March 15: only Jan 31 → Feb 28
		const c = await run(t, 'roll_rate', { from: '2026-02-01', to: '2026-03-31', as_of: '2026-03-15' });
		expect(c).toEqual({
			from_bucket: ['1–29', '1–29', '1–29', '60–89', '120+'],
			to_bucket: ['1–29', '30–59', 'cured', '90–119', '120+'],
			episodes: [1, 1, 1, 1, 1],
			share: [1 / 3, 1 / 3, 1 / 3, 1, 1]
		});
	});

	test('a contact filter keeps the accounts contacted that way; one that matches nothing gives no rows', async () => {
		// agent-9 contacted G01 only: its two episodes G1 and G5
		const c = await run(t, 'roll_rate', { from: '2026-02-01', to: '2026-03-31', as_of: '2026-04-30', agent: 'agent-9' });
		expect(c).toEqual({ from_bucket: ['1–29', '30–59'], to_bucket: ['30–59', '60–89'], episodes: [2, 1], share: [1, 1] });
		const none = await run(t, 'roll_rate', { from: '2026-02-01', to: '2026-03-31', as_of: '2026-04-30', agent: 'agent-0' });
		expect(none).toEqual(emptyOf(['from_bucket', 'to_bucket', 'episodes', 'share']));
		// a period with no month-end in it
		expect((await run(t, 'roll_rate', { from: '2026-02-01', to: '2026-02-27', as_of: '2026-04-30' })).episodes).toEqual([]);
	});
});

describe('complaints_by_category: per month by category and source, and the regulator share', () => {
	let t: TempStore;
	const P = { from: '2026-04-01', to: '2026-05-31' };
	beforeAll(async () => {
		t = await storeWith({
			accounts: [accountsHeader, accountRow('K01'), accountRow('K02', { segment: 'sme' }), accountRow('K03')],
			complaints: [
				complaintsHeader,
				['Q1', 'K01', '2026-04-03T10:00:00Z', 'contact_frequency', 'phone', 'low'],
				['Q2', 'K01', '2026-04-20T10:00:00Z', 'contact_frequency', 'regulator', 'high'],
				['Q3', 'K02', '2026-04-30T23:30:00-05:00', 'tone_or_harassment', 'ombudsman', 'high'], // May 1 in UTC
				['Q4', 'K03', '2026-05-15T10:00:00Z', 'billing_dispute', 'web', 'medium'],
				['Q5', 'K03', '2026-03-31T23:59:59Z', 'privacy', 'email', 'low'], // before the period
				['Q6', 'K02', '2026-05-31T22:00:00-04:00', 'privacy', 'email', 'low'] // June 1 in UTC: after it
			],
			interactions: [
				interactionsHeader,
				interactionRow('IK1', 'K01', { occurred_at: '2026-04-10T12:00:00Z', tone: 'firm' }),
				interactionRow('IK2', 'K02', { occurred_at: '2026-04-10T12:00:00Z', tone: 'neutral' }),
				interactionRow('IK3', 'K03', { occurred_at: '2026-03-10T12:00:00Z', tone: 'firm' }) // before the period
			],
			experiment_assignments: [assignmentsHeader, ['EXP1', 'K03', 'supportive', '2026-01-01T00:00:00Z'], ['EXP1', 'K01', 'firm', '2026-01-01T00:00:00Z']]
		});
	});
	afterAll(() => t.close());

	test('April, May and the whole period', async () => {
		const c = await run(t, 'complaints_by_category', P);
		expect(c).toEqual({
			month: ['2026-04-01', '2026-04-01', '2026-04-01', '2026-04-01', '2026-05-01', '2026-05-01', '2026-05-01', '2026-05-01', '2026-05-01', null, null, null, null, null, null, null, null],
			dimension: ['category', 'source', 'source', 'total', 'category', 'category', 'source', 'source', 'total', 'category', 'category', 'category', 'source', 'source', 'source', 'source', 'total'],
			value: ['contact_frequency', 'phone', 'regulator', 'all', 'billing_dispute', 'tone_or_harassment', 'ombudsman', 'web', 'all', 'billing_dispute', 'contact_frequency', 'tone_or_harassment', 'ombudsman', 'phone', 'regulator', 'web', 'all'],
			complaints: [2, 1, 1, 2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 4],
			via_regulator_or_ombudsman: [1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 2],
			regulator_or_ombudsman_share: [0.5, 0, 1, 0.5, 0, 1, 1, 0, 0.5, 0, 0.5, 1, 1, 0, 1, 0, 0.5]
		});
	});

	test('zero complaints: no rows', async () => {
		const names = ['month', 'dimension', 'value', 'complaints', 'via_regulator_or_ombudsman', 'regulator_or_ombudsman_share'];
		expect(await run(t, 'complaints_by_category', { from: '2026-01-01', to: '2026-01-31' })).toEqual(emptyOf(names));
		expect(await run(t, 'complaints_by_category', { ...P, experiment: 'EXP1', arm: 'control' })).toEqual(emptyOf(names));
	});

	test('account, experiment and contact filters', async () => {
		const total = async (params: Record<string, unknown>) => {
			const c = await run(t, 'complaints_by_category', { ...P, ...params });
			const i = c.dimension!.findIndex((d, k) => d === 'total' && c.month![k] === null);
			return [c.complaints![i], c.via_regulator_or_ombudsman![i]];
		};
		expect(await total({ segment: 'sme' })).toEqual([1, 1]); // Q3
		expect(await total({ experiment: 'EXP1', arm: 'supportive' })).toEqual([1, 0]); // Q4
		expect(await total({ experiment: 'EXP1' })).toEqual([3, 1]); // Q1, Q2, Q4
		expect(await total({ tone: 'firm' })).toEqual([2, 1]); // K01 (K03's firm contact was in March)
	});
});

describe('contact_load_distribution and fatigue_index: contacts per account-week', () => {
	let t: TempStore;
	const P = { from: '2026-03-02', to: '2026-03-15' }; // two calendar weeks, Monday to Sunday
	beforeAll(async () => {
		// ids sort against time order so that a wrong order would show
		const at = (day: string, hour: number) => `2026-03-${day}T${pad(hour)}:00:00Z`;
		t = await storeWith({
			accounts: [accountsHeader, ...['L01', 'L02', 'L03', 'L04'].map((id) => accountRow(id))],
			interactions: [
				interactionsHeader,
				// L01, week 1: an sms and an email first, then 8 calls → 10; beyond 7: three calls
				interactionRow('L01-z1', 'L01', { occurred_at: at('02', 8), channel: 'sms', outcome: 'delivered' }),
				interactionRow('L01-z0', 'L01', { occurred_at: at('02', 9), channel: 'email', outcome: 'delivered' }),
				...Array.from({ length: 8 }, (_, k) => interactionRow(`L01-c${9 - k}`, 'L01', { occurred_at: at('02', 10 + k) })),
				// L01, week 2: one call
				interactionRow('L01-w2', 'L01', { occurred_at: at('09', 12) }),
				// L02, week 1: 7 letters, a push, an in-app message → 9; beyond 7: push 0.4 + in-app 0.1; a call the Sunday before the period
				...Array.from({ length: 7 }, (_, k) => interactionRow(`L02-l${k}`, 'L02', { occurred_at: at('03', 8 + k), channel: 'letter', outcome: 'sent' })),
				interactionRow('L02-p', 'L02', { occurred_at: at('03', 16), channel: 'push', outcome: 'delivered' }),
				interactionRow('L02-i', 'L02', { occurred_at: at('03', 17), channel: 'in_app', outcome: 'opened' }),
				interactionRow('L02-0', 'L02', { occurred_at: '2026-03-01T12:00:00Z' }),
				// L03: Sunday 23:30 UTC is week 1; Monday 00:30 UTC and Sunday 20:30 at −05:00 (Monday 01:30 UTC) are week 2; an inbound call
				interactionRow('L03-1', 'L03', { occurred_at: '2026-03-08T23:30:00Z', channel: 'sms', outcome: 'delivered' }),
				interactionRow('L03-2', 'L03', { occurred_at: '2026-03-09T00:30:00Z', channel: 'email', outcome: 'delivered' }),
				interactionRow('L03-3', 'L03', { occurred_at: '2026-03-08T20:30:00-05:00', channel: 'email', outcome: 'delivered' }),
				interactionRow('L03-in', 'L03', { occurred_at: at('04', 12), direction: 'inbound', outcome: 'conversation' }),
				// L04, week 2: 16 calls → the 15+ bucket; beyond 7: nine calls
				...Array.from({ length: 16 }, (_, k) => interactionRow(`L04-${pad(k)}`, 'L04', { occurred_at: `2026-03-${pad(10 + (k % 5))}T${pad(8 + k)}:00:00Z` }))
			]
		});
	});
	afterAll(() => t.close());

	test('the histogram on all channels and per channel', async () => {
		// all: L01w1 10, L01w2 1, L02w1 9, L03w1 1, L03w2 2, L04w2 16
		// call: L01w1 8, L01w2 1, L04w2 16; sms: L01w1 1, L03w1 1; email: L01w1 1, L03w2 2; push 1; in_app 1; letter: L02w1 7
		const c = await run(t, 'contact_load_distribution', P);
		expect(c).toEqual({
			channel: ['all', 'all', 'all', 'all', 'all', 'call', 'call', 'call', 'sms', 'email', 'email', 'push', 'in_app', 'letter'],
			contacts: ['1', '2', '9', '10', '15+', '1', '8', '15+', '1', '1', '2', '1', '1', '7'],
			account_weeks: [2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1],
			over_threshold: [0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0],
			threshold: Array(14).fill(7)
		});
	});

	test('the fatigue index: the weights of the contacts beyond the threshold, in time order', async () => {
		// L01w1: 3 calls = 3.0; L02w1: push + in_app = 0.5; L04w2: 9 calls = 9.0; the three other weeks 0
		expect(FATIGUE_WEIGHTS).toEqual({ call: 1, ringless_voicemail: 1, sms: 0.6, push: 0.4, email: 0.3, letter: 0.2, in_app: 0.1 });
		expect(await run(t, 'fatigue_index', P)).toEqual({
			account_weeks: [6],
			weeks_over: [3],
			share_over: [0.5],
			mean_index: [12.5 / 6],
			max_index: [9],
			threshold: [7]
		});
	});

	test('another threshold', async () => {
		// threshold 8: L01w1: calls 9 and 10 = 2.0; L02w1: in_app = 0.1; L04w2: 8 calls = 8.0
		expect(await run(t, 'fatigue_index', { ...P, contact_threshold: 8 })).toEqual({
			account_weeks: [6],
			weeks_over: [3],
			share_over: [0.5],
			mean_index: [10.1 / 6],
			max_index: [8],
			threshold: [8]
		});
		const c = await run(t, 'contact_load_distribution', { ...P, contact_threshold: 8 });
		expect(c.over_threshold).toEqual([0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]); // a week of 8 calls is not over 8
	});

	test('a channel filter, and a filter that matches nothing', async () => {
		expect(await run(t, 'contact_load_distribution', { ...P, channel: 'letter' })).toEqual({
			channel: ['all', 'letter'],
			contacts: ['7', '7'],
			account_weeks: [1, 1],
			over_threshold: [0, 0],
			threshold: [7, 7]
		});
		expect(await run(t, 'fatigue_index', { ...P, channel: 'letter' })).toEqual({ account_weeks: [1], weeks_over: [0], share_over: [0], mean_index: [0], max_index: [0], threshold: [7] });
		expect(await run(t, 'contact_load_distribution', { ...P, agent: 'nobody' })).toEqual(emptyOf(['channel', 'contacts', 'account_weeks', 'over_threshold', 'threshold']));
		expect(await run(t, 'fatigue_index', { ...P, agent: 'nobody' })).toEqual(emptyOf(['account_weeks', 'weeks_over', 'share_over', 'mean_index', 'max_index', 'threshold']));
	});
	test('under a filter on contacts the fatigue is still the account\'s: the order is of all its contacts', async () => {
		// in_app: L02w1's in-app message is the 9th contact of the week → 0.1 (alone it would be the first)
		expect(await run(t, 'fatigue_index', { ...P, channel: 'in_app' })).toEqual({ account_weeks: [1], weeks_over: [1], share_over: [1], mean_index: [0.1], max_index: [0.1], threshold: [7] });
		// call: L01w1's calls are its 3rd to 10th contacts → 3 beyond 7 = 3.0; L01w2 0; L04w2 9.0
		expect(await run(t, 'fatigue_index', { ...P, channel: 'call' })).toEqual({ account_weeks: [3], weeks_over: [2], share_over: [2 / 3], mean_index: [4], max_index: [9], threshold: [7] });
	});

	test('the threshold comes from the address; a bad one is refused with a message, not ignored', async () => {
		expect((await overviewParams(t.store, { ...P, contact_threshold: '8' })).params?.contact_threshold).toBe(8);
		for (const bad of ['abc', '0', '500', '7.5'])
			expect((await overviewParams(t.store, { ...P, contact_threshold: bad })).problems, bad).toEqual(['contact_threshold: contact_threshold is a whole number of contacts a week, 1 to 100']);
	});

	test('the weeks that overlap the period count whole, as the contact load does', async () => {
		// Wednesday of week 1 to Tuesday of week 2: both weeks, every day of them (not the Sunday before)
		const mid = { from: '2026-03-04', to: '2026-03-10' };
		expect(await run(t, 'contact_load_distribution', mid)).toEqual(await run(t, 'contact_load_distribution', P));
		expect(await run(t, 'fatigue_index', mid)).toEqual(await run(t, 'fatigue_index', P));
		// one day: its week
		expect((await run(t, 'fatigue_index', { from: '2026-03-11', to: '2026-03-11' })).account_weeks).toEqual([3]);
	});

	test('a chart the summary tables answer does not wait behind the heavy queries; one the raw tables answer does', async () => {
		// every slot of the heavy queue taken by a task that ends when told
		const release: (() => void)[] = [];
		const blockers = Array.from({ length: queueStats().concurrency }, (_, i) => heavy(`blocker-${i}`, () => new Promise<void>((r) => release.push(r))));
		// another threshold than the summaries' reads the raw tables: a heavy query, it waits
		let otherDone = false;
		const other = runChartQuery(t.store, 'fatigue_index', { ...P, contact_threshold: 8 }, { queue: true }).then(() => (otherDone = true));
		expect((await runChartQuery(t.store, 'fatigue_index', P, { queue: true })).account_weeks).toEqual([6]);
		expect((await runChartQuery(t.store, 'contact_load_distribution', { ...P, channel: 'call' }, { queue: true })).channel).toEqual(['all', 'all', 'all', 'call', 'call', 'call']);
		expect((await runChartQuery(t.store, 'pressure', { ...P, channel: 'call' }, { queue: true })).prior_contacts!.length).toBeGreaterThan(0);
		expect(otherDone).toBe(false);
		expect(queueStats().waiting).toBe(1);
		for (const r of release) r();
		await Promise.all([...blockers, other]);
		expect(otherDone).toBe(true);
	});

	test('the summary tables and the raw tables give the same answers', async () => {
		for (const q of [P, { ...P, channel: 'call' }, { ...P, channel: 'in_app' }, { from: '2026-03-04', to: '2026-03-10', tone: 'neutral' }, { ...P, contact_threshold: 8 }])
			for (const name of ['contact_load_distribution', 'fatigue_index', 'digital_engagement'] as const)
				expect(await runChartQuery(t.store, name, q), `${name} ${JSON.stringify(q)}`).toEqual(await runChartQuery(t.store, name, q, { source: 'raw' }));
	});
});

describe('pressure: opt-outs and complaints by the contacts in the 7 days before', () => {
	let t: TempStore;
	const P = { from: '2026-03-10', to: '2026-03-20' };
	beforeAll(async () => {
		t = await storeWith({
			accounts: [accountsHeader, ...['P01', 'P02', 'P03', 'P04'].map((id) => accountRow(id))],
			interactions: [
				interactionsHeader,
				interactionRow('P01-a', 'P01', { occurred_at: '2026-03-01T10:00:00Z' }), // too early to count for anything
				interactionRow('P01-b', 'P01', { occurred_at: '2026-03-05T10:00:00Z' }), // exactly 7 days before P01-d: counts
				interactionRow('P01-c', 'P01', { occurred_at: '2026-03-08T10:00:00Z', channel: 'sms', outcome: 'delivered' }),
				interactionRow('P01-d', 'P01', { occurred_at: '2026-03-12T10:00:00Z', channel: 'sms', outcome: 'opted_out' }), // 2 before
				interactionRow('P01-e', 'P01', { occurred_at: '2026-03-13T10:00:00Z', channel: 'email', outcome: 'delivered' }), // 2 before (P01-b is 8 days old)
				interactionRow('P01-f', 'P01', { occurred_at: '2026-03-14T09:00:00Z' }), // a call, 3 before: not a message
				interactionRow('P02-a', 'P02', { occurred_at: '2026-03-15T10:00:00Z', channel: 'push', outcome: 'delivered' }), // 0 before
				interactionRow('P02-in', 'P02', { occurred_at: '2026-03-14T10:00:00Z', direction: 'inbound', outcome: 'conversation' }),
				// P03: nine sms an hour apart: 0, 1, …, 8 before; the last one opted out
				...Array.from({ length: 9 }, (_, k) => interactionRow(`P03-${k}`, 'P03', { occurred_at: `2026-03-11T${pad(k + 1)}:00:00Z`, channel: 'sms', outcome: k === 8 ? 'opted_out' : 'delivered' }))
			],
			complaints: [
				complaintsHeader,
				['KP1', 'P01', '2026-03-14T12:00:00Z', 'contact_frequency', 'phone', 'low'], // 4 before: c, d, e, f
				['KP2', 'P02', '2026-03-18T10:00:00Z', 'other', 'web', 'low'], // 1 before (the inbound call does not count)
				['KP3', 'P03', '2026-03-11T10:00:00Z', 'contact_frequency', 'regulator', 'high'], // 9 before
				['KP4', 'P04', '2026-03-16T10:00:00Z', 'other', 'web', 'low'] // never contacted: 0 before
			]
		});
	});
	afterAll(() => t.close());

	test('every bucket, worked out by hand', async () => {
		// messages: 0: P02-a, P03-0; 1: P03-1; 2: P01-d (opt-out), P01-e, P03-2; 3–4: P03-3, P03-4; 5–7: P03-5…7; 8+: P03-8 (opt-out)
		// accounts seen: 0: P02, P03, P04 (complaint); 1: P03, P02 (complaint); 2: P01, P03; 3–4: P01 (call, complaint), P03; 5–7: P03; 8+: P03
		// complaints: 0: KP4; 1: KP2; 3–4: KP1; 8+: KP3
		expect(await run(t, 'pressure', P)).toEqual({
			prior_contacts: ['0', '1', '2', '3–4', '5–7', '8+'],
			messages: [2, 1, 3, 2, 3, 1],
			opt_outs: [0, 0, 1, 0, 0, 1],
			opt_outs_per_1k_messages: [0, 0, (1 / 3) * 1000, 0, 0, 1000],
			accounts: [3, 2, 2, 2, 1, 1],
			complaints: [1, 1, 0, 1, 0, 1],
			complaints_per_1k_accounts: [(1 / 3) * 1000, 500, 0, 500, 0, 1000]
		});
	});

	test('a channel filter chooses the messages counted; the pressure before each is still all the account\'s contacts', async () => {
		// sms only: P01-d still has 2 contacts before (P01-b, a call, and P01-c); KP1 still 4 (c, d, e, f);
		// P02 and P04 had no sms in the period: their complaints drop out
		// messages: 0: P03-0; 1: P03-1; 2: P01-d (opt-out), P03-2; 3–4: P03-3, P03-4; 5–7: P03-5…7; 8+: P03-8 (opt-out)
		// accounts seen: 0, 1: P03; 2: P01, P03; 3–4: P03, P01 (complaint KP1); 5–7: P03; 8+: P03 (and KP3)
		expect(await run(t, 'pressure', { ...P, channel: 'sms' })).toEqual({
			prior_contacts: ['0', '1', '2', '3–4', '5–7', '8+'],
			messages: [1, 1, 2, 2, 3, 1],
			opt_outs: [0, 0, 1, 0, 0, 1],
			opt_outs_per_1k_messages: [0, 0, 500, 0, 0, 1000],
			accounts: [1, 1, 2, 2, 1, 1],
			complaints: [0, 0, 0, 1, 0, 1],
			complaints_per_1k_accounts: [0, 0, 0, 500, 0, 1000]
		});
		const none = await run(t, 'pressure', { ...P, template: 'T-none' });
		expect(none.prior_contacts).toEqual([]);
	});

	test('the summary tables answer, and the raw tables give the same answers', async () => {
		expect(await summaryUsable(t.store, kpiParamsSchema.parse(P), '2026-03-18')).toBe(true);
		// one day: P01-d only (2 before) among the contacts; a period that starts mid-week; a filter on email
		expect(await run(t, 'pressure', { from: '2026-03-12', to: '2026-03-12' })).toMatchObject({ prior_contacts: ['2'], messages: [1], accounts: [1] });
		for (const q of [P, { from: '2026-03-12', to: '2026-03-12' }, { from: '2026-03-11', to: '2026-03-14', channel: 'email' }, { ...P, channel: 'call' }, { from: '2026-03-01', to: '2026-03-31', channel: 'sms' }])
			expect(await runChartQuery(t.store, 'pressure', q), JSON.stringify(q)).toEqual(await runChartQuery(t.store, 'pressure', q, { source: 'raw' }));
	});
});

describe('digital_engagement: delivered, opened, clicked and replied rates per message channel', () => {
	let t: TempStore;
	const P = { from: '2026-03-01', to: '2026-03-31' };
	beforeAll(async () => {
		const msg = (id: string, account: string, channel: string, outcome: string, occurred_at = '2026-03-10T12:00:00Z') => interactionRow(id, account, { channel, outcome, occurred_at });
		t = await storeWith({
			accounts: [accountsHeader, accountRow('M01'), accountRow('M02', { vulnerable: 'true' })],
			interactions: [
				interactionsHeader,
				msg('S1', 'M01', 'sms', 'sent', '2026-02-28T23:00:00-05:00'), // March 1 in UTC: in the period
				msg('S2', 'M01', 'sms', 'delivered'),
				msg('S3', 'M01', 'sms', 'clicked'),
				msg('S4', 'M01', 'sms', 'replied'),
				msg('S5', 'M01', 'sms', 'opted_out'),
				msg('S6', 'M01', 'sms', 'bounced'),
				msg('S7', 'M01', 'sms', 'delivered', '2026-03-31T21:00:00-04:00'), // April 1 in UTC: after it
				msg('E1', 'M01', 'email', 'opened'),
				msg('E2', 'M01', 'email', 'clicked'),
				msg('E3', 'M01', 'email', 'delivered'),
				msg('E4', 'M01', 'email', 'bounced'),
				msg('U1', 'M02', 'push', 'delivered'),
				msg('L1', 'M01', 'letter', 'delivered'), // not a digital channel
				msg('C1', 'M01', 'call', 'conversation'),
				interactionRow('S-in', 'M01', { channel: 'sms', outcome: 'delivered', direction: 'inbound', occurred_at: '2026-03-10T12:00:00Z' })
			]
		});
	});
	afterAll(() => t.close());

	test('each channel, worked out by hand', async () => {
		// sms: 6 messages; delivered: delivered, clicked, replied, opted_out = 4; opened: the click; clicked 1; replied 1
		// email: 4; delivered: opened, clicked, delivered = 3; opened: opened, clicked = 2; clicked 1; push: 1 delivered
		expect(await run(t, 'digital_engagement', P)).toEqual({
			channel: ['sms', 'email', 'push'],
			messages: [6, 4, 1],
			delivered: [4, 3, 1],
			opened: [1, 2, 0],
			clicked: [1, 1, 0],
			replied: [1, 0, 0],
			delivered_rate: [4 / 6, 0.75, 1],
			opened_rate: [1 / 6, 0.5, 0],
			clicked_rate: [1 / 6, 0.25, 0],
			replied_rate: [1 / 6, 0, 0]
		});
	});

	test('filters', async () => {
		expect((await run(t, 'digital_engagement', { ...P, vulnerable: true })).channel).toEqual(['push']);
		const none = await run(t, 'digital_engagement', { ...P, channel: 'call' });
		expect(none).toEqual(emptyOf(['channel', 'messages', 'delivered', 'opened', 'clicked', 'replied', 'delivered_rate', 'opened_rate', 'clicked_rate', 'replied_rate']));
	});

	test('an unknown parameter value is refused with a ChartParamsError, for every new query', async () => {
		const names: ChartQueryName[] = ['days_to_pay_curves', 'response_decay', 'roll_rate', 'complaints_by_category', 'contact_load_distribution', 'fatigue_index', 'pressure', 'digital_engagement'];
		for (const name of names) {
			const base = { ...P, as_of: '2026-04-30' };
			await expect(run(t, name, { ...base, channel: 'fax' }), name).rejects.toThrow(ChartParamsError);
			await expect(run(t, name, { ...base, channel: 'fax' }), name).rejects.toThrow(/channel must be one of call, sms/);
			await expect(run(t, name, { ...base, tone: "firm' OR 1=1" }), name).rejects.toThrow(/tone must be one of/);
			await expect(run(t, name, { ...base, arm: 'A' }), name).rejects.toThrow(/an arm needs its experiment/);
			await expect(run(t, name, { ...base, contact_threshold: 0 }), name).rejects.toThrow(ChartParamsError);
		}
		await expect(run(t, 'roll_rate', P), 'as_of is required').rejects.toThrow(ChartParamsError);
	});
});
