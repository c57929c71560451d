/**
 * The message check (compliance.md "Channels and cease"; issue 6, "Checks before launch"): what
 * a template text must say and what it must not. Three checks, each resting on a rule and its
 * citation, all configured in policies/messages/message-check.yaml (validated by
 * messageRulesSchema below):
 *
 * - the opt-out instruction of e-mails and text messages (12 CFR 1006.6(e)): one of the
 *   `opt_out.patterns` must occur ("Reply STOP", "unsubscribe", "opt out");
 * - the debt-collector disclosure (12 CFR 1006.18(e)): one of the `disclosure.patterns` must
 *   occur ("This is a communication from a debt collector" and its variants);
 * - threatening or shaming wording: every occurrence of every phrase of `wording.phrases`, each
 *   with its reason, highlighted.
 *
 * Patterns are regular expressions (JavaScript syntax), phrases plain text; both are matched
 * case-insensitively on word boundaries (so "jail" does not match "jailbreak"), any run of
 * white space in a phrase matches any other, and a curly apostrophe matches a straight one.
 * Pure and shared with the browser (the draft form re-runs it as the strategist types): no
 * server imports. The server reads the file in src/lib/server/compliance/message-rules.ts.
 */
import { z } from 'zod';
import { CHANNELS } from './packs.ts';

export type Channel = (typeof CHANNELS)[number];
export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** "e-mail" rather than "email" in sentences */
export const CHANNEL_WORDS: Record<Channel, string> = {
	call: 'call script',
	sms: 'text message',
	email: 'e-mail',
	letter: 'letter',
	push: 'push notification',
	in_app: 'in-app message',
	ringless_voicemail: 'ringless voicemail'
};

const ruleId = z.string().regex(/^[a-z0-9_]+$/, { error: 'a rule id is lower-case letters, digits and _' });
const severity = z.enum(SEVERITIES, { error: 'severity is error or warning' });
const channels = z.array(z.enum(CHANNELS, { error: `channels are ${CHANNELS.join(', ')}` }));

/** a regular expression that compiles (checked here, so a bad one is named with its field) */
const pattern = z
	.string({ error: 'a pattern is a text (a regular expression)' })
	.min(1, { error: 'a pattern is empty' })
	.superRefine((p, ctx) => {
		try {
			new RegExp(p, 'iu');
		} catch (e) {
			ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${e instanceof Error ? e.message : e}` });
		}
		if (new RegExp(`^(?:${safe(p)})$`, 'iu').test('')) ctx.addIssue({ code: 'custom', message: 'the pattern matches an empty text: it would accept any message' });
	});
/** a pattern for the empty-match test that never throws (an invalid one is reported above) */
function safe(p: string): string {
	try {
		new RegExp(p, 'iu');
		return p;
	} catch {
		return '(?!)';
	}
}

/** a text the message must contain (on `channels`), one of `patterns` */
const requiredSchema = z.object({
	id: ruleId,
	/** the rule in words, shown next to each problem */
	title: z.string({ error: 'title is missing' }).min(1, { error: 'title is empty' }),
	citation: z.string({ error: 'citation is missing' }).min(1, { error: 'every rule cites its source' }),
	severity: severity.default('error'),
	/** the channels whose messages need it */
	channels,
	patterns: z.array(pattern, { error: 'patterns is a list of regular expressions' }).min(1, { error: 'name at least one pattern' })
});

const phraseSchema = z.object({
	/** plain text: matched case-insensitively on word boundaries */
	phrase: z.string({ error: 'phrase is missing' }).trim().min(1, { error: 'phrase is empty' }),
	/** why it is a problem, in words */
	reason: z.string({ error: 'reason is missing: say why the phrase is a problem' }).min(1, { error: 'reason is empty' }),
	/** the source, when it is not the wording rule's own */
	citation: z.string().min(1).optional(),
	severity: severity.default('error')
});

export const messageRulesSchema = z
	.object({
		version: z.number({ error: 'version is a whole number' }).int({ error: 'version is a whole number' }).min(1, { error: 'version starts at 1' }),
		opt_out: requiredSchema,
		disclosure: requiredSchema,
		wording: z.object({
			id: ruleId,
			title: z.string({ error: 'title is missing' }).min(1, { error: 'title is empty' }),
			citation: z.string({ error: 'citation is missing' }).min(1, { error: 'every rule cites its source' }),
			phrases: z.array(phraseSchema, { error: 'phrases is a list of {phrase, reason}' }).min(1, { error: 'name at least one phrase' })
		})
	})
	.superRefine((r, ctx) => {
		const seen = new Map<string, number>();
		r.wording.phrases.forEach((p, i) => {
			const key = p.phrase.toLowerCase().replace(/\s+/g, ' ');
			if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['wording', 'phrases', i, 'phrase'], message: `the phrase "${p.phrase}" is listed twice (also at wording.phrases.${seen.get(key)})` });
			else seen.set(key, i);
		});
		const ids = [r.opt_out.id, r.disclosure.id, r.wording.id];
		if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['wording', 'id'], message: 'the three rules need three different ids' });
	});
export type MessageRules = z.infer<typeof messageRulesSchema>;
export type MessageRulesInput = z.input<typeof messageRulesSchema>;

/** "wording.phrases.3.reason: reason is missing …" — one line per problem, the field first */
export function describeMessageRulesIssues(error: z.ZodError): { path: string; message: string }[] {
	return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export interface MessageProblem {
	/** the rule's id: opt_out_instruction, debt_collector_disclosure, threatening_wording, or empty_text */
	rule: string;
	/** the rule in words */
	title: string;
	citation: string;
	severity: Severity;
	/** the characters to highlight (start inclusive, end exclusive, UTF-16 offsets); null for something missing */
	span: { start: number; end: number } | null;
	/** the text found at the span */
	phrase: string | null;
	/** the problem in words, for the person writing the message */
	message: string;
}

export const EMPTY_TEXT = 'empty_text';

// ------------------------------------------------------------------ matching

const WORD = '[\\p{L}\\p{N}_]';
const startsWord = (s: string) => new RegExp(`^${WORD}`, 'u').test(s);
const endsWord = (s: string) => new RegExp(`${WORD}$`, 'u').test(s);

/** a phrase as a regular expression: escaped, flexible white space and apostrophes, word boundaries at word ends */
export function phraseRegExp(phrase: string): RegExp {
	const p = phrase.trim();
	const body = p
		.split(/\s+/)
		.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]"))
		.join('\\s+');
	return new RegExp(`${startsWord(p) ? `(?<!${WORD})` : ''}${body}${endsWord(p) ? `(?!${WORD})` : ''}`, 'giu');
}

/** a configured pattern, bounded by words at both ends */
export function patternRegExp(pattern: string): RegExp {
	return new RegExp(`(?<!${WORD})(?:${pattern})(?!${WORD})`, 'giu');
}

interface Compiled {
	optOut: RegExp[];
	disclosure: RegExp[];
	phrases: { re: RegExp; phrase: MessageRules['wording']['phrases'][number] }[];
}
const compiledCache = new WeakMap<MessageRules, Compiled>();
function compile(rules: MessageRules): Compiled {
	let c = compiledCache.get(rules);
	if (!c) {
		c = { optOut: rules.opt_out.patterns.map(patternRegExp), disclosure: rules.disclosure.patterns.map(patternRegExp), phrases: rules.wording.phrases.map((phrase) => ({ re: phraseRegExp(phrase.phrase), phrase })) };
		compiledCache.set(rules, c);
	}
	return c;
}

/** curly apostrophes and quotes as straight ones: same length, so the offsets stay those of the text */
const normalise = (text: string) => text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');

function firstMatch(res: RegExp[], text: string): { start: number; end: number } | null {
	for (const re of res) {
		re.lastIndex = 0;
		const m = re.exec(text);
		if (m) return { start: m.index, end: m.index + m[0].length };
	}
	return null;
}

/**
 * The problems of a message text sent on `channel`: a missing opt-out instruction (text
 * messages and e-mails), a missing debt-collector disclosure (every channel the rules name),
 * and every occurrence of a threatening or shaming phrase, in the order they appear. An empty
 * text is one problem that says so.
 */
export function checkMessage(text: string, channel: Channel, rules: MessageRules): MessageProblem[] {
	const what = CHANNEL_WORDS[channel] ?? channel;
	if (text.trim() === '')
		return [
			{
				rule: EMPTY_TEXT,
				title: 'A text to check',
				citation: '',
				severity: 'error',
				span: null,
				phrase: null,
				message: `The ${what} is empty: write or paste its text to check it.`
			}
		];
	const t = normalise(text);
	const c = compile(rules);
	const missing: MessageProblem[] = [];
	if (rules.opt_out.channels.includes(channel) && !firstMatch(c.optOut, t))
		missing.push({
			rule: rules.opt_out.id,
			title: rules.opt_out.title,
			citation: rules.opt_out.citation,
			severity: rules.opt_out.severity,
			span: null,
			phrase: null,
			message: `The ${what} does not say how to opt out (for example "Reply STOP to opt out" or an "unsubscribe" link).`
		});
	if (rules.disclosure.channels.includes(channel) && !firstMatch(c.disclosure, t))
		missing.push({
			rule: rules.disclosure.id,
			title: rules.disclosure.title,
			citation: rules.disclosure.citation,
			severity: rules.disclosure.severity,
			span: null,
			phrase: null,
			message: `The ${what} does not say it is from a debt collector (for example "This is a communication from a debt collector").`
		});
	const found: MessageProblem[] = [];
	for (const { re, phrase } of c.phrases) {
		re.lastIndex = 0;
		for (let m = re.exec(t); m; m = re.exec(t)) {
			const span = { start: m.index, end: m.index + m[0].length };
			found.push({
				rule: rules.wording.id,
				title: rules.wording.title,
				citation: phrase.citation ?? rules.wording.citation,
				severity: phrase.severity,
				span,
				phrase: text.slice(span.start, span.end),
				message: `"${text.slice(span.start, span.end)}": ${phrase.reason}`
			});
			if (m[0].length === 0) re.lastIndex++;
		}
	}
	found.sort((a, b) => a.span!.start - b.span!.start || a.span!.end - b.span!.end);
	return [...missing, ...found];
}

/** the counts the pages say in words */
export function problemCounts(problems: readonly { severity: string }[]): { errors: number; warnings: number } {
	return { errors: problems.filter((p) => p.severity === 'error').length, warnings: problems.filter((p) => p.severity === 'warning').length };
}

export interface Segment {
	text: string;
	start: number;
	end: number;
	/** the indexes (into the problems) of the problems whose span covers this segment; empty for plain text */
	problems: number[];
}

/**
 * The text cut at every span's edges, each piece with the problems that cover it: the pages
 * wrap the covered pieces in <mark>. Overlapping spans ("go to jail" and "jail") give pieces
 * covered by both.
 */
export function highlightSegments(text: string, problems: readonly Pick<MessageProblem, 'span'>[]): Segment[] {
	const edges = new Set<number>([0, text.length]);
	problems.forEach((p) => {
		if (p.span) {
			edges.add(Math.max(0, Math.min(text.length, p.span.start)));
			edges.add(Math.max(0, Math.min(text.length, p.span.end)));
		}
	});
	const cuts = [...edges].sort((a, b) => a - b);
	const out: Segment[] = [];
	for (let i = 0; i + 1 < cuts.length; i++) {
		const start = cuts[i]!;
		const end = cuts[i + 1]!;
		if (end <= start) continue;
		const covering = problems.flatMap((p, k) => (p.span && p.span.start <= start && p.span.end >= end ? [k] : []));
		const prev = out[out.length - 1];
		if (prev && !prev.problems.length && !covering.length) {
			prev.text += text.slice(start, end);
			prev.end = end;
		} else out.push({ text: text.slice(start, end), start, end, problems: covering });
	}
	return out;
}
