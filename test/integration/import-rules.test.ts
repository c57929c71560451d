/**
 * Every rule of the data contract: one file per table with good rows and one bad row per
 * rule; each bad row must land in the quarantine at its line, with the rule in plain words,
 * and every good row must be stored.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
	// the accounts the other tables refer to
	const r = await importFile(t.store, {
		path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2', { customer_id: 'C-shared' }), accountRow('A3', { customer_id: 'C-shared' })])),
		source: 'cli'
	});
	expect(r.status).toBe('imported');
});
afterAll(() => t.close());

interface Case {
	row: (string | number | null)[];
	reason: string;
}

async function check(table: string, header: string[], good: (string | number | null)[][], bad: Case[]) {
	const path = t.file(`${table}.csv`, csv([header, ...good, ...bad.map((b) => b.row)]));
	const r = await importFile(t.store, { path, source: 'cli' });
	expect(r.error).toBeNull();
	expect(r.status).toBe('imported');
	expect(r.rows_read).toBe(good.length + bad.length);
	expect(r.rows_quarantined).toBe(bad.length);
	expect(r.rows_inserted).toBe(good.length);
	const q = await t.store.rows<{ line_number: number; reasons: string[]; raw: string }>(
		`SELECT line_number, reasons, raw FROM quarantine WHERE batch_id = $b ORDER BY line_number`,
		{ b: BigInt(r.batch_id!) }
	);
	expect(q.map((x) => x.line_number)).toEqual(bad.map((_, i) => 2 + good.length + i));
	bad.forEach((b, i) => {
		const reasons = (q[i]!.reasons as unknown as string[]).join(' | ');
		expect(reasons, `line ${q[i]!.line_number}`).toContain(b.reason);
	});
	return q;
}

describe('accounts', () => {
	test('each rule quarantines its row with the reason', async () => {
		const q = await check(
			'accounts',
			accountsHeader,
			[accountRow('G1'), accountRow('G2', { currency: null, vulnerable: null, risk_score: null }), accountRow('G3', { closed_on: '2025-05-01', closed_reason: 'paid_off' })],
			[
				{ row: accountRow(''), reason: 'account_id is missing' },
				{ row: accountRow('B2', { customer_id: null }), reason: 'customer_id is missing' },
				{ row: accountRow('B3', { segment: 'gov' }), reason: 'segment "gov" is not one of retail, sme, corporate' },
				{ row: accountRow('B4', { product: null }), reason: 'product is missing' },
				{ row: accountRow('B5', { region: 'USA' }), reason: 'region "USA" is not an ISO 3166-2 subdivision' },
				{ row: accountRow('B6', { timezone: 'Mars/Base' }), reason: 'timezone "Mars/Base" is not a known IANA time zone' },
				{ row: accountRow('B7', { opened_on: '01/02/2024' }), reason: 'opened_on "01/02/2024" is not a date (YYYY-MM-DD)' },
				{ row: accountRow('B8', { currency: 'dollars' }), reason: 'currency "dollars" is not an ISO 4217 currency code' },
				{ row: accountRow('B9', { risk_score: 1200 }), reason: 'risk_score 1200 is outside 0–1000' },
				{ row: accountRow('B10', { risk_score: 'high' }), reason: 'risk_score "high" is not a whole number' },
				{ row: accountRow('B11', { vulnerable: 'maybe' }), reason: 'vulnerable "maybe" is not a boolean' },
				{ row: accountRow('B12', { closed_on: '2025-13-01', closed_reason: 'other' }), reason: 'closed_on "2025-13-01" is not a date' },
				{ row: accountRow('B13', { closed_on: '2025-05-01', closed_reason: 'bankrupt' }), reason: 'closed_reason "bankrupt" is not one of' },
				{ row: accountRow('B14', { closed_on: '2025-05-01' }), reason: 'closed_reason is missing: it must be set when closed_on is (2025-05-01)' },
				{ row: accountRow('B15', { closed_reason: 'customer_left' }), reason: 'closed_reason "customer_left" is set but closed_on is empty' },
				{ row: accountRow('B16', { closed_on: '2020-01-01', closed_reason: 'other' }), reason: 'closed_on 2020-01-01 is before opened_on 2024-01-15' },
				{ row: accountRow('B17', { opened_on: null }), reason: 'opened_on is missing' }
			]
		);
		// raw values are kept as they were in the file
		expect(JSON.parse(q[2]!.raw).segment).toBe('gov');
		const [g2] = await t.store.rows<{ currency: string; vulnerable: boolean; risk_score: number | null }>(
			`SELECT currency, vulnerable, risk_score FROM accounts WHERE account_id = 'G2'`
		);
		expect(g2).toEqual({ currency: 'USD', vulnerable: false, risk_score: null });
	});
});

describe('delinquencies', () => {
	const header = ['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'];
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'delinquencies',
			header,
			[['E1', 'A1', '2026-01-01', '120.50', '2026-01-20', null], ['E2', 'A2', '2026-01-01', 99, null, '2026-06-01']],
			[
				{ row: ['B1', 'NOPE', '2026-01-01', 10, null, null], reason: 'account_id "NOPE" does not exist in accounts' },
				{ row: ['B2', 'A1', '2026-01-01', 0, null, null], reason: 'amount_past_due 0.00 is not greater than 0' },
				{ row: ['B3', 'A1', '2026-01-01', '12.345', null, null], reason: 'amount_past_due "12.345" is not a decimal number with at most 2 fraction digits' },
				{ row: ['B4', 'A1', '2026-01-10', 10, '2026-01-05', null], reason: 'cured_on 2026-01-05 is before started_on 2026-01-10' },
				{ row: ['B5', 'A1', '2026-01-10', 10, null, '2026-01-05'], reason: 'charged_off_on 2026-01-05 is before started_on 2026-01-10' },
				{ row: ['B6', 'A1', '2026-01-10', 10, '2026-02-01', '2026-03-01'], reason: 'the episode is both cured (2026-02-01) and charged off (2026-03-01)' },
				{ row: ['B7', 'A1', null, 10, null, null], reason: 'started_on is missing' },
				{ row: ['B8', 'A1', '2026-01-10', -4, null, null], reason: 'amount_past_due -4.00 is not greater than 0' }
			]
		);
	});
});

describe('interactions', () => {
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'interactions',
			interactionsHeader,
			[
				interactionRow('I1', 'A1'),
				interactionRow('I2', 'A1', { channel: 'sms', outcome: 'delivered', occurred_at: '2026-03-02T19:05:00Z' }),
				// a third party may be someone else
				interactionRow('I3', 'A1', { party: 'third_party', customer_id: 'C-neighbour' }),
				interactionRow('I4', 'A1', { channel: 'ringless_voicemail', outcome: 'delivered', experiment_id: 'exp', variant: 'control' }),
				interactionRow('I5', 'A1', { occurred_at: '2026-03-02T14:05Z', contact_timezone: null, tone: null })
			],
			[
				{ row: interactionRow('B1', 'A1', { party: 'neighbour' }), reason: 'party "neighbour" is not one of consumer, third_party' },
				{ row: interactionRow('B2', 'A1', { channel: 'fax' }), reason: 'channel "fax" is not one of call, sms' },
				{ row: interactionRow('B3', 'A1', { direction: 'sideways' }), reason: 'direction "sideways" is not one of outbound, inbound' },
				{ row: interactionRow('B4', 'A1', { occurred_at: '2026-03-02 14:05' }), reason: 'occurred_at "2026-03-02 14:05" has no UTC offset' },
				{ row: interactionRow('B5', 'A1', { occurred_at: 'yesterday' }), reason: 'occurred_at "yesterday" is not a timestamp with a UTC offset' },
				{ row: interactionRow('B6', 'A1', { outcome: 'opened' }), reason: 'outcome "opened" is a message outcome, but channel is call' },
				{ row: interactionRow('B7', 'A1', { channel: 'email', outcome: 'busy' }), reason: 'outcome "busy" is a call outcome, but channel is email' },
				{ row: interactionRow('B8', 'A1', { customer_id: 'C-other' }), reason: 'customer_id "C-other" is not the customer of account "A1" ("C-A1") although party is consumer' },
				{ row: interactionRow('B9', 'A1', { contact_point: null }), reason: 'contact_point is missing' },
				{ row: interactionRow('B10', 'A1', { contact_timezone: 'Eastern' }), reason: 'contact_timezone "Eastern" is not a known IANA time zone' },
				{ row: interactionRow('B11', 'A1', { tone: 'angry' }), reason: 'tone "angry" is not one of supportive, neutral, firm' },
				{ row: interactionRow('B12', 'A1', { variant: 'arm-b' }), reason: 'variant "arm-b" is set but experiment_id is empty' },
				{ row: interactionRow('B13', 'GHOST'), reason: 'account_id "GHOST" does not exist in accounts' },
				{ row: interactionRow('B14', 'A1', { outcome: 'shouted' }), reason: 'outcome "shouted" is not one of' },
				{ row: interactionRow('B15', 'A1', { occurred_at: '2026-02-30T10:00:00Z' }), reason: 'occurred_at "2026-02-30T10:00:00Z" is not a timestamp' }
			]
		);
		const [i1] = await t.store.rows<{ occurred_at: Date }>(`SELECT occurred_at FROM interactions WHERE interaction_id = 'I1'`);
		expect(i1!.occurred_at.toISOString()).toBe('2026-03-02T19:05:00.000Z');
	});
});

describe('payments', () => {
	const header = ['payment_id', 'account_id', 'paid_at', 'amount', 'method', 'status', 'plan_id'];
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'payments',
			header,
			[['P1', 'A1', '2026-03-01T10:00:00+01:00', '50.00', 'card', 'settled', null], ['P2', 'A1', '2026-03-02T10:00:00Z', 5, 'direct_debit', 'reversed', 'PLAN-1']],
			[
				{ row: ['B1', 'A1', '2026-03-01T10:00:00Z', -5, 'card', 'settled', null], reason: 'amount -5.00 is not greater than 0' },
				{ row: ['B2', 'A1', '2026-03-01T10:00:00Z', 5, 'bitcoin', 'settled', null], reason: 'method "bitcoin" is not one of card, bank_transfer' },
				{ row: ['B3', 'A1', '2026-03-01T10:00:00Z', 5, 'card', 'pending', null], reason: 'status "pending" is not one of settled, reversed' },
				{ row: ['B4', 'A1', '2026-03-01', 5, 'card', 'settled', null], reason: 'paid_at "2026-03-01" has no UTC offset' },
				{ row: ['B5', 'NOPE', '2026-03-01T10:00:00Z', 5, 'card', 'settled', null], reason: 'account_id "NOPE" does not exist in accounts' },
				{ row: ['B6', 'A1', '2026-03-01T10:00:00Z', 'ten', 'card', 'settled', null], reason: 'amount "ten" is not a decimal number' }
			]
		);
	});
});

describe('complaints', () => {
	const header = ['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'];
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'complaints',
			header,
			[['K1', 'A1', '2026-03-01T10:00:00Z', 'contact_frequency', 'regulator', 'high']],
			[
				{ row: ['B1', 'A1', '2026-03-01T10:00:00Z', 'rude', 'phone', 'low'], reason: 'category "rude" is not one of contact_frequency' },
				{ row: ['B2', 'A1', '2026-03-01T10:00:00Z', 'privacy', 'tweet', 'low'], reason: 'source "tweet" is not one of phone, email' },
				{ row: ['B3', 'A1', '2026-03-01T10:00:00Z', 'privacy', 'web', 'critical'], reason: 'severity "critical" is not one of low, medium, high' },
				{ row: ['B4', 'A1', null, 'privacy', 'web', 'low'], reason: 'received_at is missing' },
				{ row: ['B5', 'NOPE', '2026-03-01T10:00:00Z', 'privacy', 'web', 'low'], reason: 'account_id "NOPE" does not exist in accounts' }
			]
		);
	});
});

describe('contact_preferences', () => {
	const header = ['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'];
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'contact_preferences',
			header,
			[
				['P1', 'C-A1', null, 'all', 'opt_out', '2026-03-01T10:00:00Z', null, null, null],
				['P2', 'C-shared', 'A3', 'call', 'consent_to_call', '2026-03-01T10:00:00Z', '2026-03-05T10:00:00Z', null, null],
				['P3', 'C-A1', 'A1', 'call', 'inconvenient_time', '2026-03-01T10:00:00Z', null, '12:00:00', '13:30']
			],
			[
				{ row: ['B1', 'C-A1', null, 'fax', 'opt_out', '2026-03-01T10:00:00Z', null, null, null], reason: 'channel "fax" is not one of call, sms, email, letter, all' },
				{ row: ['B2', 'C-A1', null, 'all', 'maybe', '2026-03-01T10:00:00Z', null, null, null], reason: 'kind "maybe" is not one of opt_out' },
				{ row: ['B3', 'C-A1', null, 'call', 'consent_to_call', '2026-03-05T10:00:00Z', '2026-03-01T10:00:00Z', null, null], reason: 'until_at 2026-03-01T10:00:00Z is before effective_at 2026-03-05T10:00:00Z' },
				{ row: ['B4', 'C-A1', null, 'call', 'inconvenient_time', '2026-03-01T10:00:00Z', null, '12:00', null], reason: 'local_start and local_end are both needed for an inconvenient_time event' },
				{ row: ['B5', 'C-A1', null, 'call', 'inconvenient_time', '2026-03-01T10:00:00Z', null, '25:00', '26:00'], reason: 'local_start "25:00" is not a time of day' },
				{ row: ['B6', 'C-A1', 'A2', 'call', 'opt_out', '2026-03-01T10:00:00Z', null, null, null], reason: 'account "A2" belongs to customer "C-shared", not "C-A1"' },
				{ row: ['B7', 'C-A1', 'NOPE', 'call', 'opt_out', '2026-03-01T10:00:00Z', null, null, null], reason: 'account_id "NOPE" does not exist in accounts' }
			]
		);
	});
});

describe('interactions: a key seen more than once in one file', () => {
	test('the last of three rows is imported, the two before are quarantined; a row broken for another reason is not counted', async () => {
		const path = t.file(
			'interactions_dups.csv',
			csv([
				interactionsHeader,
				interactionRow('D1', 'A1', { occurred_at: '2026-03-02T10:00:00Z' }),
				interactionRow('D2', 'A1', { channel: 'fax' }),
				interactionRow('D1', 'A1', { occurred_at: '2026-03-02T11:00:00Z' }),
				interactionRow('D2', 'A1'),
				interactionRow('D1', 'A1', { occurred_at: '2026-03-02T12:00:00Z' }),
				interactionRow('D3', 'A1')
			])
		);
		const r = await importFile(t.store, { path, source: 'cli' });
		expect([r.rows_read, r.rows_inserted, r.rows_quarantined]).toEqual([6, 3, 3]);
		const q = await t.store.rows<{ line_number: number; reasons: string[] }>(`SELECT line_number, reasons FROM quarantine WHERE batch_id = $b ORDER BY line_number`, { b: BigInt(r.batch_id!) });
		expect(q.map((x) => [x.line_number, (x.reasons as unknown as string[]).join(' | ')])).toEqual([
			[2, 'interaction_id "D1" appears again later in this file (data row 5); the later row was imported'],
			[3, 'channel "fax" is not one of call, sms, email, letter, push, in_app, ringless_voicemail'],
			[4, 'interaction_id "D1" appears again later in this file (data row 5); the later row was imported']
		]);
		const stored = await t.store.rows<{ id: string; at: string }>(
			`SELECT interaction_id AS id, strftime(occurred_at AT TIME ZONE 'UTC', '%H:%M') AS at FROM interactions WHERE interaction_id IN ('D1', 'D2', 'D3') ORDER BY 1`
		);
		expect(stored).toEqual([{ id: 'D1', at: '12:00' }, { id: 'D2', at: '19:05' }, { id: 'D3', at: '19:05' }]);
	});
});

describe('experiment_assignments', () => {
	const header = ['experiment_id', 'account_id', 'variant', 'assigned_at'];
	test('each rule quarantines its row with the reason', async () => {
		await check(
			'experiment_assignments',
			header,
			[['X', 'A1', 'control', '2026-03-01T00:00:00Z']],
			[
				{ row: ['X', 'NOPE', 'control', '2026-03-01T00:00:00Z'], reason: 'account_id "NOPE" does not exist in accounts' },
				{ row: ['X', 'A3', null, '2026-03-01T00:00:00Z'], reason: 'variant is missing' },
				{ row: ['X', 'A2', 'control', 'soon'], reason: 'assigned_at "soon" is not a timestamp' }
			]
		);
	});

	test('a primary key seen twice in one file: the later row is imported, the earlier one quarantined', async () => {
		const path = t.file(
			'experiment_assignments_dup.csv',
			csv([header, ['Y', 'A1', 'control', '2026-03-01T00:00:00Z'], ['Y', 'A2', 'control', '2026-03-01T00:00:00Z'], ['Y', 'A1', 'treatment', '2026-03-02T00:00:00Z']])
		);
		const r = await importFile(t.store, { path, source: 'cli' });
		expect([r.rows_read, r.rows_inserted, r.rows_quarantined]).toEqual([3, 2, 1]);
		const [q] = await t.store.rows<{ line_number: number; reasons: string[] }>(`SELECT line_number, reasons FROM quarantine WHERE batch_id = $b`, { b: BigInt(r.batch_id!) });
		expect(q!.line_number).toBe(2);
		expect(q!.reasons[0]).toBe('experiment_id + account_id "Y|A1" appears again later in this file (data row 3); the later row was imported');
		const stored = await t.store.rows(`SELECT variant FROM experiment_assignments WHERE experiment_id = 'Y' AND account_id = 'A1'`);
		expect(stored).toEqual([{ variant: 'treatment' }]);
	});
});
