import { expect, test } from 'vitest';
import { checkArmCadence, checkArmMessage, RULES_NOT_LOADED, type CheckResult, type CheckRules } from '../../src/lib/experiments/checks.ts';
import { loadMessageRules } from '../../src/lib/server/compliance/message-rules.ts';
import { loadPacks } from '../../src/lib/server/compliance/packs.ts';

// The draft form and the experiment page read this shape: ok, findings of {rule, text,
// citation, severity, span}, and pending when a check could not run (and why).
const shape = (r: CheckResult) => {
	expect(Object.keys(r).sort()).toEqual(r.pending === undefined ? ['findings', 'ok'] : ['findings', 'ok', 'pending']);
	expect(typeof r.ok).toBe('boolean');
	expect(Array.isArray(r.findings)).toBe(true);
	for (const f of r.findings) expect(Object.keys(f).sort()).toEqual(['citation', 'rule', 'severity', 'span', 'text']);
	if (!r.ok) expect(r.findings.some((f) => f.severity === 'error')).toBe(true);
};

const rules: CheckRules = { message: loadMessageRules().rules, packs: loadPacks().packs, problems: [] };
const sms = { channel: 'sms' as const, tone: 'firm' as const, template_id: 'sms_reminder_firm_v3', text: 'Pay today at {link} to avoid further action. Reply STOP to opt out.', cadence: 'one SMS in five days' };

test('the message and cadence checks answer {ok, findings, pending} for any message, even an empty draft', () => {
	expect(rules.message).not.toBeNull();
	for (const m of [sms, {}, { channel: 'call' as const, text: '' }, { ...sms, plan: { contacts_per_day: 3, days_per_week: 7 } }]) {
		shape(checkArmMessage(m, rules));
		shape(checkArmCadence(m, rules));
		shape(checkArmMessage(m, null));
		shape(checkArmCadence(m, null));
	}
});

test('the message check runs the message rules: a missing disclosure is a problem, a threat is highlighted', () => {
	const r = checkArmMessage(sms, rules);
	expect(r.ok).toBe(false);
	expect(r.findings.map((f) => f.rule)).toEqual(['debt_collector_disclosure']);
	expect(r.findings[0]).toMatchObject({ severity: 'error', citation: '15 U.S.C. 1692e(11); 12 CFR 1006.18(e)', span: null });

	const text = 'This is a communication from a debt collector. Pay now or face arrest. Reply STOP to opt out.';
	const t = checkArmMessage({ ...sms, text }, rules);
	expect(t.findings).toHaveLength(1);
	expect(t.findings[0]!.rule).toBe('threatening_wording');
	expect(text.slice(t.findings[0]!.span!.start, t.findings[0]!.span!.end)).toBe('arrest');

	const fine = checkArmMessage({ ...sms, text: 'This is a communication from a debt collector. Reply STOP to opt out.' }, rules);
	expect(fine).toEqual({ ok: true, findings: [] });
});

test('the cadence check runs the packs: one call a day breaks Massachusetts, New York City and Washington, not Regulation F', () => {
	const r = checkArmCadence({ channel: 'call', plan: { contacts_per_day: 1, days_per_week: 7, hours: [9, 20] } }, rules);
	expect(r.ok).toBe(false);
	const errors = r.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
	expect(errors.sort()).toEqual(['us-ma · ma_two_in_seven', 'us-nyc · nyc_three_in_seven', 'us-wa · wa_three_per_week']);
	// after a conversation, the daily calls must pause: a note, not an error
	expect(r.findings.find((f) => f.rule === 'regulation-f · call_after_conversation')?.severity).toBe('note');
	// in an experiment limited to California only Regulation F matters
	const ca = checkArmCadence({ channel: 'call', plan: { contacts_per_day: 1, days_per_week: 7, hours: [9, 20] } }, rules, ['US-CA']);
	expect(ca.ok).toBe(true);
});

test('without a plan or without rules the checks say why they did not run', () => {
	expect(checkArmCadence(sms, rules).pending).toMatch(/no planned cadence/);
	expect(checkArmMessage({ channel: 'call', text: '  ' }, rules).pending).toBe('write the text (the message or the call script) to check it');
	expect(checkArmMessage(sms, null)).toEqual({ ok: true, findings: [], pending: RULES_NOT_LOADED });
	const broken: CheckRules = { message: null, packs: [], problems: ['policies/messages/message-check.yaml, line 3, opt_out.patterns: name at least one pattern'] };
	expect(checkArmMessage(sms, broken).pending).toBe("the message check's rules cannot be used: policies/messages/message-check.yaml, line 3, opt_out.patterns: name at least one pattern");
});
