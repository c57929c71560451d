/**
 * The compliance audit against a real DuckDB store: every worked verdict of compliance.md and
 * our own edge cases (several debts of one person, third parties and the consumer's attorney, a
 * consent-to-call window, windows and clocks across daylight-saving changes, zones without
 * daylight saving, exactly 08:00:00 and 21:00:00, a reply inside the person's inconvenient
 * time, opt-outs and opt-ins, wrong numbers, the risk flags, the Massachusetts pack, a period).
 * Each case has its own person and debt; one audit runs over all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditInputError, getAudit, latestAudit, runAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { tempStore, type TempStore } from '../support/store.ts';

interface Finding {
	pack_id: string;
	rule_id: string;
	kind: string;
	customer_id: string;
	account_id: string;
	window_start: string | null;
	window_end: string | null;
	local_date: string;
	occurred_at: string;
	interaction_ids: string[];
	detail: string;
	channel: string;
}

let t: TempStore;
let run: AuditRun;
let all: Finding[] = [];
let seq = 0;
const accounts: unknown[][] = [];
const interactions: unknown[][] = [];
const prefs: unknown[][] = [];

function account(id: string, cust: string, region = 'US-AZ', zone = 'America/Phoenix', locality: string | null = null) {
	// ..., extra, import_batch_id, locality (migration 18)
	accounts.push([id, cust, 'retail', 'card', region, zone, '2025-01-01', 'USD', null, false, null, null, null, 0, locality]);
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
/** one interaction at an instant written with its offset; its number is the account's own (the risk flags count a number across people) */
function contact(at: string, c: Contact): string {
	const id = c.id ?? `${c.acct}-${++seq}`;
	interactions.push([id, c.acct, c.cust ?? 'C-' + c.acct, c.party ?? 'consumer', c.channel ?? 'call', c.direction ?? 'outbound', at,
		c.outcome ?? 'no_answer', `${c.acct}/${c.point ?? 'P1'}`, c.ctz ?? null, null, null, null, null, 'AG1', null, 0, null]); // ..., extra, import_batch_id, purpose (migration 20)
	return id;
}
function pref(id: string, cust: string, acct: string | null, channel: string, kind: string, at: string, until: string | null = null, start: string | null = null, end: string | null = null) {
	prefs.push([id, cust, acct, channel, kind, at, until, start, end, null, 0]);
}
const of = (acct: string, rule?: string) => all.filter((f) => f.account_id === acct && (!rule || f.rule_id === rule));
const rulesOf = (acct: string) => [...new Set(of(acct).map((f) => `${f.pack_id}/${f.rule_id}`))].sort();

// Phoenix is UTC-7 all year (no daylight saving)
const az = (date: string, time: string) => `${date}T${time}-07:00`;

beforeAll(async () => {
	t = await tempStore();

	// 1: one unanswered call a day Monday to Sunday, then one call the next Monday: no finding
	account('V1', 'C-V1');
	for (const d of ['02', '03', '04', '05', '06', '07', '08', '09']) contact(az(`2026-03-${d}`, '10:00:00'), { acct: 'V1' });
	// 2: Wed 1; Thu 2; Fri 2; Mon 2; Tue 1 -> (A) on Tuesday, 8 calls Wednesday to Tuesday
	account('V2', 'C-V2');
	for (const [d, n] of [['04', 1], ['05', 2], ['06', 2], ['09', 2], ['10', 1]] as const)
		for (let k = 0; k < n; k++) contact(az(`2026-03-${d}`, k ? '15:00:00' : '10:00:00'), { acct: 'V2' });
	// 3: a conversation on day 1 and another call later on day 1 -> (B)
	account('V3', 'C-V3');
	contact(az('2026-03-02', '10:00:00'), { acct: 'V3', outcome: 'conversation', id: 'V3-conv' });
	contact(az('2026-03-02', '16:00:00'), { acct: 'V3', id: 'V3-call' });
	// 4: a conversation on day 1, the next call on day 8: no finding
	account('V4', 'C-V4');
	contact(az('2026-03-02', '10:00:00'), { acct: 'V4', outcome: 'conversation' });
	contact(az('2026-03-09', '09:00:00'), { acct: 'V4' });
	// 5: the consumer calls in on day 1 and discusses the debt; the collector calls on day 4 -> (B)
	account('V5', 'C-V5');
	contact(az('2026-03-02', '11:00:00'), { acct: 'V5', direction: 'inbound', outcome: 'conversation' });
	contact(az('2026-03-05', '11:00:00'), { acct: 'V5' });
	// 6: 8 calls in 7 days, 3 of them busy: 5 count, no finding under (A)
	account('V6', 'C-V6');
	['02', '03', '04', '05', '06', '07', '08', '08'].forEach((d, k) => contact(az(`2026-03-${d}`, k === 7 ? '17:00:00' : '10:00:00'), { acct: 'V6', outcome: k < 3 ? 'busy' : 'no_answer' }));
	// 7: 8 calls in 7 days over 3 phone numbers -> (A)
	account('V7', 'C-V7');
	['02', '03', '04', '05', '06', '07', '08', '08'].forEach((d, k) => contact(az(`2026-03-${d}`, k === 7 ? '17:00:00' : '10:00:00'), { acct: 'V7', point: `P${k % 3}` }));
	// 8: a call at 07:59:59 local and one at 21:00:01 local: both break the time of day; 08:00:00 and 21:00:00 do not
	account('V8', 'C-V8');
	contact(az('2026-03-02', '07:59:59'), { acct: 'V8', id: 'V8-early' });
	contact(az('2026-03-03', '21:00:01'), { acct: 'V8', id: 'V8-late' });
	contact(az('2026-03-04', '08:00:00'), { acct: 'V8', point: 'P2' });
	contact(az('2026-03-05', '21:00:00'), { acct: 'V8', point: 'P3' });
	contact(az('2026-03-06', '21:00:00.500'), { acct: 'V8', id: 'V8-half-second-late', point: 'P4' });
	// 9: address in Los Angeles, phone in New York, call at 10:30 New York time (07:30 in Los Angeles)
	account('V9', 'C-V9', 'US-CA', 'America/Los_Angeles');
	contact('2026-03-04T10:30:00-05:00', { acct: 'V9', ctz: 'America/New_York' });
	// 10: an SMS sent at 20:58 local, read at 21:10: no finding
	account('V10', 'C-V10');
	contact(az('2026-03-04', '20:58:00'), { acct: 'V10', channel: 'sms', outcome: 'opened' });
	// 11: an email sent after a cease_communication for that debt -> violation
	account('V11', 'C-V11');
	pref('EV11', 'C-V11', 'V11', 'all', 'cease_communication', az('2026-03-02', '12:00:00'));
	contact(az('2026-03-02', '11:00:00'), { acct: 'V11', channel: 'email', outcome: 'delivered' }); // before: fine
	contact(az('2026-03-04', '12:00:00'), { acct: 'V11', channel: 'email', outcome: 'delivered', id: 'V11-after' });
	// 12: Massachusetts, 3 calls in 7 days reaching voicemail with no message -> MA pack, no Regulation F finding
	account('V12', 'C-V12', 'US-MA', 'America/New_York');
	for (const d of ['02', '04', '06']) contact(`2026-03-${d}T10:00:00-05:00`, { acct: 'V12', outcome: 'voicemail_no_message' });

	// several debts of one person: 5 + 4 calls in 7 days about two debts -> none; 8 about one -> (A) on that one only
	account('D1', 'C-D');
	account('D2', 'C-D');
	account('D3', 'C-D');
	for (let k = 0; k < 5; k++) contact(az(`2026-03-0${2 + k}`, '10:00:00'), { acct: 'D1', cust: 'C-D' });
	for (let k = 0; k < 4; k++) contact(az(`2026-03-0${2 + k}`, '15:00:00'), { acct: 'D2', cust: 'C-D' });
	for (let k = 0; k < 8; k++) contact(az(`2026-03-1${k % 4}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'D3', cust: 'C-D' });
	// third parties: 8 calls to a third party count for that third party; 8 to the consumer's attorney do not count;
	// 5 to the consumer and 4 to the attorney do not make 8
	account('T1', 'C-T1');
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'T1', cust: 'TP-1', party: 'third_party', point: 'TP' });
	account('T2', 'C-T2');
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'T2', cust: 'ATT-2', party: 'consumer_attorney', point: 'LAW' });
	account('T3', 'C-T3');
	for (let k = 0; k < 5; k++) contact(az(`2026-03-0${2 + k}`, '10:00:00'), { acct: 'T3' });
	for (let k = 0; k < 4; k++) contact(az(`2026-03-0${2 + k}`, '15:00:00'), { acct: 'T3', cust: 'ATT-3', party: 'consumer_attorney', point: 'LAW' });
	// a consent-to-call window (day 1 = 2 Mar, ends at local midnight after 8 Mar): 9 calls inside do not count;
	// 8 calls from 9 Mar on do
	account('K1', 'C-K1');
	pref('EVK1', 'C-K1', null, 'call', 'consent_to_call', az('2026-03-02', '09:00:00'));
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'K1', id: `K1-in-${k}` });
	contact(az('2026-03-08', '23:30:00'), { acct: 'K1', id: 'K1-in-last' });
	for (let k = 0; k < 8; k++) contact(az(`2026-03-${String(9 + (k % 4)).padStart(2, '0')}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'K1', id: `K1-out-${k}` });
	// a consent window ends early at a conversation: the calls after it fall under (B)
	account('K2', 'C-K2');
	pref('EVK2', 'C-K2', 'K2', 'all', 'consent_to_call', az('2026-03-02', '09:00:00'), az('2026-03-06', '09:00:00'));
	contact(az('2026-03-02', '10:00:00'), { acct: 'K2', id: 'K2-before-conv' });
	contact(az('2026-03-02', '11:00:00'), { acct: 'K2', outcome: 'conversation', id: 'K2-conv' });
	contact(az('2026-03-03', '11:00:00'), { acct: 'K2', id: 'K2-after-conv' });
	// a consent given on the day daylight saving starts in New York (8 Mar 2026, 10:00 EDT): day 7
	// ends at midnight EDT on 14/15 Mar; 8 calls late on the 14th are inside, 8 early on the 15th not
	account('KD', 'C-KD', 'US-NY', 'America/New_York');
	pref('EVKD', 'C-KD', 'KD', 'all', 'consent_to_call', '2026-03-08T10:00:00-04:00');
	for (let k = 0; k < 8; k++) contact(`2026-03-14T23:${String(10 + k * 5)}:00-04:00`, { acct: 'KD', id: `KD-in-${k}` });
	for (let k = 0; k < 8; k++) contact(`2026-03-15T00:${String(10 + k * 5)}:00-04:00`, { acct: 'KD', id: `KD-out-${k}` });
	// after a conversation: a call to a number found to be wrong, and one inside a consent window
	// given later, do not count under (B); the call after both does
	account('K3', 'C-K3');
	contact(az('2026-03-02', '11:00:00'), { acct: 'K3', outcome: 'conversation', id: 'K3-conv' });
	contact(az('2026-03-03', '10:00:00'), { acct: 'K3', point: 'K3-WRONG', id: 'K3-to-wrong' });
	contact(az('2026-03-03', '10:30:00'), { acct: 'K3', point: 'K3-WRONG', outcome: 'wrong_number', id: 'K3-wrong' });
	pref('EVK3', 'C-K3', 'K3', 'all', 'consent_to_call', az('2026-03-04', '09:00:00'), az('2026-03-04', '18:00:00'));
	contact(az('2026-03-04', '10:00:00'), { acct: 'K3', id: 'K3-consented' });
	contact(az('2026-03-05', '12:00:00'), { acct: 'K3', id: 'K3-counted' });
	// 8 counted calls on 2–5 Mar -> (A) on the 5th; on the 6th only a call to a number found to be
	// wrong and on the 7th only a call inside a consent window: the windows ending those days still
	// hold 8 counted calls, but no counted call was placed on them, so no finding is dated there
	account('K4', 'C-K4');
	for (const d of ['02', '03', '04', '05']) for (const h of ['10', '15']) contact(az(`2026-03-${d}`, `${h}:00:00`), { acct: 'K4', id: `K4-${d}-${h}` });
	contact(az('2026-03-06', '10:00:00'), { acct: 'K4', point: 'K4-WRONG', outcome: 'wrong_number', id: 'K4-wrong' });
	pref('EVK4', 'C-K4', 'K4', 'call', 'consent_to_call', az('2026-03-07', '09:00:00'), az('2026-03-07', '18:00:00'));
	contact(az('2026-03-07', '10:00:00'), { acct: 'K4', id: 'K4-consented' });

	// a 7-date window across the start of daylight saving in New York (8 Mar 2026): 8 calls on 4–10 Mar -> (A)
	account('N1', 'C-N1', 'US-NY', 'America/New_York');
	for (const d of ['04', '05', '06', '07']) contact(`2026-03-${d}T12:00:00-05:00`, { acct: 'N1' });
	for (const d of ['08', '09', '10', '10']) contact(`2026-03-${d}T${d === '10' ? '18' : '12'}:00:00-04:00`, { acct: 'N1' });
	// 7 calls on 4–10 Mar and one at 00:30 EDT on 11 Mar (23:30 on the 10th if read in EST): no finding
	account('N2', 'C-N2', 'US-NY', 'America/New_York');
	for (const d of ['04', '05', '06', '07']) contact(`2026-03-${d}T12:00:00-05:00`, { acct: 'N2' });
	for (const d of ['08', '09', '10']) contact(`2026-03-${d}T12:00:00-04:00`, { acct: 'N2' });
	contact('2026-03-11T00:30:00-04:00', { acct: 'N2', id: 'N2-after-midnight' });
	// clocks across daylight saving: 08:30 EDT on 9 Mar is fine (07:30 if read in EST); 07:30 EDT and 07:30 EST (2 Nov) are not
	account('N3', 'C-N3', 'US-NY', 'America/New_York');
	contact('2026-03-09T08:30:00-04:00', { acct: 'N3', id: 'N3-0830-edt' });
	contact('2026-03-10T07:30:00-04:00', { acct: 'N3', id: 'N3-0730-edt', point: 'P2' });
	contact('2026-11-02T07:30:00-05:00', { acct: 'N3', id: 'N3-0730-est', point: 'P3' });
	contact('2026-10-30T20:30:00-04:00', { acct: 'N3', id: 'N3-2030-edt', point: 'P4' });
	// zones without daylight saving: Phoenix at 07:45 in July; Honolulu at 20:30 (fine) and 21:30
	account('Z1', 'C-Z1');
	contact('2026-07-01T07:45:00-07:00', { acct: 'Z1', id: 'Z1-0745' });
	account('Z2', 'C-Z2', 'US-HI', 'Pacific/Honolulu');
	contact('2026-07-01T20:30:00-10:00', { acct: 'Z2', id: 'Z2-2030' });
	contact('2026-07-02T21:30:00-10:00', { acct: 'Z2', id: 'Z2-2130', point: 'P2' });

	// the person's inconvenient time 12:00–13:00: a single SMS reply to their own SMS is allowed; a second SMS
	// and a call are not; an email at 13:00 is outside the range
	account('I1', 'C-I1');
	pref('EVI1', 'C-I1', null, 'all', 'inconvenient_time', az('2026-03-01', '09:00:00'), null, '12:00:00', '13:00:00');
	contact(az('2026-03-04', '12:10:00'), { acct: 'I1', channel: 'sms', direction: 'inbound', outcome: 'delivered', id: 'I1-in' });
	contact(az('2026-03-04', '12:15:00'), { acct: 'I1', channel: 'sms', outcome: 'delivered', id: 'I1-reply' });
	contact(az('2026-03-04', '12:20:00'), { acct: 'I1', channel: 'sms', outcome: 'delivered', id: 'I1-second' });
	contact(az('2026-03-04', '12:30:00'), { acct: 'I1', id: 'I1-call' });
	contact(az('2026-03-04', '13:00:00'), { acct: 'I1', channel: 'email', outcome: 'delivered', id: 'I1-email-1300' });
	// a range across midnight (22:00–09:00) for calls only
	account('I2', 'C-I2');
	pref('EVI2', 'C-I2', 'I2', 'call', 'inconvenient_time', az('2026-03-01', '09:00:00'), null, '22:00:00', '09:00:00');
	contact(az('2026-03-04', '08:30:00'), { acct: 'I2', id: 'I2-call-0830' });
	contact(az('2026-03-04', '08:45:00'), { acct: 'I2', channel: 'sms', outcome: 'delivered', id: 'I2-sms-0845' });
	contact(az('2026-03-04', '09:00:00'), { acct: 'I2', point: 'P2', id: 'I2-call-0900' });

	// an SMS opt-out, then an SMS (violation), an email and a call (fine), an opt-in and another SMS (fine)
	account('O1', 'C-O1');
	pref('EVO1', 'C-O1', null, 'sms', 'opt_out', az('2026-03-02', '10:00:00'));
	contact(az('2026-03-03', '10:00:00'), { acct: 'O1', channel: 'sms', outcome: 'delivered', id: 'O1-sms' });
	contact(az('2026-03-03', '11:00:00'), { acct: 'O1', channel: 'email', outcome: 'delivered', id: 'O1-email' });
	contact(az('2026-03-03', '12:00:00'), { acct: 'O1', id: 'O1-call' });
	pref('EVO1b', 'C-O1', null, 'sms', 'opt_in', az('2026-03-04', '10:00:00'));
	contact(az('2026-03-05', '10:00:00'), { acct: 'O1', channel: 'sms', outcome: 'delivered', id: 'O1-sms-after-opt-in' });
	// an opt-out of calls covers ringless voicemail; an opt-out of 'all' for one debt leaves the other debt
	account('O2', 'C-O2');
	account('O3', 'C-O2');
	pref('EVO2', 'C-O2', null, 'call', 'opt_out', az('2026-03-02', '10:00:00'));
	pref('EVO3', 'C-O2', 'O3', 'all', 'opt_out', az('2026-03-02', '10:00:00'));
	contact(az('2026-03-03', '10:00:00'), { acct: 'O2', cust: 'C-O2', channel: 'ringless_voicemail', outcome: 'voicemail_left', id: 'O2-rvm' });
	contact(az('2026-03-03', '11:00:00'), { acct: 'O2', cust: 'C-O2', channel: 'email', outcome: 'delivered', id: 'O2-email' });
	contact(az('2026-03-03', '12:00:00'), { acct: 'O3', cust: 'C-O2', channel: 'email', outcome: 'delivered', id: 'O3-email' });

	// a number later found to be a wrong number: 8 calls to it do not count for the consumer
	account('W1', 'C-W1');
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'W1', point: 'WRONG', outcome: k === 7 ? 'wrong_number' : 'no_answer' });
	// risk flags: two unanswered calls 3 minutes apart; 7 calls to one number on one day (answered, an hour apart)
	account('R1', 'C-R1');
	contact(az('2026-03-04', '10:00:00'), { acct: 'R1', id: 'R1-a' });
	contact(az('2026-03-04', '10:03:00'), { acct: 'R1', outcome: 'voicemail_no_message', id: 'R1-b' });
	contact(az('2026-03-05', '10:00:00'), { acct: 'R1', outcome: 'no_answer', id: 'R1-c' });
	contact(az('2026-03-05', '10:06:00'), { acct: 'R1', outcome: 'no_answer', id: 'R1-d' });
	account('R2', 'C-R2');
	for (let k = 0; k < 7; k++) contact(az('2026-03-04', `${10 + k}:00:00`), { acct: 'R2', outcome: 'answered_dropped' });

	// New York City (in force from 2026-09-01): 4 contacts on all channels in 7 days about a New York City debt
	// break it in October; the same in March, before the pack took effect, do not
	account('NY1', 'C-NY1', 'US-NY', 'America/New_York', 'new_york_city');
	contact('2026-10-05T10:00:00-04:00', { acct: 'NY1', id: 'NY1-call' });
	contact('2026-10-06T10:00:00-04:00', { acct: 'NY1', channel: 'sms', outcome: 'delivered', id: 'NY1-sms' });
	contact('2026-10-07T10:00:00-04:00', { acct: 'NY1', channel: 'email', outcome: 'delivered', id: 'NY1-email' });
	contact('2026-10-08T10:00:00-04:00', { acct: 'NY1', channel: 'letter', outcome: 'sent', id: 'NY1-letter' });
	account('NY2', 'C-NY2', 'US-NY', 'America/New_York', 'new_york_city');
	for (const [d, ch] of [['02', 'call'], ['03', 'sms'], ['04', 'email'], ['05', 'letter']] as const)
		contact(`2026-03-${d}T10:00:00-05:00`, { acct: 'NY2', channel: ch, outcome: ch === 'call' ? 'no_answer' : 'delivered' });
	// Washington: 4 contacts with the debtor in 7 days break it; 3, or 4 with one busy, do not
	account('WA1', 'C-WA1', 'US-WA', 'America/Los_Angeles');
	for (const d of ['02', '03', '04', '05']) contact(`2026-03-${d}T10:00:00-08:00`, { acct: 'WA1', channel: 'sms', outcome: 'delivered' });
	account('WA2', 'C-WA2', 'US-WA', 'America/Los_Angeles');
	for (const d of ['02', '03', '04', '05']) contact(`2026-03-${d}T10:00:00-08:00`, { acct: 'WA2', outcome: d === '05' ? 'busy' : 'no_answer' });
	// a rule counts its own channels: 8 texts and e-mails in 7 days are not placed calls (7-in-7);
	// 8 ringless voicemails are
	account('CH1', 'C-CH1');
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'CH1', channel: k % 2 ? 'sms' : 'email', outcome: 'delivered' });
	account('CH2', 'C-CH2');
	for (let k = 0; k < 8; k++) contact(az(`2026-03-0${2 + (k % 4)}`, k < 4 ? '10:00:00' : '16:00:00'), { acct: 'CH2', channel: 'ringless_voicemail', outcome: 'voicemail_left' });

	const c = await t.store.conn();
	const insert = async (table: string, data: unknown[][]) => {
		for (const r of data) {
			await c.run(`INSERT INTO ${table} VALUES (${r.map((_, i) => '$' + (i + 1)).join(', ')})`, r as never);
		}
	};
	await insert('accounts', accounts);
	await insert('interactions', interactions);
	await insert('contact_preferences', prefs);
	run = await runAudit(t.store, { trigger: 'manual', runBy: 'tester' });
	all = await t.store.rows<Finding>(`SELECT pack_id, rule_id, kind, customer_id, account_id, window_start::VARCHAR AS window_start,
		window_end::VARCHAR AS window_end, local_date::VARCHAR AS local_date, occurred_at::VARCHAR AS occurred_at, interaction_ids, detail, channel
		FROM compliance_findings WHERE audit_id = $a ORDER BY finding_id`, { a: run.audit_id });
}, 60_000);

afterAll(async () => {
	await t?.close();
});

describe('the audit run', () => {
	it('records what it used: the pack versions, the period, who ran it and the counts', async () => {
		expect(run.status).toBe('done');
		expect(run.trigger).toBe('manual');
		expect(run.run_by).toBe('tester');
		expect(run.packs.map((p) => p.pack_id).sort()).toEqual(['regulation-f', 'us-ma', 'us-nyc', 'us-wa']);
		for (const p of run.packs) {
			expect(p.version).toBeGreaterThanOrEqual(1);
			expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
		}
		expect(run.findings).toBe(all.length);
		expect(run.contacts).toBe(interactions.filter((r) => r[5] === 'outbound').length);
		expect((await latestAudit(t.store))?.audit_id).toBe(run.audit_id);
	});
});

describe('worked verdicts of compliance.md', () => {
	it('1: one call a day Monday to Sunday and the next Monday: no finding', () => {
		expect(of('V1')).toEqual([]);
	});
	it('2: 1+2+2 calls Wednesday to Friday, 2 on Monday, 1 on Tuesday: presumed violation (A) on Tuesday', () => {
		const f = of('V2', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect(f[0]).toMatchObject({ kind: 'presumed_violation', pack_id: 'regulation-f', window_start: '2026-03-04', window_end: '2026-03-10', local_date: '2026-03-10' });
		expect(f[0]!.interaction_ids).toHaveLength(8);
		expect(f[0]!.detail).toContain('8 placed calls in 7 consecutive days');
		expect(rulesOf('V2')).toEqual(['regulation-f/call_frequency_7_in_7']);
	});
	it('3: a conversation on day 1 and another call later that day: presumed violation (B)', () => {
		const f = of('V3', 'call_after_conversation');
		expect(f).toHaveLength(1);
		expect(f[0]).toMatchObject({ kind: 'presumed_violation', window_start: '2026-03-02', window_end: '2026-03-08' });
		expect(f[0]!.interaction_ids).toEqual(['V3-conv', 'V3-call']);
	});
	it('4: a conversation on day 1 and the next call on day 8: no finding', () => {
		expect(of('V4')).toEqual([]);
	});
	it('5: the consumer calls in and discusses the debt on day 1, the collector calls on day 4: presumed violation (B)', () => {
		expect(of('V5', 'call_after_conversation')).toHaveLength(1);
		expect(rulesOf('V5')).toEqual(['regulation-f/call_after_conversation']);
	});
	it('6: 8 calls in 7 days, 3 of them busy: no finding under (A)', () => {
		expect(of('V6')).toEqual([]);
	});
	it('7: 8 calls in 7 days over 3 phone numbers: presumed violation (A)', () => {
		const f = of('V7', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect(f[0]!.interaction_ids).toHaveLength(8);
	});
	it('8: calls at 07:59:59 and 21:00:01 local break the time of day; 08:00:00 and 21:00:00 do not; 21:00:00.5 does', () => {
		const f = of('V8', 'inconvenient_hours');
		expect(f.map((x) => x.interaction_ids[0])).toEqual(['V8-early', 'V8-late', 'V8-half-second-late']);
		expect(f[0]).toMatchObject({ kind: 'violation', window_start: null, local_date: '2026-03-02' });
		expect(f[0]!.detail).toContain('07:59:59 in America/Phoenix');
		expect(f[1]!.detail).toContain('21:00:01 in America/Phoenix');
	});
	it('9: address in Los Angeles, phone in New York, a call at 10:30 New York time: violation (07:30 in Los Angeles)', () => {
		const f = of('V9', 'inconvenient_hours');
		expect(f).toHaveLength(1);
		expect(f[0]!.detail).toContain('07:30:00 in America/Los_Angeles (the address)');
		expect(f[0]!.detail).not.toContain('America/New_York');
	});
	it('10: an SMS sent at 20:58 local and read at 21:10: no finding', () => {
		expect(of('V10')).toEqual([]);
	});
	it('11: an email after a cease_communication for that debt: violation', () => {
		const f = of('V11', 'contact_after_cease');
		expect(f.map((x) => x.interaction_ids)).toEqual([['V11-after']]);
		expect(f[0]).toMatchObject({ kind: 'violation', channel: 'email' });
		expect(f[0]!.detail).toContain('EV11');
	});
	it('12: Massachusetts, 3 calls in 7 days reaching voicemail without a message: MA pack violation, no Regulation F finding', () => {
		const f = of('V12');
		expect(f.map((x) => `${x.pack_id}/${x.rule_id}/${x.kind}`)).toEqual(['us-ma/ma_two_in_seven/violation']);
		expect(f[0]!.interaction_ids).toHaveLength(3);
	});
});

describe('state packs', () => {
	it('New York City counts every channel, from the date it takes effect', () => {
		const f = of('NY1');
		expect(f.map((x) => `${x.pack_id}/${x.rule_id}/${x.kind}`)).toEqual(['us-nyc/nyc_three_in_seven/violation']);
		expect(f[0]!.interaction_ids).toEqual(['NY1-call', 'NY1-sms', 'NY1-email', 'NY1-letter']);
		expect(of('NY2')).toEqual([]);
	});
	it('Washington: more than 3 contacts in 7 days; a busy call does not count', () => {
		expect(of('WA1').map((x) => `${x.pack_id}/${x.rule_id}`)).toEqual(['us-wa/wa_three_per_week']);
		expect(of('WA2')).toEqual([]);
	});
	it('a pack applies only to its regions', () => {
		expect(all.filter((x) => x.pack_id === 'us-ma').map((x) => x.account_id)).toEqual(['V12']);
		expect(all.filter((x) => x.pack_id === 'us-wa').map((x) => x.account_id)).toEqual(['WA1']);
	});
});

describe('edge cases', () => {
	it('several debts of one person are counted per debt', () => {
		expect(of('D1')).toEqual([]);
		expect(of('D2')).toEqual([]);
		const f = of('D3', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect(f[0]!.customer_id).toBe('C-D');
	});
	it('calls to a third party count for that third party; calls to the consumer\'s attorney do not count', () => {
		const f = of('T1', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect(f[0]!.customer_id).toBe('TP-1');
		expect(of('T2')).toEqual([]);
		expect(of('T3')).toEqual([]);
	});
	it('calls inside a consent-to-call window do not count; the window closes at local midnight after day 7', () => {
		const f = of('K1', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect(f[0]!.window_end).toBe('2026-03-12');
		expect(f[0]!.interaction_ids.every((id) => id.startsWith('K1-out-'))).toBe(true);
		expect(f[0]!.interaction_ids).toHaveLength(8);
	});
	it('a consent window ends at a conversation: the calls after it fall under (B)', () => {
		const f = of('K2', 'call_after_conversation');
		expect(f.map((x) => x.interaction_ids)).toEqual([['K2-conv', 'K2-after-conv']]);
	});
	it('a consent given on the day daylight saving starts closes at local midnight after day 7', () => {
		const f = of('KD', 'call_frequency_7_in_7');
		expect(f.map((x) => x.window_end)).toEqual(['2026-03-15']);
		expect(f[0]!.interaction_ids).toEqual([...Array(8).keys()].map((k) => `KD-out-${k}`));
	});
	it('after a conversation, calls to a wrong number and calls inside a consent window do not count under (B)', () => {
		expect(of('K3', 'call_after_conversation').map((x) => x.interaction_ids)).toEqual([['K3-conv', 'K3-counted']]);
	});
	it('7-in-7: no finding is dated on a day whose only calls are excluded ones', () => {
		const f = of('K4', 'call_frequency_7_in_7');
		expect(f.map((x) => x.window_end)).toEqual(['2026-03-05']);
		expect(f[0]!.interaction_ids).toEqual(['02', '03', '04', '05'].flatMap((d) => [`K4-${d}-10`, `K4-${d}-15`]));
	});
	it('a 7-date window across the start of daylight saving counts local dates', () => {
		const f = of('N1', 'call_frequency_7_in_7');
		expect(f).toHaveLength(1);
		expect([f[0]!.window_start, f[0]!.window_end]).toEqual(['2026-03-04', '2026-03-10']);
		expect(of('N2', 'call_frequency_7_in_7')).toEqual([]);
	});
	it('clock times across daylight saving use the offset of that date', () => {
		expect(of('N3', 'inconvenient_hours').map((x) => x.interaction_ids[0])).toEqual(['N3-0730-edt', 'N3-0730-est']);
	});
	it('zones without daylight saving (Phoenix, Honolulu)', () => {
		expect(of('Z1', 'inconvenient_hours').map((x) => x.interaction_ids[0])).toEqual(['Z1-0745']);
		expect(of('Z2', 'inconvenient_hours').map((x) => x.interaction_ids[0])).toEqual(['Z2-2130']);
		expect(of('Z2', 'inconvenient_hours')[0]!.local_date).toBe('2026-07-02');
	});
	it("the person's inconvenient time: a single reply to their own contact is allowed, a second contact is not", () => {
		const f = of('I1', 'person_inconvenient_time');
		expect(f.map((x) => x.interaction_ids[0])).toEqual(['I1-second', 'I1-call']);
		expect(f[0]!.detail).toContain('12:00 to 13:00');
	});
	it('an inconvenient range across midnight, for calls only', () => {
		expect(of('I2', 'person_inconvenient_time').map((x) => x.interaction_ids[0])).toEqual(['I2-call-0830']);
	});
	it('contact after an opt-out on that channel, until an opt-in; call covers ringless voicemail; a debt-scoped opt-out', () => {
		expect(of('O1', 'contact_after_opt_out').map((x) => x.interaction_ids[0])).toEqual(['O1-sms']);
		expect(of('O2', 'contact_after_opt_out').map((x) => x.interaction_ids[0])).toEqual(['O2-rvm']);
		expect(of('O3', 'contact_after_opt_out').map((x) => x.interaction_ids[0])).toEqual(['O3-email']);
	});
	it("a rule counts only its channels: texts and e-mails are not placed calls, ringless voicemails are", () => {
		expect(rulesOf('CH1')).toEqual([]);
		expect(of('CH2', 'call_frequency_7_in_7')).toHaveLength(1);
		expect(of('CH2', 'call_frequency_7_in_7')[0]!.interaction_ids).toHaveLength(8);
	});
	it('calls to a number found to be a wrong number do not count for the consumer', () => {
		expect(of('W1', 'call_frequency_7_in_7')).toEqual([]);
	});
	it('risk flags: two unanswered calls within 5 minutes; 7 calls to one number in a day', () => {
		const r = of('R1', 'repeat_unanswered_calls');
		expect(r.map((x) => x.interaction_ids)).toEqual([['R1-a', 'R1-b']]);
		expect(r[0]!.kind).toBe('risk_flag');
		const d = of('R2', 'calls_per_number_per_day');
		expect(d).toHaveLength(1);
		expect(d[0]!.interaction_ids).toHaveLength(7);
		expect(of('R2', 'call_frequency_7_in_7')).toEqual([]);
	});
});

describe('an audit of a period', () => {
	it('keeps the findings dated in the period and counts the days before it in the windows', async () => {
		const p = await runAudit(t.store, { trigger: 'cli', from: '2026-03-10', to: '2026-03-10' });
		expect(p.period_from).toBe('2026-03-10');
		expect(p.period_to).toBe('2026-03-10');
		const f = await t.store.rows<{ account_id: string; rule_id: string; local_date: string }>(
			`SELECT account_id, rule_id, local_date::VARCHAR AS local_date FROM compliance_findings WHERE audit_id = $a`,
			{ a: p.audit_id }
		);
		expect(f.every((x) => x.local_date === '2026-03-10')).toBe(true);
		expect(f.some((x) => x.account_id === 'V2' && x.rule_id === 'call_frequency_7_in_7')).toBe(true);
		expect(f.some((x) => x.account_id === 'V3')).toBe(false);
		// the earlier audit is untouched
		expect((await getAudit(t.store, run.audit_id))?.findings).toBe(all.length);
	});
	it('only the packs asked for', async () => {
		const p = await runAudit(t.store, { trigger: 'cli', packIds: ['us-ma'] });
		expect(p.packs.map((x) => x.pack_id)).toEqual(['us-ma']);
		expect(p.findings).toBe(1);
	});
	it('refuses bad options before writing anything', async () => {
		const before = (await latestAudit(t.store))!.audit_id;
		await expect(runAudit(t.store, { trigger: 'cli', packIds: ['us-xx'] })).rejects.toThrow(/unknown pack us-xx; the packs are/);
		await expect(runAudit(t.store, { trigger: 'cli', from: '2026-03-10', to: '2026-03-01' })).rejects.toThrow(/ends before it starts/);
		await expect(runAudit(t.store, { trigger: 'cli', from: '2026-02-30' })).rejects.toBeInstanceOf(AuditInputError);
		expect((await latestAudit(t.store))!.audit_id).toBe(before);
	});
});

describe('older audits', () => {
	it('keep their summary when their findings are removed; the findings pages say so', async () => {
		const { pickAudit } = await import('../../src/lib/server/compliance/findings/audits.ts');
		const { KEEP_FINDINGS_OF } = await import('../../src/lib/server/compliance/audit.ts');
		let last = run;
		for (let i = 0; i < KEEP_FINDINGS_OF; i++) last = await runAudit(t.store, { trigger: 'cli', packIds: ['regulation-f'] });
		const n = await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM compliance_findings WHERE audit_id = $a`, { a: run.audit_id });
		expect(Number(n[0]!.n)).toBe(0);
		expect((await getAudit(t.store, run.audit_id))!.findings).toBe(all.length);
		await expect(pickAudit(t.store, run.audit_id)).rejects.toThrow(/no longer kept \(the store keeps those of the last 10 audits/);
		expect((await pickAudit(t.store, last.audit_id))!.audit_id).toBe(last.audit_id);
	});
});
