/**
 * The compliance audit's rules as the regulations word them (issue 16 item 3, "Exact rules"),
 * against a real DuckDB store with hand-made rows: each case cites the rule's text it holds to,
 * and checks that the finding appears, or does not. One audit runs over all the cases of the
 * first store (each case its own person and debt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { pickAudit } from '../../src/lib/server/compliance/findings/audits.ts';
import { ruleMethod } from '../../src/lib/server/compliance/findings/method.ts';
import { findingsFilterSchema } from '../../src/lib/server/compliance/findings/filters.ts';
import { complianceOverview } from '../../src/lib/server/compliance/findings/query.ts';
import { loadPacks, packsFor } from '../../src/lib/server/compliance/packs.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

interface Finding {
	pack_id: string;
	rule_id: string;
	customer_id: string;
	account_id: string;
	local_date: string;
	interaction_ids: string[];
	detail: string;
}

let t: TempStore;
let run: AuditRun;
let all: Finding[] = [];
let seq = 0;
const accounts: Record<string, unknown>[] = [];
const interactions: Record<string, unknown>[] = [];
const prefs: Record<string, unknown>[] = [];
const zones: Record<string, unknown>[] = [];

function account(id: string, cust: string, region = 'US-AZ', zone = 'America/Phoenix', more: Record<string, unknown> = {}) {
	accounts.push({ account_id: id, customer_id: cust, segment: 'retail', product: 'card', region, timezone: zone, opened_on: '2025-01-01', currency: 'USD', vulnerable: false, import_batch_id: 0, ...more });
}
interface Contact {
	acct: string;
	cust?: string;
	party?: string;
	channel?: string;
	direction?: string;
	outcome?: string;
	point?: string;
	ctz?: string | null;
	id?: string;
}
/** one interaction at an instant written with its offset */
function contact(at: string, c: Contact): string {
	const id = c.id ?? `${c.acct}-${++seq}`;
	interactions.push({
		interaction_id: id, account_id: c.acct, customer_id: c.cust ?? 'C-' + c.acct, party: c.party ?? 'consumer', channel: c.channel ?? 'call',
		direction: c.direction ?? 'outbound', occurred_at: at, outcome: c.outcome ?? 'no_answer', contact_point: c.point ?? 'P-' + c.acct,
		contact_timezone: c.ctz ?? null, agent_id: 'AG1', import_batch_id: 0
	});
	return id;
}
function pref(id: string, cust: string, acct: string | null, channel: string, kind: string, at: string, more: { until?: string; start?: string; end?: string } = {}) {
	prefs.push({ event_id: id, customer_id: cust, account_id: acct, channel, kind, effective_at: at, until_at: more.until ?? null, local_start: more.start ?? null, local_end: more.end ?? null, import_batch_id: 0 });
}
const of = (acct: string, rule?: string) => all.filter((f) => f.account_id === acct && (!rule || f.rule_id === rule));
const ids = (acct: string, rule: string) => of(acct, rule).map((f) => f.interaction_ids);

// Phoenix is UTC-7 all year (no daylight saving)
const az = (date: string, time: string) => `${date}T${time}-07:00`;

/** rows inserted by column name (the tables have more columns than a case sets) */
async function insert(table: string, data: Record<string, unknown>[]) {
	const c = await t.store.conn();
	for (const r of data) {
		const cols = Object.keys(r);
		await c.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => '$' + (i + 1)).join(', ')})`, Object.values(r) as never);
	}
}

beforeAll(async () => {
	t = await tempStore();

	// ---- 1. only communications with the consumer
	// 12 CFR 1006.6(b)(1)(i): "a debt collector must not communicate or attempt to communicate with a
	// consumer ... at any unusual time"; 1006.6(a): the consumer is the person obligated, a spouse, a
	// parent or guardian of a minor, an executor or administrator. A call to the creditor at 07:00,
	// to the consumer's attorney at 21:30 and to a neighbour (third party) at 07:30 are not; the
	// consumer at 07:30 is.
	account('TD1', 'C-TD1');
	contact(az('2026-03-02', '07:00:00'), { acct: 'TD1', cust: 'CRED-1', party: 'creditor', point: 'CRED', id: 'TD1-creditor' });
	contact(az('2026-03-02', '21:30:00'), { acct: 'TD1', cust: 'ATT-1', party: 'consumer_attorney', point: 'LAW', id: 'TD1-attorney' });
	contact(az('2026-03-03', '07:30:00'), { acct: 'TD1', cust: 'TP-1', party: 'third_party', point: 'NEIGHBOUR', id: 'TD1-neighbour' });
	contact(az('2026-03-04', '07:30:00'), { acct: 'TD1', id: 'TD1-consumer' });
	// 940 CMR 7.04(1)(f): "initiating a communication with any debtor via telephone ... in excess of
	// two such communications in each seven-day period": 2 calls to the debtor and 1 location call
	// to a third party about a Massachusetts debt are 2, not 3; 3 to the debtor are 3.
	account('MA1', 'C-MA1', 'US-MA', 'America/New_York');
	contact('2026-03-02T10:00:00-05:00', { acct: 'MA1' });
	contact('2026-03-03T10:00:00-05:00', { acct: 'MA1', cust: 'TP-MA1', party: 'third_party', point: 'TP' });
	contact('2026-03-04T10:00:00-05:00', { acct: 'MA1' });
	account('MA2', 'C-MA2', 'US-MA', 'America/New_York');
	for (const d of ['02', '03', '04']) contact(`2026-03-${d}T10:00:00-05:00`, { acct: 'MA2' });
	// Washington (RCW 19.16.250: contacts "with the debtor"): 4 location calls to a third party in 7
	// days are no contact with the debtor (they counted for the third party before)
	account('WA1', 'C-WA1', 'US-WA', 'America/Los_Angeles');
	for (const d of ['02', '03', '04', '05']) contact(`2026-03-${d}T10:00:00-08:00`, { acct: 'WA1', cust: 'TP-WA1', party: 'third_party', point: 'TP' });

	// ---- 2. opt-ins narrower than an opt-out
	// 12 CFR 1006.14(h)(1): a debt collector must not communicate through a medium the person has
	// requested it not use; an opt-in of one medium or one debt withdraws the request for that medium
	// or debt only. An opt-out of every channel, then an opt-in of SMS: an SMS is allowed, an e-mail
	// and a call are not.
	account('OA', 'C-OA');
	pref('EVOA-out', 'C-OA', null, 'all', 'opt_out', az('2026-03-02', '10:00:00'));
	pref('EVOA-in', 'C-OA', null, 'sms', 'opt_in', az('2026-03-03', '10:00:00'));
	contact(az('2026-03-02', '12:00:00'), { acct: 'OA', channel: 'sms', outcome: 'delivered', id: 'OA-sms-before-opt-in' });
	contact(az('2026-03-04', '10:00:00'), { acct: 'OA', channel: 'sms', outcome: 'delivered', id: 'OA-sms' });
	contact(az('2026-03-04', '11:00:00'), { acct: 'OA', channel: 'email', outcome: 'delivered', id: 'OA-email' });
	contact(az('2026-03-04', '12:00:00'), { acct: 'OA', id: 'OA-call' });
	// an opt-out of every channel for every debt, then an opt-in of every channel for one debt: that
	// debt may be contacted again, the other not
	account('OB1', 'C-OB');
	account('OB2', 'C-OB');
	pref('EVOB-out', 'C-OB', null, 'all', 'opt_out', az('2026-03-02', '10:00:00'));
	pref('EVOB-in', 'C-OB', 'OB1', 'all', 'opt_in', az('2026-03-03', '10:00:00'));
	contact(az('2026-03-04', '10:00:00'), { acct: 'OB1', cust: 'C-OB', channel: 'email', outcome: 'delivered', id: 'OB1-email' });
	contact(az('2026-03-04', '11:00:00'), { acct: 'OB2', cust: 'C-OB', channel: 'email', outcome: 'delivered', id: 'OB2-email' });
	// an opt-in of calls lifts an opt-out of calls for ringless voicemail too; an opt-in of SMS does not
	account('OC', 'C-OC');
	pref('EVOC-out', 'C-OC', null, 'call', 'opt_out', az('2026-03-02', '10:00:00'));
	pref('EVOC-in', 'C-OC', null, 'sms', 'opt_in', az('2026-03-03', '10:00:00'));
	pref('EVOC-in2', 'C-OC', null, 'call', 'opt_in', az('2026-03-05', '10:00:00'));
	contact(az('2026-03-04', '10:00:00'), { acct: 'OC', channel: 'ringless_voicemail', outcome: 'voicemail_left', id: 'OC-rvm-1' });
	contact(az('2026-03-06', '10:00:00'), { acct: 'OC', channel: 'ringless_voicemail', outcome: 'voicemail_left', id: 'OC-rvm-2' });

	// ---- 3. the risk flags count a number across people
	// 12 CFR 1006.14(b)(1): "place telephone calls or engage any person in telephone conversation
	// repeatedly or continuously with intent to annoy, abuse, or harass any person at the called
	// number": the flags are about a telephone rung again and again, so the calls about two people
	// of one household who share a number count together. An unanswered call about HH1 at 10:00 and
	// one about HH2 at 10:03 to the shared number: a flag; 4 calls about HH1 and 3 about HH2 to it on
	// one day: 7 calls to one number.
	account('HH1', 'C-HH1');
	account('HH2', 'C-HH2');
	contact(az('2026-03-02', '10:00:00'), { acct: 'HH1', point: 'HOME-555', id: 'HH1-a' });
	contact(az('2026-03-02', '10:03:00'), { acct: 'HH2', point: 'HOME-555', outcome: 'voicemail_no_message', id: 'HH2-b' });
	for (let k = 0; k < 7; k++) contact(az('2026-03-04', `${10 + k}:00:00`), { acct: k % 2 ? 'HH2' : 'HH1', point: 'HOME-555', outcome: 'answered_dropped', id: `HH-day-${k}` });
	// the other side: one person's two numbers are two telephones; unanswered calls to each 2
	// minutes apart, and 4 + 3 calls to them on one day, are no flag
	account('HP', 'C-HP');
	contact(az('2026-03-02', '10:00:00'), { acct: 'HP', point: 'HP-MOBILE' });
	contact(az('2026-03-02', '10:02:00'), { acct: 'HP', point: 'HP-HOME' });
	for (let k = 0; k < 7; k++) contact(az('2026-03-04', `${10 + k}:00:00`), { acct: 'HP', point: k < 4 ? 'HP-MOBILE' : 'HP-HOME', outcome: 'answered_dropped' });
	// two numbers of different people whose 32-bit hashes are equal (the index keeps the number as
	// such a hash): 4 + 3 calls on one day, and two unanswered calls a minute apart, are no flag
	account('HX1', 'C-HX1');
	account('HX2', 'C-HX2');
	for (let k = 0; k < 7; k++) contact(az('2026-03-04', `${10 + k}:00:00`), { acct: k < 4 ? 'HX1' : 'HX2', point: k < 4 ? 'N-11333' : 'N-372937', outcome: 'answered_dropped' });
	contact(az('2026-03-05', '10:00:00'), { acct: 'HX1', point: 'N-11333' });
	contact(az('2026-03-05', '10:01:00'), { acct: 'HX2', point: 'N-372937' });
	// the creditor's line is not a person's telephone: 7 calls to it on one day about 7 debts are no flag
	for (let k = 0; k < 7; k++) {
		account(`HC${k}`, `C-HC${k}`);
		contact(az('2026-03-04', `${10 + k}:00:00`), { acct: `HC${k}`, cust: 'CRED-HC', party: 'creditor', point: 'CREDITOR-LINE', outcome: 'answered_dropped' });
	}

	// ---- 4. ruled-out ranges are kept apart
	// 12 CFR 1006.6(b)(1): a collector must not communicate at a time it knows or should know is
	// inconvenient to the consumer. 12:00–13:00 ruled out on 1 Mar and 18:00–19:00 on 2 Mar: both
	// are inconvenient afterwards; the second does not end the first.
	account('IR1', 'C-IR1');
	pref('EVIR1-a', 'C-IR1', null, 'all', 'inconvenient_time', az('2026-03-01', '09:00:00'), { start: '12:00:00', end: '13:00:00' });
	pref('EVIR1-b', 'C-IR1', null, 'all', 'inconvenient_time', az('2026-03-02', '09:00:00'), { start: '18:00:00', end: '19:00:00' });
	contact(az('2026-03-04', '12:30:00'), { acct: 'IR1', id: 'IR1-1230' });
	contact(az('2026-03-04', '15:00:00'), { acct: 'IR1', id: 'IR1-1500' });
	contact(az('2026-03-04', '18:30:00'), { acct: 'IR1', id: 'IR1-1830' });
	// overlapping ranges 12:00–14:00 and (later) 13:00–15:00: 12:15 falls in the first only, 14:30
	// in the second only, 13:30 in both (named by the later one)
	account('IR2', 'C-IR2');
	pref('EVIR2-a', 'C-IR2', 'IR2', 'call', 'inconvenient_time', az('2026-03-01', '09:00:00'), { start: '12:00:00', end: '14:00:00' });
	pref('EVIR2-b', 'C-IR2', 'IR2', 'call', 'inconvenient_time', az('2026-03-02', '09:00:00'), { start: '13:00:00', end: '15:00:00' });
	contact(az('2026-03-04', '12:15:00'), { acct: 'IR2', id: 'IR2-1215' });
	contact(az('2026-03-04', '13:30:00'), { acct: 'IR2', id: 'IR2-1330' });
	contact(az('2026-03-04', '14:30:00'), { acct: 'IR2', id: 'IR2-1430' });
	// an event with an empty range (start = end) withdraws the earlier ranges of that channel and debt
	account('IR3', 'C-IR3');
	pref('EVIR3-a', 'C-IR3', null, 'all', 'inconvenient_time', az('2026-03-01', '09:00:00'), { start: '12:00:00', end: '13:00:00' });
	pref('EVIR3-b', 'C-IR3', null, 'all', 'inconvenient_time', az('2026-03-03', '09:00:00'), { start: '00:00:00', end: '00:00:00' });
	contact(az('2026-03-02', '12:30:00'), { acct: 'IR3', id: 'IR3-before' });
	contact(az('2026-03-04', '12:30:00'), { acct: 'IR3', id: 'IR3-after' });

	// ---- 5. the New York City pack applies in New York City
	// The New York City rules bind collection from consumers in the city (NYC Rules, Title 6, Chapter
	// 5, Subchapter S), not all of New York State: 4 contacts in 7 days in October about a Manhattan
	// debt (locality new_york_city) break the pack; the same about a Buffalo debt (US-NY, no locality)
	// do not. A location call to a third party is no contact with the consumer.
	account('NYC1', 'C-NYC1', 'US-NY', 'America/New_York', { locality: 'new_york_city' });
	account('UPS1', 'C-UPS1', 'US-NY', 'America/New_York');
	account('NYC2', 'C-NYC2', 'US-NY', 'America/New_York', { locality: 'new_york_city' });
	for (const a of ['NYC1', 'UPS1']) for (const d of ['05', '06', '07', '08']) contact(`2026-10-${d}T10:00:00-04:00`, { acct: a, channel: 'sms', outcome: 'delivered', id: `${a}-${d}` });
	for (const d of ['05', '06', '07']) contact(`2026-10-${d}T10:00:00-04:00`, { acct: 'NYC2', channel: 'email', outcome: 'delivered' });
	contact('2026-10-08T10:00:00-04:00', { acct: 'NYC2', cust: 'TP-NYC2', party: 'third_party', point: 'TP' });

	// ---- 6. zones as they were, every zone known for the person
	// 12 CFR 1006.6(b)(1)(i): a convenient time is "between 8:00 a.m. and 9:00 p.m. local time at the
	// consumer's location", which is where the consumer was when the call was made. An account in Los
	// Angeles until 10 Mar, then in New York (a re-export changed its zone): a call at 10:30 New York
	// time on 4 Mar was 07:30 where the person lived then; after the move, 07:30 New York time is
	// early and 10:30 is not.
	account('MV', 'C-MV', 'US-NY', 'America/New_York');
	zones.push({ account_id: 'MV', timezone: 'America/Los_Angeles', valid_from: '-infinity', import_batch_id: 0 });
	zones.push({ account_id: 'MV', timezone: 'America/New_York', valid_from: '2026-03-10T00:00:00Z', import_batch_id: 1 });
	contact('2026-03-04T10:30:00-05:00', { acct: 'MV', id: 'MV-before-move' });
	contact('2026-03-12T10:30:00-04:00', { acct: 'MV', id: 'MV-after-move-1030' });
	contact('2026-03-13T07:30:00-04:00', { acct: 'MV', id: 'MV-after-move-0730' });
	// comment 6(b)(1)(i)-1: in the absence of knowledge to the contrary, a collector that has
	// conflicting or ambiguous information about the consumer's location must comply in every
	// location it knows of. A person with a debt at a Los Angeles address and one at a New York
	// address: a call about the New York debt at 10:30 New York time is 07:30 in Los Angeles.
	account('PZ1', 'C-PZ', 'US-CA', 'America/Los_Angeles');
	account('PZ2', 'C-PZ', 'US-NY', 'America/New_York');
	contact('2026-03-04T10:30:00-05:00', { acct: 'PZ2', cust: 'C-PZ', id: 'PZ2-1030-ny' });
	contact('2026-03-04T13:00:00-05:00', { acct: 'PZ2', cust: 'C-PZ', id: 'PZ2-1300-ny' });
	// two debts at addresses in the same zone: nothing more to check
	account('PS1', 'C-PS');
	account('PS2', 'C-PS');
	contact(az('2026-03-04', '10:00:00'), { acct: 'PS2', cust: 'C-PS' });

	await insert('accounts', accounts);
	await insert('account_zones', zones);
	await insert('interactions', interactions);
	await insert('contact_preferences', prefs);
	run = await runAudit(t.store, { trigger: 'manual', runBy: 'tester' });
	all = await t.store.rows<Finding>(
		`SELECT pack_id, rule_id, customer_id, account_id, local_date::VARCHAR AS local_date, interaction_ids, detail
		FROM compliance_findings WHERE audit_id = $a ORDER BY finding_id`,
		{ a: run.audit_id }
	);
}, 60_000);

afterAll(async () => {
	await t?.close();
});

describe('1. only communications with the consumer', () => {
	it('12 CFR 1006.6(b)(1)(i) with 1006.6(a): the time of day binds contacts with the consumer, not calls to the creditor, an attorney or a third party', () => {
		expect(run.status).toBe('done');
		expect(ids('TD1', 'inconvenient_hours')).toEqual([['TD1-consumer']]);
	});
	it('940 CMR 7.04(1)(f): Massachusetts counts communications with the debtor, not a location call to a third party', () => {
		expect(of('MA1', 'ma_two_in_seven')).toEqual([]);
		expect(of('MA2', 'ma_two_in_seven')).toHaveLength(1);
	});
	it('RCW 19.16.250: Washington counts contacts with the debtor', () => {
		expect(of('WA1', 'wa_three_per_week')).toEqual([]);
	});
});

describe('2. opt-ins narrower than an opt-out', () => {
	it('12 CFR 1006.14(h): an opt-out of every channel and then an opt-in of SMS lifts it for SMS only', () => {
		expect(ids('OA', 'contact_after_opt_out')).toEqual([['OA-sms-before-opt-in'], ['OA-email'], ['OA-call']]);
	});
	it('12 CFR 1006.14(h): an opt-in for one debt lifts an opt-out of every debt for that debt only', () => {
		expect(of('OB1', 'contact_after_opt_out')).toEqual([]);
		expect(ids('OB2', 'contact_after_opt_out')).toEqual([['OB2-email']]);
	});
	it('an opt-in of calls lifts the opt-out of calls for ringless voicemail too; an opt-in of SMS does not', () => {
		expect(ids('OC', 'contact_after_opt_out')).toEqual([['OC-rvm-1']]);
	});
});

describe('3. the risk flags count a number across people', () => {
	it('12 CFR 1006.14(b)(1), "any person at the called number": two unanswered calls about two people to their shared number within 5 minutes', () => {
		expect(ids('HH2', 'repeat_unanswered_calls')).toEqual([['HH1-a', 'HH2-b']]);
		expect(of('HH1', 'repeat_unanswered_calls')).toEqual([]);
	});
	it('12 CFR 1006.14(b)(1): 7 calls to a shared number on one day, about two people', () => {
		const f = all.filter((x) => x.rule_id === 'calls_per_number_per_day' && x.interaction_ids.some((id) => id.startsWith('HH-day-')));
		expect(f.map((x) => x.interaction_ids)).toEqual([[...Array(7).keys()].map((k) => `HH-day-${k}`)]);
	});
	it("one person's two numbers are two telephones: no flag", () => {
		expect(of('HP', 'repeat_unanswered_calls')).toEqual([]);
		expect(of('HP', 'calls_per_number_per_day')).toEqual([]);
	});
	it('two numbers whose 32-bit hashes are equal are still two numbers', async () => {
		const [h] = await t.store.rows<{ same: boolean }>(`SELECT hash('N-11333') % 4294967296 = hash('N-372937') % 4294967296 AS same`);
		expect(h!.same).toBe(true);
		expect([...of('HX1'), ...of('HX2')].filter((f) => f.rule_id !== 'inconvenient_hours')).toEqual([]);
	});
	it("the creditor's line is not counted", () => {
		expect(all.filter((f) => f.account_id.startsWith('HC'))).toEqual([]);
	});
});

describe('4. ruled-out ranges are kept apart', () => {
	it('12 CFR 1006.6(b)(1): a second ruled-out range does not end the first', () => {
		expect(ids('IR1', 'person_inconvenient_time')).toEqual([['IR1-1230'], ['IR1-1830']]);
	});
	it('12 CFR 1006.6(b)(1): overlapping ranges are each checked; the finding names the latest range the contact falls in', () => {
		const f = of('IR2', 'person_inconvenient_time');
		expect(f.map((x) => x.interaction_ids[0])).toEqual(['IR2-1215', 'IR2-1330', 'IR2-1430']);
		expect(f.map((x) => /\((EVIR2-\w)\)/.exec(x.detail)?.[1])).toEqual(['EVIR2-a', 'EVIR2-b', 'EVIR2-b']);
	});
	it('an event with an empty range withdraws the earlier ones', () => {
		expect(ids('IR3', 'person_inconvenient_time')).toEqual([['IR3-before']]);
	});
});

describe('5. the New York City pack applies in New York City', () => {
	it('NYC Rules, Title 6, Chapter 5, Subchapter S: a New York City debt (accounts.locality), not every US-NY debt', () => {
		expect(ids('NYC1', 'nyc_three_in_seven')).toEqual([['NYC1-05', 'NYC1-06', 'NYC1-07', 'NYC1-08']]);
		expect(of('UPS1', 'nyc_three_in_seven')).toEqual([]);
	});
	it('counts contacts with the consumer, not a location call to a third party', () => {
		expect(of('NYC2', 'nyc_three_in_seven')).toEqual([]);
	});
	it("the overview counts the New York City pack's contacts in New York City, from the date it takes effect; before it, the pack is not in force", async () => {
		const audit = (await pickAudit(t.store, run.audit_id))!;
		const nyc = async (f: Record<string, string>) => (await complianceOverview(t.store, audit, findingsFilterSchema.parse(f))).by_pack.find((r) => r.key === 'us-nyc')!;
		// NYC1's 4 texts and NYC2's 3 e-mails and a call to a third party (every outbound contact counts as a contact); not UPS1's
		expect(await nyc({})).toMatchObject({ findings: 1, contacts: 8 });
		expect((await nyc({})).in_force).toBeUndefined();
		// a period that ends before 1 Sep 2026: not in force, no contacts
		expect(await nyc({ to: '2026-08-31' })).toMatchObject({ findings: 0, contacts: null, in_force: false });
		// Regulation F, in force all along, counts every contact
		const regf = (await complianceOverview(t.store, audit, findingsFilterSchema.parse({}))).by_pack.find((r) => r.key === 'regulation-f')!;
		expect(regf.contacts).toBe(interactions.filter((r) => r.direction === 'outbound').length);
	});
	it("the timeline's packs that apply: New York City for a New York City debt only", () => {
		const { packs } = loadPacks();
		expect(packsFor(packs, 'US-NY', 'new_york_city').map((p) => p.id).sort()).toEqual(['regulation-f', 'us-nyc']);
		expect(packsFor(packs, 'US-NY', null).map((p) => p.id)).toEqual(['regulation-f']);
	});
});

describe('5. the data contract carries the locality', () => {
	it('the importer takes accounts.locality, and says what is wrong with a bad one', async () => {
		const s = await tempStore();
		try {
			const rows = [
				[...accountRow('L1', { region: 'US-NY' }), 'new_york_city'],
				[...accountRow('L2', { region: 'US-NY' }), ''],
				[...accountRow('L3', { region: 'US-MA' }), 'new_york_city'],
				[...accountRow('L4', { region: 'US-NY' }), 'brooklyn']
			];
			const r = await importFile(s.store, { path: s.file('accounts.csv', csv([[...accountsHeader, 'locality'], ...rows])), source: 'cli' });
			expect(r).toMatchObject({ status: 'imported', rows_inserted: 2, rows_quarantined: 2 });
			expect(await s.store.rows(`SELECT account_id, locality FROM accounts ORDER BY 1`)).toEqual([{ account_id: 'L1', locality: 'new_york_city' }, { account_id: 'L2', locality: null }]);
			const q = await s.store.rows<{ record_key: string; reasons: string[] }>(`SELECT record_key, reasons FROM quarantine ORDER BY line_number`);
			expect(q.map((x) => x.record_key)).toEqual(['L3', 'L4']);
			expect(q[0]!.reasons.join(' ')).toContain('locality new_york_city is in US-NY, but region is US-MA');
			expect(q[1]!.reasons.join(' ')).toMatch(/locality/);
		} finally {
			await s.close();
		}
	});
});

describe('6. zones as they were, every zone known for the person', () => {
	it("12 CFR 1006.6(b)(1)(i): a call before the person moved is judged in the zone they lived in then", () => {
		const f = of('MV', 'inconvenient_hours');
		expect(f.map((x) => x.interaction_ids[0])).toEqual(['MV-before-move', 'MV-after-move-0730']);
		expect(f[0]!.detail).toContain('07:30:00 in America/Los_Angeles (the address)');
		expect(f[0]!.local_date).toBe('2026-03-04');
		expect(f[1]!.detail).toContain('07:30:00 in America/New_York (the address)');
	});
	it('comment 6(b)(1)(i)-1: every zone the collector knows for the person, the addresses of their other debts too', () => {
		const f = of('PZ2', 'inconvenient_hours');
		expect(f.map((x) => x.interaction_ids[0])).toEqual(['PZ2-1030-ny']);
		expect(f[0]!.detail).toContain('07:30:00 in America/Los_Angeles (the address of another debt of the person)');
		expect(f[0]!.detail).not.toContain('America/New_York');
		expect(of('PS2')).toEqual([]);
	});
	it('a re-export that changes the zone is kept as history: earlier contacts keep their zone', async () => {
		const s = await tempStore();
		try {
			const acc = (zone: string) => csv([accountsHeader, accountRow('Z1', { region: 'US-NY', timezone: zone }), accountRow('Z2', { region: 'US-NY', timezone: 'America/New_York' })]);
			expect(await importFile(s.store, { path: s.file('accounts.csv', acc('America/Los_Angeles')), source: 'cli' })).toMatchObject({ status: 'imported', rows_inserted: 2 });
			// a call at 10:30 New York time (07:30 in Los Angeles, where Z1 lived then), audited before the move
			const calls = csv([interactionsHeader, interactionRow('Z1-call', 'Z1', { occurred_at: '2026-03-04T15:30:00Z', outcome: 'no_answer', contact_timezone: null })]);
			expect(await importFile(s.store, { path: s.file('interactions.csv', calls), source: 'cli' })).toMatchObject({ status: 'imported', rows_inserted: 1 });
			const before = await runAudit(s.store, { trigger: 'cli' });
			// the re-export: Z1 now lives in New York; Z2 unchanged; then the same file again
			expect(await importFile(s.store, { path: s.file('accounts-2.csv', acc('America/New_York')), source: 'cli' })).toMatchObject({ status: 'imported', rows_updated: 1 });
			expect(await importFile(s.store, { path: s.file('accounts-3.csv', acc('America/New_York')), source: 'cli' })).toMatchObject({ status: 'imported', rows_unchanged: 2 });
			const history = await s.store.rows<{ account_id: string; timezone: string; first: boolean }>(
				`SELECT account_id, timezone, valid_from = '-infinity'::TIMESTAMPTZ AS first FROM account_zones ORDER BY account_id, valid_from`
			);
			expect(history).toEqual([
				{ account_id: 'Z1', timezone: 'America/Los_Angeles', first: true },
				{ account_id: 'Z1', timezone: 'America/New_York', first: false },
				{ account_id: 'Z2', timezone: 'America/New_York', first: true }
			]);
			const after = await runAudit(s.store, { trigger: 'cli' });
			const found = async (a: AuditRun) => (await s.store.rows<{ detail: string }>(`SELECT detail FROM compliance_findings WHERE audit_id = $a AND rule_id = 'inconvenient_hours'`, { a: a.audit_id })).map((r) => r.detail);
			expect(await found(before)).toEqual([expect.stringContaining('07:30:00 in America/Los_Angeles (the address)')]);
			// the violation does not disappear when the account moves
			expect(await found(after)).toEqual(await found(before));
		} finally {
			await s.close();
		}
	});
});

describe("the report's method says the rules as they are applied now", () => {
	const regf = loadPacks().packs.find((p) => p.id === 'regulation-f')!;
	const method = (id: string) => ruleMethod(regf.rules.find((r) => r.id === id)!);
	it('names what each changed rule now does', () => {
		expect(method('inconvenient_hours')).toMatch(/leaving out contacts with third parties/);
		expect(method('inconvenient_hours')).toMatch(/the address as it was then .* the addresses of the person’s other debts/);
		expect(method('contact_after_opt_out')).toContain('lifts it only for the channel and the debts the opt-in names');
		expect(method('person_inconvenient_time')).toContain('a later range does not replace an earlier one');
		expect(method('repeat_unanswered_calls')).toContain('whoever they were about');
		expect(method('calls_per_number_per_day')).toContain('whoever they were about');
	});
});
