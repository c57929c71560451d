/**
 * The /compliance/check page's forms: what the zod schemas accept and say, the values a link
 * from the experiment pages fills in, and who may open the page.
 */
import { expect, test } from 'vitest';
import { cadenceFormSchema, canOpenCheck, checkPrefill, messageFormSchema, runCadenceCheck, runMessageCheck } from '../../src/lib/server/pages/compliance-check.ts';
import { loadMessageRules } from '../../src/lib/server/compliance/message-rules.ts';
import { loadPacks } from '../../src/lib/server/compliance/packs.ts';

const rules = { message: loadMessageRules().rules, packs: loadPacks().packs, problems: [] };

test('the message form: a known channel and a text of at most 20,000 characters', () => {
	expect(messageFormSchema.safeParse({ text: 'hi', channel: 'fax' }).error?.issues[0]?.message).toBe('the channel is one of call, sms, email, letter, push, in_app, ringless_voicemail');
	expect(messageFormSchema.safeParse({ text: 'x'.repeat(20_001), channel: 'sms' }).error?.issues[0]?.message).toBe('the text is at most 20,000 characters');
	const r = runMessageCheck(rules, { text: 'You will go to jail.', channel: 'letter' });
	expect(r.problems!.map((p) => p.rule)).toEqual(['debt_collector_disclosure', 'threatening_wording']);
	expect(runMessageCheck({ ...rules, message: null, problems: ['x.yaml, line 2, version: version starts at 1'] }, { text: 'a', channel: 'sms' })).toEqual({ problems: null, unavailable: 'The message check cannot run: x.yaml, line 2, version: version starts at 1' });
});

test('the cadence form: numbers from text fields, both hours or neither, region codes', () => {
	const ok = cadenceFormSchema.parse({ channel: 'call', contacts_per_day: '2', days_per_week: '', hour_from: '9', hour_to: '20', regions: 'us-ma, US-NY' });
	expect(ok).toEqual({ channel: 'call', contacts_per_day: 2, days_per_week: 7, hour_from: 9, hour_to: 20, regions: ['US-MA', 'US-NY'] });
	expect(runCadenceCheck(rules, ok).findings.filter((f) => f.verdict === 'breaks').map((f) => f.pack)).toEqual(['regulation-f', 'us-ma', 'us-nyc']);
	const bad = cadenceFormSchema.safeParse({ channel: 'call', contacts_per_day: '1.5', hour_from: '9', hour_to: '', regions: 'Massachusetts' });
	expect(bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['contacts_per_day: contacts a day is a whole number from 0 to 50', 'regions.0: a region is an ISO 3166-2 code like US-MA']);
	const oneHour = cadenceFormSchema.safeParse({ channel: 'call', contacts_per_day: '1', hour_from: '9', hour_to: '' });
	expect(oneHour.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['hour_to: give both hours (from and until), or neither']);
});

test('a link fills the forms; a bad value is left out and said once', () => {
	expect(checkPrefill(new URLSearchParams('channel=email&text=Hello&contacts_per_day=1&hour_from=8&hour_to=21'))).toEqual({
		message: { text: 'Hello', channel: 'email' },
		cadence: { channel: 'email', contacts_per_day: '1', days_per_week: '', hour_from: '8', hour_to: '21', regions: '' },
		problems: []
	});
	expect(checkPrefill(new URLSearchParams(''))).toEqual({ message: null, cadence: null, problems: [] });
	const bad = checkPrefill(new URLSearchParams('channel=fax&text=hi&contacts_per_day=99'));
	expect(bad.message).toBeNull();
	expect(bad.cadence).toBeNull();
	expect(bad.problems).toEqual(['channel: the channel is one of call, sms, email, letter, push, in_app, ringless_voicemail', 'contacts_per_day: contacts a day is a whole number from 0 to 50']);
});

test('strategists, compliance officers and admins may open the page; leadership may not', () => {
	expect((['strategist', 'compliance', 'admin', 'leadership'] as const).map(canOpenCheck)).toEqual([true, true, true, false]);
});
