/**
 * The message check on the shipped rules (policies/messages/message-check.yaml): the opt-out
 * instruction of texts and e-mails, the debt-collector disclosure of every channel however it is
 * phrased, every occurrence of a threatening, harassing or shaming phrase with its exact span
 * (case-insensitive, on word boundaries), its kind and its rule, denials that are not threats
 * ("you will not be arrested"), and a bad rules file named by file, line, field and problem.
 * The labelled set and its precision and recall: message-check-labelled.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkMessage, highlightSegments, messageRulesSchema, type MessageRules } from '../../src/lib/compliance/message-check.ts';
import { loadMessageRules, messageRulesFile } from '../../src/lib/server/compliance/message-rules.ts';

const loaded = loadMessageRules();
const rules = loaded.rules as MessageRules;
const DISCLOSURE = 'This is a communication from a debt collector.';
const at = (text: string, p: { span: { start: number; end: number } | null }) => (p.span ? text.slice(p.span.start, p.span.end) : null);

const dirs: string[] = [];
const temp = () => {
	const d = mkdtempSync(join(tmpdir(), 'curewise-message-check-'));
	dirs.push(d);
	return d;
};
afterEach(() => {
	dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
	delete process.env.CUREWISE_MESSAGE_CHECK_FILE;
});

describe('the shipped rules', () => {
	test('are valid', () => {
		expect(loaded.problems).toEqual([]);
		expect(loaded.file).toBe('policies/messages/message-check.yaml');
		expect(rules.opt_out).toMatchObject({ id: 'opt_out_instruction', citation: '12 CFR 1006.6(e)', channels: ['sms', 'email'] });
		expect(rules.disclosure).toMatchObject({ id: 'debt_collector_disclosure', citation: '15 U.S.C. 1692e(11); 12 CFR 1006.18(e)' });
		expect(new Set(rules.wording.phrases.map((p) => p.kind))).toEqual(new Set(['threat', 'harassment', 'third_party', 'caution']));
		// every phrase says why, and cites its rule
		for (const p of rules.wording.phrases) expect(p.citation, p.pattern ?? p.phrase).toMatch(/(U\.S\.C\.|CFR) \d/);
	});
});

describe('required texts', () => {
	test('a compliant SMS has no problem', () => {
		expect(checkMessage(`Hi {first_name}. ${DISCLOSURE} Your payment of {amount} is past due: {link}. Reply STOP to opt out.`, 'sms', rules)).toEqual([]);
	});

	test('an SMS without STOP misses the opt-out instruction (12 CFR 1006.6(e))', () => {
		const p = checkMessage(`${DISCLOSURE} Your payment is past due: {link}.`, 'sms', rules);
		expect(p).toHaveLength(1);
		expect(p[0]).toMatchObject({ rule: 'opt_out_instruction', citation: '12 CFR 1006.6(e)', severity: 'error', span: null });
		expect(p[0]!.message).toMatch(/^The text message does not say how to opt out/);
	});

	test('opt-out variants are accepted, case-insensitively', () => {
		for (const t of ['reply stop to end', 'Text STOP to 12345', 'To opt-out, reply "STOP"', 'You can opt out at any time', 'Unsubscribe: {link}', 'Send STOP to stop these messages'])
			expect(checkMessage(`${DISCLOSURE} ${t}`, 'sms', rules).map((p) => p.rule), t).toEqual([]);
		// "stopped" and "stopwatch" are not STOP
		expect(checkMessage(`${DISCLOSURE} We stopped the reminders; reply stopwatch.`, 'sms', rules).map((p) => p.rule)).toEqual(['opt_out_instruction']);
	});

	test('an e-mail needs the opt-out too; a call script and a letter only need the disclosure', () => {
		expect(checkMessage(`${DISCLOSURE} See your balance online.`, 'email', rules).map((p) => p.rule)).toEqual(['opt_out_instruction']);
		expect(checkMessage(`${DISCLOSURE} See your balance online. Unsubscribe`, 'email', rules)).toEqual([]);
		expect(checkMessage(`Hello, I am calling from Acme. ${DISCLOSURE} Do you have a minute?`, 'call', rules)).toEqual([]);
		expect(checkMessage('Dear customer, your balance is past due.', 'letter', rules).map((p) => p.rule)).toEqual(['debt_collector_disclosure']);
	});

	test('a missing disclosure is found on every channel, and its variants are accepted', () => {
		const p = checkMessage('Your payment is past due. Reply STOP to opt out.', 'sms', rules);
		expect(p).toEqual([
			expect.objectContaining({ rule: 'debt_collector_disclosure', kind: 'disclosure', citation: '15 U.S.C. 1692e(11); 12 CFR 1006.18(e)', severity: 'error', span: null, message: expect.stringMatching(/does not say it is from a debt collector/) })
		]);
		expect(checkMessage('Hello, this is Sam from Acme.', 'call', rules).map((p) => p.rule)).toEqual(['debt_collector_disclosure']);
		for (const t of ['This message is from a debt collector.', 'We are a debt collector.', "I'm a debt collector", 'This is an attempt to collect a debt and any information obtained will be used for that purpose.', 'THIS IS A COMMUNICATION FROM A DEBT COLLECTOR'])
			expect(checkMessage(`${t} Reply STOP to opt out.`, 'sms', rules), t).toEqual([]);
		// a denial is not the disclosure
		expect(checkMessage('We are not a debt collector. Reply STOP to opt out.', 'sms', rules).map((p) => p.rule)).toEqual(['debt_collector_disclosure']);
	});

	test('an empty text is one clear problem', () => {
		for (const t of ['', '   \n\t']) {
			const p = checkMessage(t, 'email', rules);
			expect(p).toHaveLength(1);
			expect(p[0]).toMatchObject({ rule: 'empty_text', span: null, message: 'The e-mail is empty: write or paste its text to check it.' });
		}
	});
});

describe('threatening or shaming wording', () => {
	test('several phrases, every occurrence, with exact spans in text order', () => {
		const text = `${DISCLOSURE} Pay now or we will tell your employer. Jail is next, deadbeat: JAIL! Shame on you. Reply STOP to opt out.`;
		const p = checkMessage(text, 'sms', rules);
		expect(p.map((x) => x.rule)).toEqual(Array(5).fill('threatening_wording'));
		expect(p.map((x) => at(text, x))).toEqual(['we will tell your employer', 'Jail', 'deadbeat', 'JAIL', 'Shame on']);
		expect(p.map((x) => x.phrase)).toEqual(['we will tell your employer', 'Jail', 'deadbeat', 'JAIL', 'Shame on']);
		expect(p.map((x) => x.kind)).toEqual(['third_party', 'threat', 'harassment', 'threat', 'harassment']);
		const employer = text.indexOf('we will tell');
		expect(p[0]!.span).toEqual({ start: employer, end: employer + 'we will tell your employer'.length });
		expect(p[0]!.citation).toBe('15 U.S.C. 1692c(b); 12 CFR 1006.6(d)');
		expect(p[1]!.citation).toBe('15 U.S.C. 1692e(4); 12 CFR 1006.18');
		expect(p[1]!.message).toBe('"Jail": not paying a debt never leads to jail or prison; saying or implying it is a false threat');
		expect(p[1]!.title).toBe('No false threats or false urgency (arrest, police, visits, seizure, legal action today)');
		expect(p.every((x) => x.severity === 'error')).toBe(true);
	});

	test('whole words only: "jailbreak", "arresting" and "ashamedly" are not the listed phrases', () => {
		const text = `${DISCLOSURE} The jailbreak of your phone, an arresting offer, and unashamedly low prices. Reply STOP to opt out.`;
		expect(checkMessage(text, 'sms', rules)).toEqual([]);
	});

	test('a phrase matches across line breaks and curly apostrophes, keeping the offsets of the text', () => {
		const text = `${DISCLOSURE} Otherwise we’ll tell\nyour   employer. Reply STOP to opt out.`;
		const p = checkMessage(text, 'sms', rules);
		expect(p).toHaveLength(1);
		expect(at(text, p[0]!)).toBe('we’ll tell\nyour   employer');
	});

	test('a warning phrase is a warning', () => {
		const p = checkMessage(`${DISCLOSURE} This is your final warning before a lawsuit. Reply STOP to opt out.`, 'sms', rules);
		expect(p.map((x) => [x.phrase, x.kind, x.severity])).toEqual([
			['final warning', 'caution', 'warning'],
			['before a lawsuit', 'caution', 'warning']
		]);
	});

	test('the highlight segments cover exactly the spans, overlapping ones together', () => {
		const text = 'go to jail now';
		const segs = highlightSegments(text, [{ span: { start: 0, end: 10 } }, { span: { start: 6, end: 10 } }]);
		expect(segs.map((s) => [s.text, s.problems])).toEqual([
			['go to ', [0]],
			['jail', [0, 1]],
			[' now', []]
		]);
		expect(segs.map((s) => s.text).join('')).toBe(text);
	});
});

describe('reads like a person (issue 16 item 5)', () => {
	const kinds = (text: string, channel: 'sms' | 'call' | 'email' = 'sms') => checkMessage(text, channel, rules).map((p) => p.kind);

	test('"this is Acme Collections, a debt collector" is the disclosure; "We know where you live" is a threat, with its rule', () => {
		expect(checkMessage('Hi Sam, this is Acme Collections, a debt collector. Your balance is $120. Reply STOP to opt out.', 'sms', rules)).toEqual([]);
		const text = 'This is Acme Collections, a debt collector. We know where you live. Reply STOP to opt out.';
		const p = checkMessage(text, 'sms', rules);
		expect(p).toHaveLength(1);
		expect(p[0]).toMatchObject({ rule: 'threatening_wording', kind: 'threat', severity: 'error', citation: '15 U.S.C. 1692d(1), 1692e(5); 12 CFR 1006.14, 1006.18' });
		expect(at(text, p[0]!)).toBe('We know where you live');
	});

	test('the disclosure however it is phrased, split across sentences, in any case, with a typo', () => {
		for (const t of [
			'Hi Sam, this is Acme Collections, a debt collector.',
			'We are a debt collector.',
			"we're debt collectors",
			'I am calling from a debt collection agency about a personal matter.',
			'This message is from Acme Collections. We are a debt collector.',
			'Acme Collections here.\n\nJust so you know: we are a\ndebt collector.',
			'Acme Recovery (debt collector): your payment is due.',
			'Dana here, from Acme, which is a debt collection company.',
			'As a debt collector, we must tell you this is an attempt to collect a debt.',
			'Acme Recovery is a Debt Collector.',
			'THIS IS A DEBT COLLECTOR.',
			'This is Acme Collections, a debt collecter.'
		])
			expect(kinds(`${t} Reply STOP to opt out.`), t).toEqual([]);
	});

	test('a denial or a mention of collectors in general is not the disclosure', () => {
		for (const t of [
			'We are not a debt collector. This is Big Bank.',
			'This is not a communication from a debt collector.',
			'Acme Bank is your lender, not a debt collector.',
			'If a debt collector contacts you about your card, call us first.',
			'Hi {first_name},\n\nDebt collectors must follow federal rules. Your balance is $40.',
			'Hi, this is Acme Collections about your account.'
		])
			expect(kinds(`${t} Reply STOP to opt out.`), t).toEqual(['disclosure']);
	});

	test('threats and false urgency are caught, each a threat citing 1692e or 1692d', () => {
		for (const [t, quote] of [
			['We know where you live.', 'We know where you live'],
			['we no where u live', 'we no where u live'],
			['We will come to your work tomorrow.', 'come to your work'],
			['Pay today or you will be arrested.', 'arrested'],
			['You will go to jail if you do not pay.', 'jail'],
			['LEGAL ACTION TODAY unless you pay.', 'LEGAL ACTION TODAY'],
			['Pay within 24 hours or we will take legal action.', 'within 24 hours or we will take legal action'],
			["We won't hesitate to take legal action today.", 'legal action today'],
			["If you don't pay you will be arrested.", 'arrested'],
			['Pay now or we will report you to the police.', 'police']
		] as const) {
			const text = `This is a debt collector. ${t} Reply STOP to opt out.`;
			const p = checkMessage(text, 'sms', rules);
			expect(p.map((x) => x.kind), t).toEqual(['threat']);
			expect(at(text, p[0]!), t).toBe(quote);
			expect(p[0]!.citation, t).toMatch(/15 U\.S\.C\. 1692[de]\(\d+\)/);
		}
	});

	test('denials, reassurance and harmless mentions of court or work are not threats', () => {
		for (const t of [
			'We will not take legal action; we just want to talk.',
			'You will not be arrested or jailed for an unpaid debt.',
			'This is not a threat: we simply want to offer you a plan.',
			'We will NOT contact your employer.',
			'Nobody is going to arrest you over a debt.',
			'It is illegal for a debt collector to threaten you with arrest or jail.',
			'Another company said you would go to jail. That is not true.',
			'If you have a court date, tell us and we will pause collection.',
			'We can set your payment date to match your payday at work.',
			'There is no lawsuit against you and no legal action is planned.'
		])
			expect(kinds(`This is a debt collector. ${t} Reply STOP to opt out.`), t).toEqual([]);
	});

	test('harassment, telling others and cautions are told apart; a caution inside a threat is the threat', () => {
		const text = 'This is a debt collector. You are a deadbeat. We will call you every day until you pay, and we will tell your boss. Our client may file a lawsuit. Pay today or we will sue you. Reply STOP to opt out.';
		const p = checkMessage(text, 'sms', rules);
		expect(p.map((x) => [x.kind, at(text, x)])).toEqual([
			['harassment', 'deadbeat'],
			['harassment', 'call you every day'],
			['third_party', 'we will tell your boss'],
			['caution', 'may file a lawsuit'],
			['threat', 'today or we will sue you']
		]);
		expect(p.find((x) => x.kind === 'caution')).toMatchObject({ severity: 'warning', citation: '15 U.S.C. 1692e(5); 12 CFR 1006.18', title: 'Legal steps and deadlines only when they are true and intended' });
		expect(p.find((x) => x.kind === 'third_party')!.citation).toBe('15 U.S.C. 1692c(b); 12 CFR 1006.6(d)');
		expect(p.find((x) => x.kind === 'harassment')!.citation).toBe('15 U.S.C. 1692d(2); 12 CFR 1006.14');
	});

	test('an opt-out that is denied is not an opt-out', () => {
		expect(kinds("This is a debt collector. You can't unsubscribe from these texts.")).toEqual(['opt_out', 'harassment']);
	});

	test('shorthand and curly quotes are read, and the spans stay those of the text as written', () => {
		const text = 'this is a debt collector. we’ll be at ur door tonite, we no where u live';
		const p = checkMessage(text, 'call', rules);
		expect(p.map((x) => [x.kind, at(text, x)])).toEqual([
			['threat', 'be at ur door'],
			['threat', 'we no where u live']
		]);
	});
});

describe('the rules file', () => {
	test('is read from CUREWISE_MESSAGE_CHECK_FILE when set', () => {
		const dir = temp();
		const file = join(dir, 'rules.yaml');
		writeFileSync(file, readFileSync(messageRulesFile(), 'utf8').replace('  phrases:\n', '  phrases:\n    - { phrase: pay up buddy, kind: harassment, reason: abusive }\n'));
		process.env.CUREWISE_MESSAGE_CHECK_FILE = file;
		const r = loadMessageRules();
		expect(r.problems).toEqual([]);
		expect(r.file).toBe(file);
		const text = `${DISCLOSURE} Pay up, buddy. Pay UP BUDDY. Reply STOP to opt out.`;
		// a comma between the words is not the phrase; any case is
		expect(checkMessage(text, 'sms', r.rules!).map((p) => [at(text, p), p.kind])).toEqual([['Pay UP BUDDY', 'harassment']]);
	});

	test('a bad file is named with its line, the field and the problem', () => {
		const dir = temp();
		const file = join(dir, 'bad.yaml');
		writeFileSync(
			file,
			[
				'version: 1',
				'opt_out:',
				'  id: opt_out_instruction',
				'  title: t',
				'  citation: 12 CFR 1006.6(e)',
				'  channels: [sms, fax]',
				'  patterns: ["reply (stop"]',
				'disclosure:',
				'  id: debt_collector_disclosure',
				'  title: t',
				'  citation: c',
				'  channels: [call]',
				'  patterns: []',
				'wording:',
				'  id: threatening_wording',
				'  title: t',
				'  citation: c',
				'  phrases:',
				'    - { phrase: jail, reason: a false threat }',
				'    - { phrase: shame }',
				'    - { phrase: JAIL, reason: twice }'
			].join('\n')
		);
		const r = loadMessageRules(file);
		expect(r.rules).toBeNull();
		expect(r.problems).toEqual(
			expect.arrayContaining([
				expect.stringMatching(new RegExp(`^${file}, line 6, opt_out\\.channels\\.1: channels are call, sms`)),
				expect.stringMatching(new RegExp(`^${file}, line 7, opt_out\\.patterns\\.0: not a valid regular expression`)),
				`${file}, line 13, disclosure.patterns: name at least one pattern`,
				`${file}, line 20, wording.phrases.1.reason: reason is missing: say why the phrase is a problem`
			])
		);
		expect(r.problems).toHaveLength(4);
	});

	test('a phrase listed twice is named (once the file is otherwise valid)', () => {
		const dir = temp();
		const file = join(dir, 'twice.yaml');
		const shipped = readFileSync(messageRulesFile(), 'utf8');
		const text = shipped.replace('  phrases:\n', '  phrases:\n    - { phrase: IRRESPONSIBLE, reason: twice }\n');
		writeFileSync(file, text);
		const line = text.slice(0, text.indexOf('- phrase: irresponsible')).split('\n').length;
		const at = rules.wording.phrases.findIndex((p) => p.phrase === 'irresponsible') + 1;
		expect(loadMessageRules(file).problems).toEqual([`${file}, line ${line}, wording.phrases.${at}.phrase: the phrase "irresponsible" is listed twice (also at wording.phrases.0)`]);
	});

	test('an unknown term, a phrase with a pattern too, an unknown kind and a stray field are each named', () => {
		const base = readFileSync(messageRulesFile(), 'utf8');
		const dir = temp();
		const file = join(dir, 'terms.yaml');
		writeFileSync(
			file,
			base.replace(
				'  phrases:\n',
				"  phrases:\n    - { pattern: 'owe\\s+{amonut}', reason: x, citation: c }\n    - { phrase: pay up, pattern: pay\\s+up, reason: x }\n    - { phrase: hurry, kind: scary, reason: x }\n    - { phrase: go away, reason: x, citaton: c }\n"
			)
		);
		const problems = loadMessageRules(file).problems.map((p) => p.replace(/^.*?, line \d+, /, ''));
		expect(problems).toEqual(
			expect.arrayContaining([
				'wording.phrases.1.phrase: give either a phrase (plain text) or a pattern (a regular expression), not both',
				'wording.phrases.2.kind: kind is one of threat, harassment, third_party, caution',
				expect.stringMatching(/^wording\.phrases\.3: .*citaton/)
			])
		);
		// once the rest is valid, the unknown term is named with the terms there are
		writeFileSync(file, base.replace('  phrases:\n', "  phrases:\n    - { pattern: 'owe\\s+{amonut}', reason: x, citation: c }\n"));
		expect(loadMessageRules(file).problems).toEqual([expect.stringMatching(/wording\.phrases\.0\.pattern: \{amonut\} is not one of the terms \(collector, .*deadline/)]);
	});

	test('a file that is not YAML, or is missing, says so', () => {
		const dir = temp();
		const file = join(dir, 'syntax.yaml');
		writeFileSync(file, 'version: 1\nopt_out: [unclosed\n');
		expect(loadMessageRules(file).problems[0]).toMatch(new RegExp(`^${file}, line \\d+: not valid YAML: `));
		expect(loadMessageRules(join(dir, 'none.yaml')).problems).toEqual([`${join(dir, 'none.yaml')}: the file does not exist`]);
	});

	test('a pattern that matches nothing but the empty text is refused (it would pass any message)', () => {
		const r = messageRulesSchema.safeParse({ ...rules, opt_out: { ...rules.opt_out, patterns: ['(stop)?'] } });
		expect(r.success).toBe(false);
		expect(r.error!.issues[0]!.message).toMatch(/matches an empty text/);
	});
});
