/**
 * More of Regulation F (issue 16 item 4), against a real DuckDB store with hand-made rows: the
 * consumer represented by an attorney (1006.6(b)(2)), repeated location inquiries with a third party
 * (1006.10(c)), a credit report before communicating (1006.30(a)), the consumer's consent to an
 * otherwise inconvenient time (1006.6(b)(1)), and the exceptions of 1006.14(h)(2) and 1006.6(c)(2).
 * Each case cites the text it holds to and checks that the finding appears, or does not; a store
 * whose export lacks the data a rule needs gets "not checked", never a silent zero.
 * docs/compliance-regf-more.md.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as runAuditCommand } from '../../src/cli/commands/audit.ts';
import { runAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { csv, interactionRow, interactionsHeader, accountRow, accountsHeader, tempStore, type TempStore } from '../support/store.ts';

interface Finding {
	rule_id: string;
	customer_id: string;
	account_id: string;
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

function account(id: string, cust = 'C-' + id) {
	accounts.push({ account_id: id, customer_id: cust, segment: 'retail', product: 'card', region: 'US-AZ', timezone: 'America/Phoenix', opened_on: '2025-01-01', currency: 'USD', vulnerable: false, import_batch_id: 0 });
}
interface Contact {
	acct: string;
	cust?: string;
	party?: string;
	channel?: string;
	direction?: string;
	outcome?: string;
	point?: string;
	purpose?: string;
	id?: string;
}
function contact(at: string, c: Contact): string {
	const id = c.id ?? `${c.acct}-${++seq}`;
	interactions.push({
		interaction_id: id, account_id: c.acct, customer_id: c.cust ?? 'C-' + c.acct, party: c.party ?? 'consumer', channel: c.channel ?? 'call',
		direction: c.direction ?? 'outbound', occurred_at: at, outcome: c.outcome ?? 'no_answer', contact_point: c.point ?? 'P-' + c.acct,
		agent_id: 'AG1', purpose: c.purpose ?? null, import_batch_id: 0
	});
	return id;
}
function pref(id: string, cust: string, acct: string | null, channel: string, kind: string, at: string, more: { until?: string; start?: string; end?: string } = {}) {
	prefs.push({ event_id: id, customer_id: cust, account_id: acct, channel, kind, effective_at: at, until_at: more.until ?? null, local_start: more.start ?? null, local_end: more.end ?? null, import_batch_id: 0 });
}
const of = (acct: string, rule: string) => all.filter((f) => f.account_id === acct && f.rule_id === rule);
const ids = (acct: string, rule: string) => of(acct, rule).map((f) => f.interaction_ids);

// Phoenix is UTC-7 all year (no daylight saving)
const az = (date: string, time: string) => `${date}T${time}-07:00`;

async function insert(store: TempStore['store'], table: string, data: Record<string, unknown>[]) {
	const c = await store.conn();
	for (const r of data) {
		const cols = Object.keys(r);
		await c.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => '$' + (i + 1)).join(', ')})`, Object.values(r) as never);
	}
}

const findingsOf = (store: TempStore['store'], auditId: number) =>
	store.rows<Finding>(`SELECT rule_id, customer_id, account_id, interaction_ids, detail FROM compliance_findings WHERE audit_id = $a ORDER BY finding_id`, { a: auditId });

beforeAll(async () => {
	t = await tempStore();

	// ---- 1. attorney representation
	// 12 CFR 1006.6(b)(2): a debt collector must not communicate with a consumer "if the debt collector
	// knows the consumer is represented by an attorney with respect to such debt and knows, or can
	// readily ascertain, such attorney's name and address, ... unless the attorney consents to the
	// debt collector's direct communication with the consumer, or unless the consumer initiates the
	// communication". The collector learns of the attorney on 5 March; the attorney consents on 10 March.
	account('AT1');
	pref('EVAT1', 'C-AT1', 'AT1', 'all', 'represented_by_attorney', az('2026-03-05', '10:00:00'), { until: az('2026-03-10', '09:00:00') });
	contact(az('2026-03-04', '10:00:00'), { acct: 'AT1', id: 'AT1-before' });
	contact(az('2026-03-06', '10:00:00'), { acct: 'AT1', id: 'AT1-after' });
	contact(az('2026-03-06', '11:00:00'), { acct: 'AT1', channel: 'letter', outcome: 'sent', id: 'AT1-letter' });
	// the consumer initiates: their call, and the collector's call back within the day, are allowed; a second call back is not
	contact(az('2026-03-07', '09:00:00'), { acct: 'AT1', direction: 'inbound', outcome: 'conversation', id: 'AT1-inbound' });
	contact(az('2026-03-07', '11:00:00'), { acct: 'AT1', outcome: 'conversation', id: 'AT1-reply' });
	contact(az('2026-03-07', '15:00:00'), { acct: 'AT1', id: 'AT1-second-reply' });
	// the attorney is not the consumer: a call to them is allowed
	contact(az('2026-03-08', '10:00:00'), { acct: 'AT1', cust: 'ATT-1', party: 'consumer_attorney', point: 'LAW', outcome: 'conversation', id: 'AT1-to-attorney' });
	contact(az('2026-03-11', '10:00:00'), { acct: 'AT1', id: 'AT1-after-consent' });
	// the representation names one debt: another debt of the person is not covered
	account('AT2', 'C-AT1');
	contact(az('2026-03-06', '10:00:00'), { acct: 'AT2', cust: 'C-AT1', id: 'AT2-other-debt' });

	// ---- 2. location inquiries with a third party
	// 12 CFR 1006.10(c): a debt collector communicating with any person other than the consumer for
	// the purpose of acquiring location information "must not communicate with any such person more
	// than once unless requested to do so by such person or unless the debt collector reasonably
	// believes that the earlier response of such person is erroneous or incomplete and that such
	// person now has correct or complete location information".
	account('LO1');
	account('LO2', 'C-LO1');
	const tp = (acct: string, at: string, who: string, more: Partial<Contact> = {}) =>
		contact(az('2026-03-' + at, '10:00:00'), { acct, cust: who, party: 'third_party', point: 'PT-' + who, outcome: 'conversation', purpose: 'location', ...more });
	tp('LO1', '02', 'TP-A', { id: 'LO1-A-first' });
	tp('LO1', '03', 'TP-A', { id: 'LO1-A-again' });
	tp('LO1', '04', 'TP-A', { outcome: 'no_answer', id: 'LO1-A-unanswered' });
	tp('LO1', '05', 'TP-A', { purpose: 'location_requested', id: 'LO1-A-requested' });
	tp('LO1', '06', 'TP-A', { purpose: 'location_correction', id: 'LO1-A-correction' });
	tp('LO1', '03', 'TP-B', { id: 'LO1-B-first' });
	// the same neighbour about the same consumer's other debt, with no purpose given: still about their location
	tp('LO2', '09', 'TP-A', { purpose: undefined, id: 'LO2-A-again' });
	// a first communication long before a repeat: an audit of a period after it still counts it
	account('LO4');
	tp('LO4', '20', 'TP-D', { id: 'LO4-D-again' });
	contact(az('2026-01-05', '10:00:00'), { acct: 'LO4', cust: 'TP-D', party: 'third_party', point: 'PT-TP-D', outcome: 'conversation', purpose: 'location', id: 'LO4-D-first' });
	// the same neighbour about another consumer: a first communication
	account('LO3');
	tp('LO3', '09', 'TP-A', { id: 'LO3-A-first' });

	// ---- 3. a credit report before communicating
	// 12 CFR 1006.30(a)(1): a debt collector must not furnish information about a debt to a consumer
	// reporting agency before it communicates with the consumer about the debt, by "(i) speaking to the
	// consumer about the debt, either in person or by telephone; or (ii) placing a letter in the mail
	// or sending an electronic message to the consumer about the debt and waiting a reasonable period
	// of time to receive a notice of undeliverability" (14 days: the commentary's safe harbour).
	const report = (acct: string, date: string, id: string) =>
		contact(az(date, '12:00:00'), { acct, cust: 'CRA-1', party: 'credit_bureau', channel: 'email', outcome: 'delivered', point: 'CRA', purpose: 'credit_report', id });
	account('CR1');
	report('CR1', '2026-03-10', 'CR1-report');
	account('CR2');
	contact(az('2026-03-01', '10:00:00'), { acct: 'CR2', channel: 'letter', outcome: 'sent' });
	report('CR2', '2026-03-20', 'CR2-report');
	account('CR3');
	contact(az('2026-03-10', '10:00:00'), { acct: 'CR3', channel: 'letter', outcome: 'sent' });
	report('CR3', '2026-03-20', 'CR3-report');
	account('CR4');
	contact(az('2026-03-19', '10:00:00'), { acct: 'CR4', outcome: 'conversation' });
	report('CR4', '2026-03-20', 'CR4-report');
	account('CR5');
	contact(az('2026-03-01', '10:00:00'), { acct: 'CR5', channel: 'email', outcome: 'bounced' });
	report('CR5', '2026-03-20', 'CR5-report');
	// a letter long before a report: an audit of a period after the letter still sees it
	account('CR7');
	contact(az('2026-01-05', '10:00:00'), { acct: 'CR7', channel: 'letter', outcome: 'sent' });
	report('CR7', '2026-03-20', 'CR7-report');
	// a call to a credit bureau that is not a report (no purpose): not a furnishing
	account('CR6');
	contact(az('2026-03-10', '12:00:00'), { acct: 'CR6', cust: 'CRA-1', party: 'credit_bureau', point: 'CRA', outcome: 'conversation', id: 'CR6-call' });

	// ---- 4. consent to an otherwise inconvenient time
	// 12 CFR 1006.6(b)(1): "Absent the prior consent of the consumer given directly to the debt
	// collector ..., a debt collector must not communicate or attempt to communicate with a consumer
	// ... (i) At any unusual time, or at a time or place that the debt collector knows or should know
	// is inconvenient to the consumer." The person agreed to calls from 21:00 to 22:30.
	account('CT1');
	pref('EVCT1', 'C-CT1', null, 'call', 'consent_to_time', az('2026-03-01', '09:00:00'), { start: '21:00:00', end: '22:30:00' });
	contact(az('2026-03-02', '21:30:00'), { acct: 'CT1', id: 'CT1-call-2130' });
	contact(az('2026-03-02', '22:45:00'), { acct: 'CT1', id: 'CT1-call-2245' });
	contact(az('2026-03-03', '21:30:00'), { acct: 'CT1', channel: 'sms', outcome: 'delivered', id: 'CT1-sms-2130' });
	// before the consent was given
	account('CT2', 'C-CT1');
	contact(az('2026-02-27', '21:30:00'), { acct: 'CT2', cust: 'C-CT1', id: 'CT2-before-consent' });

	// ---- 5. the exceptions
	// 12 CFR 1006.14(h)(2): "(i) If a person initiates contact with a debt collector using an address
	// or a telephone number that the person has requested that the debt collector not use, the debt
	// collector may respond once to that person-initiated communication using the same medium ...;
	// and (ii) If a person opts out of receiving electronic communications from a debt collector, the
	// debt collector may reply once to confirm the person's request to opt out".
	account('OO1');
	pref('EVOO1', 'C-OO1', null, 'sms', 'opt_out', az('2026-03-02', '10:00:00'));
	const sms = (at: string, more: Partial<Contact>) => contact(az('2026-03-0' + at.slice(0, 1), at.slice(2)), { acct: 'OO1', channel: 'sms', outcome: 'delivered', ...more });
	sms('2 10:05:00', { purpose: 'opt_out_confirmation', id: 'OO1-confirmation' });
	sms('2 10:10:00', { purpose: 'opt_out_confirmation', id: 'OO1-second-confirmation' });
	sms('3 09:00:00', { direction: 'inbound', outcome: 'replied', id: 'OO1-their-sms' });
	sms('3 09:30:00', { id: 'OO1-reply' });
	sms('3 10:00:00', { id: 'OO1-after-reply' });
	// a "reply" more than a day (the pack's reply_within_hours) after their message is no reply
	sms('5 09:00:00', { direction: 'inbound', outcome: 'replied', id: 'OO1-their-second-sms' });
	sms('6 10:00:00', { id: 'OO1-late-reply' });
	// 12 CFR 1006.6(c)(2): after a cease request the collector may write "(i) To advise the consumer that
	// the debt collector's further efforts are being terminated; (ii) To notify the consumer that the
	// debt collector or creditor may invoke specified remedies ...; or (iii) Where applicable, to notify
	// the consumer that the debt collector or creditor intends to invoke a specified remedy."
	account('CE1');
	pref('EVCE1', 'C-CE1', null, 'all', 'cease_communication', az('2026-03-02', '10:00:00'));
	const letter = (d: string, purpose: string | undefined, id: string) => contact(az('2026-03-' + d, '10:00:00'), { acct: 'CE1', channel: 'letter', outcome: 'sent', purpose, id });
	letter('03', 'cease_termination_notice', 'CE1-terminated');
	letter('04', 'cease_remedy_notice', 'CE1-remedies');
	letter('05', 'cease_remedy_invoked', 'CE1-remedy-invoked');
	letter('06', undefined, 'CE1-letter');
	// a confirmation of an opt-out is no exception to a cease request
	letter('07', 'opt_out_confirmation', 'CE1-not-a-cease-notice');

	await insert(t.store, 'accounts', accounts);
	await insert(t.store, 'interactions', interactions);
	await insert(t.store, 'contact_preferences', prefs);
	run = await runAudit(t.store, { trigger: 'manual', runBy: 'tester' });
	all = await findingsOf(t.store, run.audit_id);
}, 60_000);

afterAll(async () => {
	await t?.close();
});

describe('1. a consumer represented by an attorney, 12 CFR 1006.6(b)(2)', () => {
	it('contacts with the consumer after the collector learned of the attorney are violations, until the attorney consents', () => {
		expect(run.status).toBe('done');
		expect(ids('AT1', 'contact_while_represented')).toEqual([['AT1-after'], ['AT1-letter'], ['AT1-second-reply']]);
		expect(of('AT1', 'contact_while_represented')[0]!.detail).toContain('an attorney represents them (EVAT1)');
		expect(all.find((f) => f.rule_id === 'contact_while_represented')).toBeDefined();
	});
	it('"unless the consumer initiates the communication": the reply to their own call is allowed, and calls to the attorney are no contact with the consumer', () => {
		const flagged = ids('AT1', 'contact_while_represented').flat();
		expect(flagged).not.toContain('AT1-reply');
		expect(flagged).not.toContain('AT1-inbound');
		expect(flagged).not.toContain('AT1-to-attorney');
	});
	it('"with respect to such debt": a representation for one debt does not cover the person\'s other debt', () => {
		expect(of('AT2', 'contact_while_represented')).toEqual([]);
	});
	it('the audit says the rule was checked (the data holds a representation)', () => {
		expect(run.packs.find((p) => p.pack_id === 'regulation-f')!.not_checked ?? []).toEqual([]);
	});
});

describe('2. repeated location inquiries, 12 CFR 1006.10(c)', () => {
	it('"must not communicate with any such person more than once": the second communication with the same third party is a violation, across the consumer\'s debts', () => {
		expect(ids('LO1', 'repeat_location_inquiry')).toEqual([['LO1-A-first', 'LO1-A-again']]);
		expect(ids('LO2', 'repeat_location_inquiry')).toEqual([['LO1-A-first', 'LO2-A-again']]);
		// the finding is the consumer's, not the neighbour's
		expect(of('LO2', 'repeat_location_inquiry')[0]!.customer_id).toBe('C-LO1');
		expect(of('LO1', 'repeat_location_inquiry')[0]!.detail).toContain('communication number 2 with the same third party');
	});
	it('"unless requested to do so by such person or unless ... the earlier response ... is erroneous or incomplete": allowed; an unanswered call is no communication', () => {
		const flagged = ids('LO1', 'repeat_location_inquiry').flat();
		for (const id of ['LO1-A-unanswered', 'LO1-A-requested', 'LO1-A-correction', 'LO1-B-first']) expect(flagged.slice(1)).not.toContain(id);
	});
	it('"any such person" about another consumer: a first communication', () => {
		expect(of('LO3', 'repeat_location_inquiry')).toEqual([]);
	});
});

describe('3. a credit report before communicating, 12 CFR 1006.30(a)', () => {
	it('a report with no earlier communication about the debt is a violation', () => {
		expect(ids('CR1', 'credit_report_before_contact')).toEqual([['CR1-report']]);
		expect(of('CR1', 'credit_report_before_contact')[0]!.detail).toContain('before any conversation, letter or message');
		// the consumer's finding, not the credit bureau's
		expect(of('CR1', 'credit_report_before_contact')[0]!.customer_id).toBe('C-CR1');
	});
	it('"placing a letter in the mail ... and waiting a reasonable period of time to receive a notice of undeliverability": 19 days after a letter is allowed, 10 days is not', () => {
		expect(of('CR2', 'credit_report_before_contact')).toEqual([]);
		expect(ids('CR3', 'credit_report_before_contact')).toEqual([['CR3-report']]);
		expect(of('CR3', 'credit_report_before_contact')[0]!.detail).toContain('10 days after the first letter or message');
	});
	it('"speaking to the consumer about the debt ... by telephone": a conversation the day before is enough', () => {
		expect(of('CR4', 'credit_report_before_contact')).toEqual([]);
	});
	it('a message that came back undelivered is no communication', () => {
		expect(ids('CR5', 'credit_report_before_contact')).toEqual([['CR5-report']]);
	});
	it('a call to a credit bureau that is not a report is not furnishing information', () => {
		expect(of('CR6', 'credit_report_before_contact')).toEqual([]);
	});
});

describe('4. consent to an otherwise inconvenient time, 12 CFR 1006.6(b)(1)', () => {
	it('"absent the prior consent of the consumer": a call at 21:30 inside the range the person agreed to is not a finding; 22:45 outside it is', () => {
		expect(ids('CT1', 'inconvenient_hours')).toEqual([['CT1-call-2245'], ['CT1-sms-2130']]);
	});
	it('the consent covers its channel only (an SMS at 21:30 is a finding), and only from when it was given', () => {
		expect(ids('CT2', 'inconvenient_hours')).toEqual([['CT2-before-consent']]);
	});
});

describe('5. the exceptions of 12 CFR 1006.14(h)(2) and 1006.6(c)(2)', () => {
	it('1006.14(h)(2)(ii): one confirmation of the opt-out is allowed, a second is not; (i): one reply to the person\'s own message through the channel is allowed, a second is not', () => {
		expect(ids('OO1', 'contact_after_opt_out')).toEqual([['OO1-second-confirmation'], ['OO1-after-reply'], ['OO1-late-reply']]);
	});
	it('1006.6(c)(2)(i)–(iii): the notices that efforts end, that remedies may be invoked, and that a remedy is invoked are not findings; any other letter is', () => {
		expect(ids('CE1', 'contact_after_cease')).toEqual([['CE1-letter'], ['CE1-not-a-cease-notice']]);
	});
});

describe('an audit of a period', () => {
	it('reads the earlier communications whenever they were: a letter 74 days before a report, a first location call 74 days before a repeat', async () => {
		const p = await runAudit(t.store, { trigger: 'manual', from: '2026-03-15', to: '2026-03-31' });
		const f = await findingsOf(t.store, p.audit_id);
		const of2 = (acct: string, rule: string) => f.filter((x) => x.account_id === acct && x.rule_id === rule).map((x) => x.interaction_ids);
		expect(of2('CR7', 'credit_report_before_contact')).toEqual([]);
		expect(of2('CR3', 'credit_report_before_contact')).toEqual([['CR3-report']]);
		expect(of2('LO4', 'repeat_location_inquiry')).toEqual([['LO4-D-first', 'LO4-D-again']]);
		// the findings of the period only
		expect(of2('LO1', 'repeat_location_inquiry')).toEqual([]);
	});
	it('the full audit agrees', () => {
		expect(of('CR7', 'credit_report_before_contact')).toEqual([]);
		expect(ids('LO4', 'repeat_location_inquiry')).toEqual([['LO4-D-first', 'LO4-D-again']]);
	});
});

describe('data an export may lack', () => {
	it('a store with no representations and no credit reports gets those rules "not checked", with the reason, and no findings of them', async () => {
		const s = await tempStore();
		try {
			const rows = [accountRow('N1', { region: 'US-AZ', timezone: 'America/Phoenix' })];
			expect(await importFile(s.store, { path: s.file('accounts.csv', csv([accountsHeader, ...rows])), source: 'cli' })).toMatchObject({ status: 'imported', rows_inserted: 1 });
			// an older export: no purpose column
			const ir = [interactionRow('N1-1', 'N1', { occurred_at: '2026-03-02T10:00:00-07:00' }), interactionRow('N1-2', 'N1', { occurred_at: '2026-03-03T10:00:00-07:00', party: 'credit_bureau', customer_id: 'CRA' })];
			expect(await importFile(s.store, { path: s.file('interactions.csv', csv([interactionsHeader, ...ir])), source: 'cli' })).toMatchObject({ status: 'imported', rows_inserted: 2 });
			const r = await runAudit(s.store, { trigger: 'manual' });
			const nc = r.packs.find((p) => p.pack_id === 'regulation-f')!.not_checked ?? [];
			expect(nc.map((n) => n.rule_id).sort()).toEqual(['contact_while_represented', 'credit_report_before_contact']);
			expect(nc.find((n) => n.rule_id === 'contact_while_represented')!.reason).toMatch(/^not checked: .*represented_by_attorney/);
			expect(nc.find((n) => n.rule_id === 'credit_report_before_contact')!.reason).toMatch(/^not checked: .*credit_report/);
			// stored with the audit, so the pages read it later
			const [stored] = await s.store.rows<{ packs: string }>(`SELECT packs FROM compliance_audits WHERE audit_id = $a`, { a: r.audit_id });
			expect(JSON.parse(stored!.packs).find((p: { pack_id: string }) => p.pack_id === 'regulation-f').not_checked).toHaveLength(2);
			// the command line says it too, with the reason
			await s.store.close();
			const out: string[] = [];
			const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
			try {
				expect(await runAuditCommand(['--db', s.dbPath])).toBe(0);
			} finally {
				spy.mockRestore();
			}
			expect(out.join('')).toMatch(/regulation-f {2}credit_report_before_contact {2}not checked: no interaction imported is marked as a report to a credit bureau/);
		} finally {
			await s.close();
		}
	});

	it('the importer takes interactions.purpose and consent_to_time, and says what is wrong with a bad one', async () => {
		const s = await tempStore();
		try {
			await importFile(s.store, { path: s.file('accounts.csv', csv([accountsHeader, accountRow('P1')])), source: 'cli' });
			const ir = [
				[...interactionRow('P1-1', 'P1'), 'opt_out_confirmation'],
				[...interactionRow('P1-2', 'P1'), ''],
				[...interactionRow('P1-3', 'P1'), 'chat']
			];
			const r = await importFile(s.store, { path: s.file('interactions.csv', csv([[...interactionsHeader, 'purpose'], ...ir])), source: 'cli' });
			expect(r).toMatchObject({ status: 'imported', rows_inserted: 2, rows_quarantined: 1 });
			expect(await s.store.rows(`SELECT interaction_id, purpose FROM interactions ORDER BY 1`)).toEqual([
				{ interaction_id: 'P1-1', purpose: 'opt_out_confirmation' },
				{ interaction_id: 'P1-2', purpose: null }
			]);
			const [q] = await s.store.rows<{ reasons: string[] }>(`SELECT reasons FROM quarantine`);
			expect(q!.reasons.join(' ')).toMatch(/purpose/);
			const head = ['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'];
			const pr = await importFile(s.store, {
				path: s.file(
					'contact_preferences.csv',
					csv([head, ['E1', 'C-P1', '', 'call', 'consent_to_time', '2026-03-01T09:00:00Z', '', '21:00', '22:00'], ['E2', 'C-P1', '', 'call', 'consent_to_time', '2026-03-01T09:00:00Z', '', '', ''], ['E3', 'C-P1', 'P1', 'all', 'represented_by_attorney', '2026-03-01T09:00:00Z', '', '', '']])
				),
				source: 'cli'
			});
			expect(pr).toMatchObject({ status: 'imported', rows_inserted: 2, rows_quarantined: 1 });
			const q2 = await s.store.rows<{ record_key: string; reasons: string[] }>(`SELECT record_key, reasons FROM quarantine WHERE table_name = 'contact_preferences'`);
			expect(q2.map((x) => x.record_key)).toEqual(['E2']);
			expect(q2[0]!.reasons.join(' ')).toContain('a consent_to_time event needs local_start and local_end');
		} finally {
			await s.close();
		}
	});
});
