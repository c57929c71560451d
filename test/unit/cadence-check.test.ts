/**
 * The cadence check on the shipped packs (policies/*.yaml): frequency rules by the worst case
 * of a 7-day window, time of day, the calls-per-number risk flag, which packs apply to which
 * regions, and a plan that cannot be checked.
 */
import { describe, expect, test } from 'vitest';
import { checkCadence, hourText, worstContactDays, type CadenceCheck } from '../../src/lib/compliance/cadence-check.ts';
import { loadPacks } from '../../src/lib/server/compliance/packs.ts';

const { packs } = loadPacks();
const verdict = (c: CadenceCheck, pack: string, rule: string) => c.findings.find((f) => f.pack === pack && f.rule === rule);
const broken = (c: CadenceCheck) =>
	c.findings
		.filter((f) => f.verdict === 'breaks')
		.map((f) => `${f.pack}/${f.rule}`)
		.sort();

describe('frequency', () => {
	test('one call a day, 7 days a week: fine under Regulation F (7 in 7), breaks Massachusetts (2 in 7), New York City and Washington (3 in 7)', () => {
		const c = checkCadence({ contacts_per_day: 1, days_per_week: 7, hours: [9, 20] }, 'call', packs);
		expect(c.checked).toBe(true);
		expect(verdict(c, 'regulation-f', 'call_frequency_7_in_7')).toMatchObject({ verdict: 'ok', planned: 7, limit: 7 });
		expect(broken(c)).toEqual(['us-ma/ma_two_in_seven', 'us-nyc/nyc_three_in_seven', 'us-wa/wa_three_per_week']);
		const ma = verdict(c, 'us-ma', 'ma_two_in_seven')!;
		expect(ma).toMatchObject({ planned: 7, limit: 2, kind: 'violation', citation: '940 CMR 7.04(1)(f); 209 CMR 18.16(1)(d)', applies_to: ['US-MA'] });
		expect(ma.message).toBe('1 call a day, 7 days a week is up to 7 calls in 7 consecutive days, more than the 2 allowed: breaks us-ma for accounts in US-MA (violation).');
		expect(verdict(c, 'us-wa', 'wa_three_per_week')!.message).toMatch(/breaks us-wa for accounts in US-WA/);
		// the New York City pack applies in the city, not to all of US-NY
		expect(verdict(c, 'us-nyc', 'nyc_three_in_seven')!.message).toMatch(/breaks us-nyc for accounts in New York City \(US-NY\)/);
	});

	test("two calls a day every day breaks Regulation F's 7-in-7 (14 in 7 days, a presumed violation)", () => {
		const c = checkCadence({ contacts_per_day: 2, days_per_week: 7 }, 'call', packs);
		expect(verdict(c, 'regulation-f', 'call_frequency_7_in_7')).toMatchObject({ verdict: 'breaks', planned: 14, limit: 7, kind: 'presumed_violation' });
		expect(verdict(c, 'regulation-f', 'call_frequency_7_in_7')!.message).toMatch(/breaks regulation-f for every account \(presumed violation\)/);
	});

	test('days a week bound the 7-day window: 2 calls on 3 days is 6 (fine for Regulation F), 2 calls on 4 days is 8 (not)', () => {
		expect(verdict(checkCadence({ contacts_per_day: 2, days_per_week: 3 }, 'call', packs), 'regulation-f', 'call_frequency_7_in_7')).toMatchObject({ verdict: 'ok', planned: 6 });
		expect(verdict(checkCadence({ contacts_per_day: 2, days_per_week: 4 }, 'call', packs), 'regulation-f', 'call_frequency_7_in_7')).toMatchObject({ verdict: 'breaks', planned: 8 });
		// one call on 2 days a week stays inside Massachusetts' 2 in 7
		expect(verdict(checkCadence({ contacts_per_day: 1, days_per_week: 2 }, 'call', packs), 'us-ma', 'ma_two_in_seven')).toMatchObject({ verdict: 'ok', planned: 2 });
	});

	test('the worst case of a window of any length', () => {
		expect(worstContactDays(7, 3)).toBe(3);
		expect(worstContactDays(7, 7)).toBe(7);
		expect(worstContactDays(3, 5)).toBe(3); // 5 consecutive weekdays fill any 3 dates
		expect(worstContactDays(10, 2)).toBe(4); // a week holds 2, the other 3 dates can hold 2 more
		expect(worstContactDays(14, 1)).toBe(2);
	});

	test('a rule counts only its channels: SMS does not count for Regulation F calls, but does for Massachusetts', () => {
		const c = checkCadence({ contacts_per_day: 1, days_per_week: 7 }, 'sms', packs);
		expect(verdict(c, 'regulation-f', 'call_frequency_7_in_7')).toMatchObject({ verdict: 'not_counted' });
		expect(broken(c)).toEqual(['us-ma/ma_two_in_seven', 'us-nyc/nyc_three_in_seven', 'us-wa/wa_three_per_week']);
		// letters: not counted by Massachusetts (calls and texts only)
		const letters = checkCadence({ contacts_per_day: 1, days_per_week: 7 }, 'letter', packs);
		expect(verdict(letters, 'us-ma', 'ma_two_in_seven')!.verdict).toBe('not_counted');
		expect(broken(letters)).toEqual(['us-nyc/nyc_three_in_seven', 'us-wa/wa_three_per_week']);
	});
});

describe('regions', () => {
	test('with the regions of the accounts, a state pack for none of them does not apply', () => {
		const c = checkCadence({ contacts_per_day: 1, days_per_week: 7 }, 'call', packs, ['US-MA', 'US-CA']);
		expect(broken(c)).toEqual(['us-ma/ma_two_in_seven']);
		expect(verdict(c, 'us-wa', 'wa_three_per_week')).toMatchObject({ verdict: 'not_applicable', message: 'us-wa applies to accounts in US-WA; the accounts are in US-MA, US-CA.' });
		expect(broken(checkCadence({ contacts_per_day: 1, days_per_week: 7 }, 'call', packs, ['US-CA']))).toEqual([]);
	});
});

describe('time of day', () => {
	test('hours 07:00–20:00 start before 08:00 and break the time-of-day rule', () => {
		const c = checkCadence({ contacts_per_day: 1, days_per_week: 1, hours: [7, 20] }, 'sms', packs);
		expect(verdict(c, 'regulation-f', 'inconvenient_hours')).toMatchObject({
			verdict: 'breaks',
			message: 'The planned hours 07:00–20:00 start before 08:00: breaks regulation-f for every account (violation).'
		});
	});

	test('08:00–21:00 is inside (a contact at exactly 21:00 is allowed); 09:00–21:30 ends after; 22:00–06:00 runs past midnight', () => {
		expect(verdict(checkCadence({ contacts_per_day: 1, hours: [8, 21] }, 'call', packs), 'regulation-f', 'inconvenient_hours')!.verdict).toBe('ok');
		expect(verdict(checkCadence({ contacts_per_day: 1, hours: [9, 21.5] }, 'call', packs), 'regulation-f', 'inconvenient_hours')!.message).toMatch(/09:00–21:30 end after 21:00/);
		expect(verdict(checkCadence({ contacts_per_day: 1, hours: [22, 6] }, 'email', packs), 'regulation-f', 'inconvenient_hours')!.message).toMatch(/22:00–06:00 run past midnight/);
	});

	test('without hours, time of day depends on when the contacts go out', () => {
		expect(verdict(checkCadence({ contacts_per_day: 1 }, 'call', packs), 'regulation-f', 'inconvenient_hours')).toMatchObject({ verdict: 'depends' });
		expect(hourText(7.5)).toBe('07:30');
	});
});

describe('risk flags and the after-conversation prong', () => {
	test('7 calls a day to one number raise the risk flag; 6 do not', () => {
		expect(verdict(checkCadence({ contacts_per_day: 7, days_per_week: 1 }, 'call', packs), 'regulation-f', 'calls_per_number_per_day')).toMatchObject({ verdict: 'breaks', kind: 'risk_flag' });
		expect(verdict(checkCadence({ contacts_per_day: 6, days_per_week: 1 }, 'call', packs), 'regulation-f', 'calls_per_number_per_day')!.verdict).toBe('ok');
	});

	test('more than one call a week depends on pausing after a conversation; one call a week cannot break it', () => {
		expect(verdict(checkCadence({ contacts_per_day: 1, days_per_week: 2 }, 'call', packs), 'regulation-f', 'call_after_conversation')!.verdict).toBe('depends');
		expect(verdict(checkCadence({ contacts_per_day: 1, days_per_week: 1 }, 'call', packs), 'regulation-f', 'call_after_conversation')!.verdict).toBe('ok');
	});
});

describe('a plan that cannot be checked', () => {
	test('no plan, no contacts a day, a bad number, no channel: not checked, and why', () => {
		expect(checkCadence(undefined, 'call', packs)).toEqual({
			checked: false,
			reason: 'The cadence cannot be checked: there is no planned cadence (contacts a day, days a week and hours). Add one to check it against the policy packs.',
			findings: [],
			notes: []
		});
		expect(checkCadence({ days_per_week: 5 }, 'call', packs).reason).toBe('The cadence cannot be checked: the plan does not say how many contacts a day.');
		expect(checkCadence({ contacts_per_day: 1, days_per_week: 9 }, 'call', packs).reason).toBe('The cadence cannot be checked: days a week is a whole number from 1 to 7, not 9.');
		expect(checkCadence({ contacts_per_day: 1 }, undefined, packs).reason).toBe('The cadence cannot be checked: no channel is chosen.');
	});

	test('no contacts planned breaks nothing', () => {
		expect(broken(checkCadence({ contacts_per_day: 0, hours: [6, 23] }, 'call', packs))).toEqual([]);
	});
});
