/**
 * The account timeline on a real temp store: local times across the daylight-saving changes
 * of America/New_York (8 Mar and 1 Nov 2026), a zone without daylight saving
 * (America/Phoenix), a contact point in another zone shown in both, the preferences in force
 * and their bands, the findings of an audit mapped onto the contacts that make them up, a
 * person with several debts, third parties and the attorney, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAudit } from '../../src/lib/server/compliance/audit.ts';
import { accountTimeline, TimelineError, TimelinePartyRedirect, timelineBench, timelineParamsSchema, type TimelineView } from '../../src/lib/server/compliance/timeline.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
const NOW = new Date('2026-12-01T12:00:00Z');
const ALL_YEAR = { from: '2026-01-01', to: '2026-12-31' };

/** a contact of the view by id, failing the test when it is missing */
const contact = (v: TimelineView, id: string) => {
	const c = v.contacts.find((x) => x.interaction_id === id);
	if (!c) throw new Error(`${id} is not on the timeline`);
	return c;
};

beforeAll(async () => {
	t = await tempStore();
	const ny = { contact_timezone: 'America/New_York' };
	const files: [string, string][] = [
		[
			'accounts.csv',
			csv([
				accountsHeader,
				accountRow('D1', { customer_id: 'P1', region: 'US-MA', timezone: 'America/New_York' }),
				accountRow('D2', { customer_id: 'P1', region: 'US-NY', timezone: 'America/New_York', product: 'auto' }),
				accountRow('D3', { customer_id: 'P2', region: 'US-AZ', timezone: 'America/Phoenix' }),
				accountRow('D4', { customer_id: 'P3', region: 'US-CA', timezone: 'America/Los_Angeles' }),
				accountRow('D5', { customer_id: 'X', region: 'US-MA', timezone: 'America/New_York' })
			])
		],
		[
			'interactions.csv',
			csv([
				interactionsHeader,
				// spring forward: 8 Mar 2026, 02:00 EST → 03:00 EDT (07:00 UTC)
				interactionRow('N1', 'D1', { customer_id: 'P1', occurred_at: '2026-03-07T14:00:00Z', ...ny }),
				interactionRow('N3', 'D1', { customer_id: 'P1', occurred_at: '2026-03-08T06:30:00Z', ...ny }),
				interactionRow('N4', 'D1', { customer_id: 'P1', occurred_at: '2026-03-08T07:30:00Z', ...ny }),
				interactionRow('N2', 'D1', { customer_id: 'P1', occurred_at: '2026-03-09T13:00:00Z', ...ny, outcome: 'conversation' }),
				// a third party and the consumer's attorney, about the person's debt
				interactionRow('T1', 'D1', { customer_id: 'T-P1', party: 'third_party', occurred_at: '2026-03-10T15:00:00Z', contact_point: '+1-617-***-0099', ...ny }),
				interactionRow('ATT', 'D1', { customer_id: 'P1', party: 'consumer_attorney', occurred_at: '2026-03-10T16:00:00Z', contact_point: '+1-617-***-0777', ...ny }),
				// the second debt: an SMS
				interactionRow('M1', 'D2', { customer_id: 'P1', channel: 'sms', outcome: 'delivered', occurred_at: '2026-03-10T20:00:00Z', ...ny }),
				// fall back: 1 Nov 2026, 02:00 EDT → 01:00 EST (06:00 UTC): 01:30 happens twice
				interactionRow('N5', 'D1', { customer_id: 'P1', occurred_at: '2026-11-01T05:30:00Z', ...ny }),
				interactionRow('N6', 'D1', { customer_id: 'P1', occurred_at: '2026-11-01T06:30:00Z', ...ny }),
				// Phoenix: MST all year
				interactionRow('Z1', 'D3', { customer_id: 'P2', occurred_at: '2026-01-15T16:00:00Z', contact_timezone: 'America/Phoenix' }),
				interactionRow('Z2', 'D3', { customer_id: 'P2', occurred_at: '2026-07-15T16:00:00Z', contact_timezone: 'America/Phoenix' }),
				// an address in Los Angeles, a phone in New York (worked verdict 9): 10:30 in New York is 07:30 at the address
				interactionRow('L1', 'D4', { customer_id: 'P3', occurred_at: '2026-03-02T15:30:00Z', ...ny }),
				interactionRow('L2', 'D4', { customer_id: 'P3', occurred_at: '2026-03-03T18:00:00Z', contact_timezone: 'America/Los_Angeles' }),
				// someone else
				interactionRow('X1', 'D5', { customer_id: 'X', occurred_at: '2026-03-09T14:00:00Z', ...ny })
			])
		],
		[
			'contact_preferences.csv',
			csv([
				['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'],
				['E1', 'P1', 'D2', 'sms', 'opt_out', '2026-03-05T15:00:00Z', null, null, null],
				['E2', 'P1', 'D2', 'sms', 'opt_in', '2026-03-20T15:00:00Z', null, null, null],
				['E3', 'P1', null, 'call', 'inconvenient_time', '2026-03-01T12:00:00Z', null, '20:00:00', '09:00:00'],
				['E4', 'P1', 'D1', 'call', 'consent_to_call', '2026-03-09T14:00:00Z', '2026-03-11T04:00:00Z', null, null],
				['E5', 'P1', 'D1', 'all', 'cease_communication', '2026-11-05T15:00:00Z', null, null, null],
				['EX', 'X', null, 'all', 'cease_communication', '2026-03-01T15:00:00Z', null, null, null]
			])
		]
	];
	for (const [name, text] of files) {
		const r = await importFile(t.store, { path: t.file(name, text), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
	}

	// audits written as the audit engine writes them: 900 and 901 done (901 the latest), 902 failed
	const packs = JSON.stringify([{ pack_id: 'regulation-f', version: 1, hash: 'x', title: 'Regulation F (12 CFR part 1006)' }]);
	for (const [id, status, finished] of [
		[900, 'done', '2026-11-30T10:00:00Z'],
		[901, 'done', '2026-11-30T11:00:00Z'],
		[902, 'failed', null]
	] as const)
		await t.store.rows(
			`INSERT INTO compliance_audits VALUES ($id, $started, $finished::TIMESTAMPTZ, NULL, NULL, $packs, 'manual', 'test', 14, 3, 5, $status)`,
			{ id, started: '2026-11-30T09:00:00Z', finished, packs, status }
		);
	const finding = (audit: number, id: number, f: { rule_id: string; rule_type: string; kind: string; customer_id: string; account_id: string | null; window?: [string, string]; occurred_at: string; local_date: string; ids: string[]; detail: string }) =>
		t.store.rows(
			`INSERT INTO compliance_findings VALUES ($audit, $id, 'regulation-f', 1, $rule_id, $rule_type, $kind, $customer_id, $account_id,
				$ws::DATE, $we::DATE, $occurred_at, $local_date, 'call', 'agent-1', 'T1', NULL, NULL, string_split($ids, ','), $detail, NULL)`,
			{
				audit,
				id,
				rule_id: f.rule_id,
				rule_type: f.rule_type,
				kind: f.kind,
				customer_id: f.customer_id,
				account_id: f.account_id,
				ws: f.window?.[0] ?? null,
				we: f.window?.[1] ?? null,
				occurred_at: f.occurred_at,
				local_date: f.local_date,
				ids: f.ids.join(','),
				detail: f.detail
			}
		);
	await finding(901, 1, { rule_id: 'call_frequency_7_in_7', rule_type: 'frequency', kind: 'presumed_violation', customer_id: 'P1', account_id: 'D1', window: ['2026-03-07', '2026-03-13'], occurred_at: '2026-03-09T13:00:00Z', local_date: '2026-03-09', ids: ['N1', 'N3', 'N4', 'N2'], detail: '8 placed calls on 7 dates' });
	await finding(901, 2, { rule_id: 'inconvenient_hours', rule_type: 'time_of_day', kind: 'violation', customer_id: 'P1', account_id: 'D1', occurred_at: '2026-03-08T06:30:00Z', local_date: '2026-03-08', ids: ['N3'], detail: 'call at 01:30 EST' });
	await finding(901, 3, { rule_id: 'call_frequency_7_in_7', rule_type: 'frequency', kind: 'presumed_violation', customer_id: 'T-P1', account_id: 'D1', window: ['2026-03-10', '2026-03-16'], occurred_at: '2026-03-10T15:00:00Z', local_date: '2026-03-10', ids: ['T1'], detail: 'third party' });
	await finding(901, 4, { rule_id: 'inconvenient_hours', rule_type: 'time_of_day', kind: 'violation', customer_id: 'X', account_id: 'D5', occurred_at: '2026-03-09T14:00:00Z', local_date: '2026-03-09', ids: ['X1'], detail: 'someone else' });
	await finding(900, 1, { rule_id: 'repeat_unanswered_calls', rule_type: 'repeat_unanswered', kind: 'risk_flag', customer_id: 'P1', account_id: 'D1', occurred_at: '2026-03-08T07:30:00Z', local_date: '2026-03-08', ids: ['N3', 'N4'], detail: 'two unanswered calls within 5 minutes' });
});
afterAll(() => t.close());

describe('local time', () => {
	test('contacts across the spring daylight-saving change of America/New_York', async () => {
		const v = await accountTimeline(t.store, 'P1', { account: 'D1', ...ALL_YEAR }, { now: NOW });
		expect([contact(v, 'N1').local_date, contact(v, 'N1').local_time, contact(v, 'N1').zone_abbr]).toEqual(['2026-03-07', '09:00:00', 'EST']);
		// 06:30 UTC on 8 Mar is 01:30 EST; 07:30 UTC is 03:30 EDT (02:xx does not exist that night)
		expect([contact(v, 'N3').local_date, contact(v, 'N3').local_time, contact(v, 'N3').zone_abbr]).toEqual(['2026-03-08', '01:30:00', 'EST']);
		expect([contact(v, 'N4').local_date, contact(v, 'N4').local_time, contact(v, 'N4').zone_abbr]).toEqual(['2026-03-08', '03:30:00', 'EDT']);
		// the same UTC hour a day later is an hour later on the clock
		expect([contact(v, 'N2').local_time, contact(v, 'N2').zone_abbr]).toEqual(['09:00:00', 'EDT']);
		expect(contact(v, 'N4').local_minute).toBe(3 * 60 + 30);
	});

	test('the autumn change: 01:30 happens twice on 1 Nov 2026, once EDT and once EST', async () => {
		const v = await accountTimeline(t.store, 'P1', { account: 'D1', ...ALL_YEAR }, { now: NOW });
		expect([contact(v, 'N5').local_date, contact(v, 'N5').local_time, contact(v, 'N5').zone_abbr]).toEqual(['2026-11-01', '01:30:00', 'EDT']);
		expect([contact(v, 'N6').local_date, contact(v, 'N6').local_time, contact(v, 'N6').zone_abbr]).toEqual(['2026-11-01', '01:30:00', 'EST']);
		const day = v.days.find((d) => d.date === '2026-11-01');
		expect(day?.contacts.map((i) => v.contacts[i]!.interaction_id)).toEqual(['N5', 'N6']);
	});

	test('America/Phoenix keeps MST in summer and winter', async () => {
		const v = await accountTimeline(t.store, 'P2', ALL_YEAR, { now: NOW });
		expect([contact(v, 'Z1').local_time, contact(v, 'Z1').zone_abbr]).toEqual(['09:00:00', 'MST']);
		expect([contact(v, 'Z2').local_time, contact(v, 'Z2').zone_abbr]).toEqual(['09:00:00', 'MST']);
		// New York's contact the same July instant would be 12:00 EDT: Phoenix is 3 h behind in summer, 2 h in winter
		expect(contact(v, 'Z1').contact_local).toBeNull();
	});

	test('a contact point in another zone shows both local times', async () => {
		const v = await accountTimeline(t.store, 'P3', ALL_YEAR, { now: NOW });
		const l1 = contact(v, 'L1');
		expect([l1.local_date, l1.local_time, l1.zone_abbr]).toEqual(['2026-03-02', '07:30:00', 'PST']);
		expect(l1.contact_timezone).toBe('America/New_York');
		expect(l1.contact_local).toEqual({ date: '2026-03-02', time: '10:30:00', zone_abbr: 'EST' });
		// the same zone as the address: one local time
		expect(contact(v, 'L2').contact_local).toBeNull();
		expect(v.summary).toContain('1 contact outside 08:00–21:00 local');
	});
});

describe('the person and their debts', () => {
	test('every debt of the person, with the packs that apply by region', async () => {
		const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
		expect(v.accounts.map((a) => a.account_id)).toEqual(['D1', 'D2']);
		const d1 = v.accounts.find((a) => a.account_id === 'D1')!;
		const d2 = v.accounts.find((a) => a.account_id === 'D2')!;
		expect(d1.packs.map((p) => p.pack_id).sort()).toEqual(['regulation-f', 'us-ma']);
		// a US-NY debt outside New York City (no accounts.locality): not the New York City pack
		expect(d2.packs.map((p) => p.pack_id).sort()).toEqual(['regulation-f']);
		expect([d1.contacts, d2.contacts]).toEqual([8, 1]);
		// contacts of both debts, third party and attorney included, nobody else's
		const ids = v.contacts.map((c) => c.interaction_id);
		expect(ids).toEqual(['N1', 'N3', 'N4', 'N2', 'T1', 'ATT', 'M1', 'N5', 'N6']);
		expect(contact(v, 'T1')).toMatchObject({ party: 'third_party', party_id: 'T-P1', account_id: 'D1' });
		expect(contact(v, 'ATT').party).toBe('consumer_attorney');
		expect(ids).not.toContain('X1');
	});

	test('?account= shows one debt', async () => {
		const v = await accountTimeline(t.store, 'P1', { account: 'D2', ...ALL_YEAR }, { now: NOW });
		expect(v.contacts.map((c) => c.interaction_id)).toEqual(['M1']);
		expect(v.accounts).toHaveLength(2); // the header still names both
		expect(v.account).toBe('D2');
	});

	test('an unknown person, and a debt that is not theirs, are 404 with a clear message', async () => {
		await expect(accountTimeline(t.store, 'NOBODY')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('NOBODY') });
		const e = await accountTimeline(t.store, 'P1', { account: 'D5' }).catch((x) => x);
		expect(e).toBeInstanceOf(TimelineError);
		expect(e.status).toBe(404);
		expect(e.message).toContain('D1, D2');
	});

	test('a third party named by a finding leads to the owner of the debt they were contacted about', async () => {
		const e = await accountTimeline(t.store, 'T-P1', { account: 'D1' }).catch((x) => x);
		expect(e).toBeInstanceOf(TimelinePartyRedirect);
		expect([e.owner, e.party]).toEqual(['P1', 'T-P1']);
		// not about a debt they were contacted about: unknown
		await expect(accountTimeline(t.store, 'T-P1', { account: 'D2' })).rejects.toMatchObject({ status: 404 });
		await expect(accountTimeline(t.store, 'T-P1')).rejects.toMatchObject({ status: 404 });
	});
});

describe('preferences', () => {
	test('in force now, ended by an opt-in or by until_at, scoped to the debts shown', async () => {
		const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
		const byId = new Map(v.preferences.map((p) => [p.event_id, p]));
		expect([...byId.keys()].sort()).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
		expect(byId.get('E1')!.status).toBe('ended');
		expect(byId.get('E1')!.ends).toMatchObject({ date: '2026-03-20', time: '11:00:00', by: 'opt-in E2' });
		expect(byId.get('E3')!.in_force).toBe(true);
		expect(byId.get('E4')!.status).toBe('ended');
		expect(byId.get('E4')!.ends).toMatchObject({ date: '2026-03-11', time: '00:00:00' });
		expect(byId.get('E5')!.in_force).toBe(true);
		expect(v.preferences.filter((p) => p.in_force).map((p) => p.event_id).sort()).toEqual(['E3', 'E5']);
		// D1 alone: the SMS opt-out and opt-in of D2 are not about it; the every-debt rule is
		const d1 = await accountTimeline(t.store, 'P1', { account: 'D1', ...ALL_YEAR }, { now: NOW });
		expect(d1.preferences.map((p) => p.event_id).sort()).toEqual(['E3', 'E4', 'E5']);
	});

	test('bands on a date: ruled-out hours across midnight, the consent window from its start, the opt-out from its time', async () => {
		const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
		const day = v.days.find((d) => d.date === '2026-03-09')!;
		const ruled = day.bands.filter((b) => b.event_id === 'E3').map((b) => [b.from_minute, b.to_minute]);
		expect(ruled).toEqual([
			[0, 9 * 60],
			[20 * 60, 1440]
		]);
		// consent from 14:00 UTC = 10:00 EDT on 9 Mar, to the end of the day
		expect(day.bands.filter((b) => b.event_id === 'E4').map((b) => [b.from_minute, b.to_minute])).toEqual([[600, 1440]]);
		// the SMS opt-out (5 Mar 10:00 EST) covers the whole of 9 Mar
		expect(day.bands.filter((b) => b.event_id === 'E1').map((b) => [b.from_minute, b.to_minute])).toEqual([[0, 1440]]);
		// the dates a preference starts or ends are rows, with the change in words
		const start = v.days.find((d) => d.date === '2026-03-05');
		expect(start?.changes.join(' ')).toContain('Opt-out of SMS (debt D2) from 10:00 EST');
		expect(start?.bands.find((b) => b.event_id === 'E1')).toMatchObject({ from_minute: 600, to_minute: 1440 });
		expect(v.days.find((d) => d.date === '2026-03-20')?.changes.join(' ')).toContain('ends 11:00 EDT (opt-in)');
		// after the opt-in, no SMS opt-out band
		expect(v.days.find((d) => d.date === '2026-11-01')!.bands.some((b) => b.event_id === 'E1')).toBe(false);
	});
});

describe('findings', () => {
	test('the latest done audit by default, its findings on the contacts that make them up', async () => {
		const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
		expect(v.audit?.audit_id).toBe(901);
		expect(v.findings.map((f) => f.finding_id).sort()).toEqual([1, 2, 3]); // not X's
		expect(contact(v, 'N1').finding_ids).toEqual([1]);
		expect(contact(v, 'N3').finding_ids.sort()).toEqual([1, 2]);
		expect(contact(v, 'T1').finding_ids).toEqual([3]); // the third party's finding is about P1's debt
		expect(contact(v, 'M1').finding_ids).toEqual([]);
		const f1 = v.findings.find((f) => f.finding_id === 1)!;
		expect(f1.rule_title).not.toBe('call_frequency_7_in_7'); // named from the pack
		expect(f1.rule_href).toBe('/compliance/packs/regulation-f?version=1#rule-call_frequency_7_in_7');
	});

	test('a window finding highlights every date of its window, with a lane', async () => {
		const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
		const covered = v.days.filter((d) => d.windows.some((w) => w.finding_id === 1)).map((d) => d.date);
		expect(covered).toEqual(['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13']);
		const w7 = v.days.find((d) => d.date === '2026-03-07')!.windows.find((w) => w.finding_id === 1)!;
		const w13 = v.days.find((d) => d.date === '2026-03-13')!.windows.find((w) => w.finding_id === 1)!;
		expect([w7.first, w7.last, w13.first, w13.last]).toEqual([true, false, false, true]);
		// finding 3's window overlaps finding 1's: another lane
		const lanes = new Set(v.days.find((d) => d.date === '2026-03-10')!.windows.map((w) => w.lane));
		expect(lanes.size).toBe(2);
		expect(v.lanes).toBe(2);
		// 12 Mar has no contact but is inside the window: it is a row
		expect(v.days.find((d) => d.date === '2026-03-12')?.contacts).toEqual([]);
	});

	test('?audit= picks an older audit; a failed or missing audit is refused', async () => {
		const old = await accountTimeline(t.store, 'P1', { ...ALL_YEAR, audit: 900 }, { now: NOW });
		expect(old.audit?.audit_id).toBe(900);
		expect(old.findings.map((f) => [f.finding_id, f.kind])).toEqual([[1, 'risk_flag']]);
		expect(contact(old, 'N4').finding_ids).toEqual([1]);
		expect(contact(old, 'N1').finding_ids).toEqual([]);
		await expect(accountTimeline(t.store, 'P1', { audit: 902 })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('failed') });
		await expect(accountTimeline(t.store, 'P1', { audit: 999 })).rejects.toMatchObject({ status: 404 });
	});
});

describe('the date range', () => {
	test('by default 60 days around the latest finding; ?date= centres it and highlights the date', async () => {
		const v = await accountTimeline(t.store, 'P1', {}, { now: NOW });
		expect(v.range.days).toBe(60);
		expect(v.range.from <= '2026-03-10' && v.range.to >= '2026-03-10').toBe(true);
		expect(v.contacts.map((c) => c.interaction_id)).not.toContain('N5'); // November is outside
		expect(v.contacts_total).toBe(9);
		const d = await accountTimeline(t.store, 'P1', { date: '2026-11-01' }, { now: NOW });
		expect(d.range.from <= '2026-11-01' && d.range.to >= '2026-11-01').toBe(true);
		expect(d.days.find((x) => x.date === '2026-11-01')?.highlighted).toBe(true);
		expect(d.contacts.map((c) => c.interaction_id)).toEqual(['N5', 'N6']);
		// the rows skip empty dates and say how many were skipped
		const nov = d.days.findIndex((x) => x.date === '2026-11-01');
		expect(d.days[nov + 1]?.date).toBe('2026-11-05'); // the cease starts
		expect(d.days[nov + 1]?.gap_before).toBe(3);
	});

	test('bad parameters are named', () => {
		const bad = (p: Record<string, string>) => {
			const r = timelineParamsSchema.safeParse(p);
			return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		};
		expect(bad({ date: '2026-02-30' })).toBe('date: date is not a real date');
		expect(bad({ from: '2026-03-10', to: '2026-03-01' })).toContain('to: to (2026-03-01) is before from (2026-03-10)');
		expect(bad({ from: '2025-01-01', to: '2026-12-31' })).toContain('at most 400 days');
		expect(bad({ audit: 'latest' })).toContain('audit');
		expect(bad({ from: '2026-03-01', to: '2026-03-31', audit: '3' })).toBeNull();
	});
});

test('the audit engine\'s own findings, once it has run, are the ones marked by default', async () => {
	const run = await runAudit(t.store, { trigger: 'manual', runBy: 'test' });
	expect(run.audit_id).toBeGreaterThan(902);
	const v = await accountTimeline(t.store, 'P1', ALL_YEAR, { now: NOW });
	expect(v.audit?.audit_id).toBe(run.audit_id);
	// 01:30 EST on 8 Mar and both 01:30s of 1 Nov are before 08:00 local: time-of-day findings on those contacts
	for (const id of ['N3', 'N4', 'N5', 'N6']) {
		const rules = contact(v, id).finding_ids.map((f) => v.findings.find((x) => x.finding_id === f)!.rule_type);
		expect(rules, id).toContain('time_of_day');
	}
	// 09:00 EST/EDT calls are inside the hours
	expect(contact(v, 'N1').finding_ids.map((f) => v.findings.find((x) => x.finding_id === f)!.rule_type)).not.toContain('time_of_day');
	// the Los Angeles address with a New York phone: 07:30 at the address (worked verdict 9)
	const p3 = await accountTimeline(t.store, 'P3', ALL_YEAR, { now: NOW });
	const l1 = contact(p3, 'L1');
	expect(l1.finding_ids.map((f) => p3.findings.find((x) => x.finding_id === f)!.rule_type)).toContain('time_of_day');
	// every finding of the engine about P1 marks at least one of P1's contacts
	for (const f of v.findings) expect(f.interaction_ids.some((id) => v.contacts.some((c) => c.interaction_id === id)), `finding ${f.finding_id}`).toBe(true);
});

test('timelineBench reports the server time of a timeline and what it held', async () => {
	const r = await timelineBench(t.store, 'P1', { ...ALL_YEAR, audit: 901 });
	expect(r).toMatchObject({ customer_id: 'P1', contacts: 9, findings: 3 });
	expect(r.ms).toBeGreaterThan(0);
});
