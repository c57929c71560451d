/**
 * The message check on the shipped rules (policies/messages/message-check.yaml): the opt-out
 * instruction of texts and e-mails, the debt-collector disclosure of every channel, every
 * occurrence of a threatening or shaming phrase with its exact span (case-insensitive, on
 * word boundaries), and a bad rules file named by file, line, field and problem.
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
		expect(rules.disclosure).toMatchObject({ id: 'debt_collector_disclosure', citation: '12 CFR 1006.18(e)' });
		expect(rules.wording.phrases.map((p) => p.phrase)).toEqual(expect.arrayContaining(['arrest', 'jail', 'we will tell your employer', 'deadbeat', 'shame']));
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
			expect.objectContaining({ rule: 'debt_collector_disclosure', citation: '12 CFR 1006.18(e)', severity: 'error', span: null, message: expect.stringMatching(/does not say it is from a debt collector/) })
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
		expect(p.map((x) => at(text, x))).toEqual(['we will tell your employer', 'Jail', 'deadbeat', 'JAIL', 'Shame']);
		expect(p.map((x) => x.phrase)).toEqual(['we will tell your employer', 'Jail', 'deadbeat', 'JAIL', 'Shame']);
		const employer = text.indexOf('we will tell');
		expect(p[0]!.span).toEqual({ start: employer, end: employer + 'we will tell your employer'.length });
		expect(p[0]!.citation).toBe('15 U.S.C. 1692c(b); 12 CFR 1006.6(d)');
		expect(p[1]!.citation).toBe('15 U.S.C. 1692e(4); 12 CFR 1006.18');
		expect(p[1]!.message).toBe('"Jail": not paying a debt never leads to jail; saying or implying it is a false threat');
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
		expect(p.map((x) => [x.phrase, x.severity])).toEqual([
			['final warning', 'warning'],
			['lawsuit', 'warning']
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

describe('the rules file', () => {
	test('is read from CUREWISE_MESSAGE_CHECK_FILE when set', () => {
		const dir = temp();
		const file = join(dir, 'rules.yaml');
		writeFileSync(file, readFileSync(messageRulesFile(), 'utf8').replace('  phrases:\n', '  phrases:\n    - { phrase: pay up loser, reason: abusive }\n'));
		process.env.CUREWISE_MESSAGE_CHECK_FILE = file;
		const r = loadMessageRules();
		expect(r.problems).toEqual([]);
		expect(r.file).toBe(file);
		const text = `${DISCLOSURE} Pay up, loser. Pay UP LOSER. Reply STOP to opt out.`;
		// a comma between the words is not the phrase; any case is
		expect(checkMessage(text, 'sms', r.rules!).map((p) => at(text, p))).toEqual(['Pay UP LOSER']);
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
		const text = shipped.replace('  phrases:\n', '  phrases:\n    - { phrase: JAIL, reason: twice }\n');
		writeFileSync(file, text);
		const line = text.slice(0, text.indexOf('{ phrase: jail,')).split('\n').length;
		const jail = rules.wording.phrases.findIndex((p) => p.phrase === 'jail') + 1;
		expect(loadMessageRules(file).problems).toEqual([`${file}, line ${line}, wording.phrases.${jail}.phrase: the phrase "jail" is listed twice (also at wording.phrases.0)`]);
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
