/**
 * The message check (docs/message-check.md; compliance.md "Channels and cease"; issue 6,
 * "Checks before launch"; issue 16, "A message check that reads like a person"): what a
 * template text must say and what it must not. All of it is configured in
 * policies/messages/message-check.yaml (validated by messageRulesSchema below):
 *
 * - the opt-out instruction of e-mails and text messages (12 CFR 1006.6(e)): one of the
 *   `opt_out.patterns` must occur, and not inside a denial ("you can't unsubscribe");
 * - the debt-collector disclosure (15 U.S.C. 1692e(11); 12 CFR 1006.18(e)): one of the
 *   `disclosure.patterns` must occur, however it is phrased ("this is Acme Collections, a debt
 *   collector", "we're a debt collection agency", "Acme is a debt collector"), and not denied
 *   ("we are not a debt collector");
 * - threatening, harassing or shaming wording: every occurrence of every phrase or pattern of
 *   `wording.phrases`, each with its kind (threat, harassment, third_party, caution), reason and
 *   citation, highlighted — unless it is denied in its clause ("you will not be arrested").
 *
 * How a text is read, step by step (each step a small function below):
 * 1. normalise: curly quotes become straight, shorthand is written out (`normalise.replace`:
 *    "u" → "you"), and a long word one letter away from a word of `normalise.spelling` is read
 *    as that word ("collecter"). Every character keeps the offsets of the text it came from, so
 *    the highlighted spans are those of the text as written.
 * 2. find: every pattern, case-insensitively, on word boundaries; {name} stands for the
 *    regular expression `terms.name`.
 * 3. deny: a match is not counted when a denial (`negation.cues`: not, never, no one …) comes at
 *    most `negation.window` words before it in the same clause (clauses end at `negation.breaks`:
 *    punctuation, "but", a new subject and verb …), when a clause-wide denial
 *    (`negation.context`: "it is illegal …") comes before it, or when a denial directly follows
 *    it (`negation.after`: "jail is not …"). Words that look like a denial and are not one
 *    (`negation.ignore`: "if you don't pay", "we won't hesitate") deny nothing.
 * 4. report: a caution that lies inside a stronger finding is left out ("pay today or we will
 *    sue you" is one threat, not a threat and a caution).
 *
 * Pure and shared with the browser (the draft form re-runs it as the strategist types): no
 * server imports. The server reads the file in src/lib/server/compliance/message-rules.ts.
 */
import { z } from 'zod';
import { CHANNELS } from './packs.ts';

export type Channel = (typeof CHANNELS)[number];
export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** what a wording finding is about */
export const WORDING_KINDS = ['threat', 'harassment', 'third_party', 'caution'] as const;
export type WordingKind = (typeof WORDING_KINDS)[number];
/** every kind of finding: the two things a message must say, and the wording kinds */
export type FindingKind = 'empty' | 'opt_out' | 'disclosure' | WordingKind;

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

/** {name} in a pattern: a term of the file (a quantifier like {0,40} is not a name) */
const TERM_REF = /\{([a-z_][a-z0-9_]*)\}/g;
/** a pattern with every {name} replaced by an empty group: to check its syntax before the terms are known */
const withStandIns = (p: string) => p.replace(TERM_REF, '(?:x)');

/** a regular expression that compiles (checked here, so a bad one is named with its field) */
const pattern = z
	.string({ error: 'a pattern is a text (a regular expression)' })
	.min(1, { error: 'a pattern is empty' })
	.superRefine((p, ctx) => {
		const error = compileError(withStandIns(p));
		if (error) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${error}` });
		else if (new RegExp(`^(?:${withStandIns(p)})$`, 'iu').test('')) ctx.addIssue({ code: 'custom', message: 'the pattern matches an empty text: it would accept any message' });
	});
function compileError(p: string): string | null {
	try {
		new RegExp(p, 'iu');
		return null;
	} catch (e) {
		return e instanceof Error ? e.message : String(e);
	}
}
const patterns = z.array(pattern, { error: 'patterns is a list of regular expressions' });

/** a text the message must contain (on `channels`), one of `patterns` */
const requiredSchema = z.object({
	id: ruleId,
	/** the rule in words, shown next to each problem */
	title: z.string({ error: 'title is missing' }).min(1, { error: 'title is empty' }),
	citation: z.string({ error: 'citation is missing' }).min(1, { error: 'every rule cites its source' }),
	severity: severity.default('error'),
	/** the channels whose messages need it */
	channels,
	patterns: patterns.min(1, { error: 'name at least one pattern' })
});

const phraseSchema = z
	.strictObject({
		/** plain text: matched case-insensitively on word boundaries */
		phrase: z.string({ error: 'phrase is plain text' }).trim().min(1, { error: 'phrase is empty' }).optional(),
		/** a regular expression, {name} for a term: matched case-insensitively on word boundaries */
		pattern: pattern.optional(),
		/** what the finding is about; a caution is a warning unless `severity` says otherwise */
		kind: z.enum(WORDING_KINDS, { error: `kind is one of ${WORDING_KINDS.join(', ')}` }).default('threat'),
		/** why it is a problem, in words */
		reason: z.string({ error: 'reason is missing: say why the phrase is a problem' }).min(1, { error: 'reason is empty' }),
		/** the source, when it is not the wording rule's own */
		citation: z.string().min(1).optional(),
		severity: severity.optional(),
		/** false: counted even after a denial ("we will not stop until you pay") */
		negatable: z.boolean({ error: 'negatable is true or false' }).default(true)
	})
	.superRefine((p, ctx) => {
		if ((p.phrase === undefined) === (p.pattern === undefined)) ctx.addIssue({ code: 'custom', path: ['phrase'], message: 'give either a phrase (plain text) or a pattern (a regular expression), not both' });
	});

const normaliseSchema = z
	.object({
		/** shorthand, whole words or phrases, and what the check reads instead ("u": "you") */
		replace: z.record(z.string().min(1, { error: 'a shorthand is empty' }), z.string({ error: 'a shorthand is written out as a text' })).default({}),
		/** words read despite one letter wrong, missing, extra or swapped (for words of 7 letters or more) */
		spelling: z.array(z.string().regex(/^\p{L}+$/u, { error: 'a spelling word is letters only' })).default([])
	})
	.default({ replace: {}, spelling: [] });

const negationSchema = z
	.object({
		cues: patterns.default([]),
		window: z.number({ error: 'window is a whole number of words' }).int({ error: 'window is a whole number of words' }).min(0).max(50).default(10),
		context: patterns.default([]),
		after: patterns.default([]),
		ignore: patterns.default([]),
		breaks: patterns.default([])
	})
	.default({ cues: [], window: 10, context: [], after: [], ignore: [], breaks: [] });

export const messageRulesSchema = z
	.object({
		version: z.number({ error: 'version is a whole number' }).int({ error: 'version is a whole number' }).min(1, { error: 'version starts at 1' }),
		normalise: normaliseSchema,
		negation: negationSchema,
		/** named parts of patterns, written {name} in a pattern */
		terms: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'a term name is lower-case letters, digits and _' }), pattern).default({}),
		opt_out: requiredSchema,
		disclosure: requiredSchema,
		wording: z.object({
			id: ruleId,
			title: z.string({ error: 'title is missing' }).min(1, { error: 'title is empty' }),
			citation: z.string({ error: 'citation is missing' }).min(1, { error: 'every rule cites its source' }),
			/** a title per kind, shown next to its findings instead of the rule's own */
			kinds: z.partialRecord(z.enum(WORDING_KINDS, { error: `kinds are ${WORDING_KINDS.join(', ')}` }), z.object({ title: z.string().min(1, { error: 'title is empty' }) })).default({}),
			phrases: z.array(phraseSchema, { error: 'phrases is a list of {phrase or pattern, kind, reason}' }).min(1, { error: 'name at least one phrase' })
		})
	})
	.superRefine((r, ctx) => {
		const seen = new Map<string, number>();
		r.wording.phrases.forEach((p, i) => {
			const key = p.phrase !== undefined ? `phrase:${p.phrase.toLowerCase().replace(/\s+/g, ' ')}` : `pattern:${p.pattern}`;
			const field = p.phrase !== undefined ? 'phrase' : 'pattern';
			if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['wording', 'phrases', i, field], message: `the ${field} "${p.phrase ?? p.pattern}" is listed twice (also at wording.phrases.${seen.get(key)})` });
			else seen.set(key, i);
		});
		const ids = [r.opt_out.id, r.disclosure.id, r.wording.id];
		if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['wording', 'id'], message: 'the three rules need three different ids' });
		// every {name} is a term, and every pattern compiles with its terms written in
		const check = (p: string, path: (string | number)[]) => {
			const unknown = [...p.matchAll(TERM_REF)].map((m) => m[1]!).filter((n) => !(n in r.terms));
			if (unknown.length) return ctx.addIssue({ code: 'custom', path, message: `{${unknown[0]}} is not one of the terms (${Object.keys(r.terms).join(', ') || 'none'})` });
			const error = compileError(expandTerms(p, r.terms));
			if (error) ctx.addIssue({ code: 'custom', path, message: `not a valid regular expression once its terms are written in: ${error}` });
		};
		Object.entries(r.terms).forEach(([name, p]) => {
			if (TERM_REF.test(p)) ctx.addIssue({ code: 'custom', path: ['terms', name], message: 'a term cannot use another term' });
			TERM_REF.lastIndex = 0;
		});
		r.opt_out.patterns.forEach((p, i) => check(p, ['opt_out', 'patterns', i]));
		r.disclosure.patterns.forEach((p, i) => check(p, ['disclosure', 'patterns', i]));
		r.wording.phrases.forEach((p, i) => p.pattern !== undefined && check(p.pattern, ['wording', 'phrases', i, 'pattern']));
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
	/** what the problem is about: opt_out, disclosure, threat, harassment, third_party, caution, empty */
	kind: FindingKind;
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

// ------------------------------------------------------------------ patterns

const WORD = '[\\p{L}\\p{N}_]';
const endsWord = (s: string) => new RegExp(`${WORD}$`, 'u').test(s);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** {name} written out as the term's regular expression */
function expandTerms(p: string, terms: Record<string, string>): string {
	return p.replace(TERM_REF, (m, name: string) => (name in terms ? `(?:${terms[name]})` : m));
}

/** a phrase as a regular expression: escaped, flexible white space and apostrophes, not ending inside a word (see spansOf for the start) */
export function phraseRegExp(phrase: string): RegExp {
	const p = phrase.trim();
	const body = p
		.split(/\s+/)
		.map((w) => escape(w).replace(/['’]/g, "['’]"))
		.join('\\s+');
	return new RegExp(`${body}${endsWord(p) ? `(?!${WORD})` : ''}`, 'giu');
}

/**
 * A configured pattern that does not end inside a word: a match that ends with a letter is not
 * followed by one. That it does not start inside a word either is checked on each match
 * (spansOf), which keeps the regular expression fast: a look-behind at its start would make the
 * engine try it at every character.
 */
export function patternRegExp(pattern: string, terms: Record<string, string> = {}): RegExp {
	return new RegExp(`(?:${expandTerms(pattern, terms)})(?:(?<=${WORD})(?!${WORD})|(?<!${WORD}))`, 'giu');
}
const WORD_CHAR = new RegExp(WORD, 'u');
/** true when a match at `at` starts inside a word (a letter right after a letter) */
const startsInsideWord = (text: string, at: number) => at > 0 && WORD_CHAR.test(text[at]!) && WORD_CHAR.test(text[at - 1]!);

// ------------------------------------------------------------------ step 1: normalise

/** a text as the check reads it; each character remembers the characters of the original it stands for */
interface Normalised {
	text: string;
	/** from[i], to[i]: the original characters (start inclusive, end exclusive) behind text[i] */
	from: number[];
	to: number[];
}

/** every match of `re` replaced by `by(match)`; the new characters stand for all the characters they replace */
function replaceMapped(n: Normalised, re: RegExp, by: (m: string) => string | null): Normalised {
	let text = '';
	const from: number[] = [];
	const to: number[] = [];
	let last = 0;
	re.lastIndex = 0;
	for (let m = re.exec(n.text); m; m = re.exec(n.text)) {
		if (m[0].length === 0) {
			re.lastIndex++;
			continue;
		}
		if (startsInsideWord(n.text, m.index)) {
			re.lastIndex = m.index + 1;
			continue;
		}
		const out = by(m[0]);
		if (out === null || out === m[0]) continue;
		const a = m.index;
		const b = a + m[0].length;
		text += n.text.slice(last, a);
		from.push(...n.from.slice(last, a));
		to.push(...n.to.slice(last, a));
		text += out;
		for (let i = 0; i < out.length; i++) {
			from.push(n.from[a]!);
			to.push(n.to[b - 1]!);
		}
		last = b;
	}
	if (last === 0) return n;
	text += n.text.slice(last);
	from.push(...n.from.slice(last));
	to.push(...n.to.slice(last));
	return { text, from, to };
}

/** true when a and b differ by one letter changed, added, removed, or two neighbours swapped */
export function oneEditApart(a: string, b: string): boolean {
	if (a === b || Math.abs(a.length - b.length) > 1) return false;
	if (a.length === b.length) {
		const diff: number[] = [];
		for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
		if (diff.length === 1) return true;
		return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
	}
	const [s, l] = a.length < b.length ? [a, b] : [b, a];
	let i = 0;
	while (i < s.length && s[i] === l[i]) i++;
	return s.slice(i) === l.slice(i + 1);
}

// ------------------------------------------------------------------ compiled rules

interface Entry {
	re: RegExp;
	negatable: boolean;
	phrase: MessageRules['wording']['phrases'][number];
}
interface Compiled {
	replace: RegExp | null;
	replacements: Map<string, string>;
	spelling: string[];
	optOut: RegExp[];
	disclosure: RegExp[];
	phrases: Entry[];
	cues: RegExp[];
	context: RegExp[];
	ignore: RegExp[];
	breaks: RegExp[];
	after: RegExp | null;
}
const compiledCache = new WeakMap<MessageRules, Compiled>();
const any = (ps: string[], terms: Record<string, string>) => ps.map((p) => patternRegExp(p, terms));
function compile(rules: MessageRules): Compiled {
	let c = compiledCache.get(rules);
	if (c) return c;
	const terms = rules.terms ?? {};
	const norm = rules.normalise ?? { replace: {}, spelling: [] };
	const neg = rules.negation ?? { cues: [], window: 10, context: [], after: [], ignore: [], breaks: [] };
	const keys = Object.keys(norm.replace).sort((a, b) => b.length - a.length);
	const replacements = new Map(Object.entries(norm.replace).map(([k, v]) => [k.toLowerCase().replace(/\s+/g, ' '), v]));
	c = {
		replace: keys.length ? new RegExp(`(?:${keys.map((k) => k.trim().split(/\s+/).map(escape).join('\\s+')).join('|')})(?!${WORD})`, 'giu') : null,
		replacements,
		spelling: norm.spelling.map((w) => w.toLowerCase()),
		optOut: any(rules.opt_out.patterns, terms),
		disclosure: any(rules.disclosure.patterns, terms),
		phrases: rules.wording.phrases.map((phrase) => ({
			re: phrase.pattern !== undefined ? patternRegExp(phrase.pattern, terms) : phraseRegExp(phrase.phrase!),
			negatable: phrase.negatable ?? true,
			phrase
		})),
		cues: any(neg.cues, terms),
		context: any(neg.context, terms),
		ignore: neg.ignore.map((p) => new RegExp(expandTerms(p, terms), 'giu')),
		breaks: neg.breaks.map((p) => new RegExp(expandTerms(p, terms), 'giu')),
		after: neg.after.length ? new RegExp(`^\\s*(?:${neg.after.map((p) => expandTerms(p, terms)).join('|')})`, 'iu') : null
	};
	compiledCache.set(rules, c);
	return c;
}

/** step 1: curly quotes straight, shorthand written out, near-misses of the spelling words corrected */
function normaliseText(text: string, c: Compiled): Normalised {
	let n: Normalised = {
		text: text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"'),
		from: Array.from({ length: text.length }, (_, i) => i),
		to: Array.from({ length: text.length }, (_, i) => i + 1)
	};
	if (c.replace) n = replaceMapped(n, c.replace, (m) => c.replacements.get(m.toLowerCase().replace(/\s+/g, ' ')) ?? null);
	if (c.spelling.length) {
		const known = new Set(c.spelling);
		n = replaceMapped(n, /\p{L}{7,}/gu, (w) => {
			const lower = w.toLowerCase();
			if (known.has(lower)) return null;
			return c.spelling.find((s) => s.length >= 7 && oneEditApart(lower, s)) ?? null;
		});
	}
	return n;
}

// ------------------------------------------------------------------ step 3: denials

interface Span {
	start: number;
	end: number;
}
/**
 * The matches of `re`; with `bounded`, only those that do not start inside a word (when one
 * does, every other match at that character does too, so the search goes on from the next one).
 */
const spansOf = (re: RegExp, text: string, bounded = false): Span[] => {
	const out: Span[] = [];
	re.lastIndex = 0;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (m[0].length === 0 || (bounded && startsInsideWord(text, m.index))) {
			re.lastIndex = m.index + 1;
			continue;
		}
		out.push({ start: m.index, end: m.index + m[0].length });
	}
	return out;
};

/** the index of the first element of a sorted list that is greater than `x` */
function firstAbove(sorted: number[], x: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid]! > x) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** what the denial test needs of one text, computed once */
class Clauses {
	private starts: number[];
	private cues: Span[];
	private context: Span[];
	private words: number[];
	constructor(
		private text: string,
		private c: Compiled,
		private window: number
	) {
		// a clause starts after punctuation, and at a word that begins a new clause ("but", "we will")
		this.starts = c.breaks
			.flatMap((re) => spansOf(re, text).map((s) => (/[\p{L}]/u.test(text.slice(s.start, s.end)) ? s.start : s.end)))
			.sort((a, b) => a - b);
		const ignored = c.ignore.flatMap((re) => spansOf(re, text));
		const kept = (s: Span) => !ignored.some((i) => s.start >= i.start && s.end <= i.end);
		this.cues = c.cues.flatMap((re) => spansOf(re, text, true)).filter(kept);
		this.context = c.context.flatMap((re) => spansOf(re, text, true)).filter(kept);
		this.words = spansOf(/[\p{L}\p{N}_'{}]+/gu, text).map((s) => s.start);
	}
	/** the start of the clause a position is in */
	private clauseStart(at: number): number {
		const i = firstAbove(this.starts, at);
		return i === 0 ? 0 : this.starts[i - 1]!;
	}
	/** the number of words that start in [a, b) */
	private wordsBetween(a: number, b: number): number {
		return Math.max(0, firstAbove(this.words, b - 1) - firstAbove(this.words, a - 1));
	}
	/** true when the match [start, end) is denied in its clause */
	denied(start: number, end: number): boolean {
		const from = this.clauseStart(start);
		if (this.cues.some((q) => q.start >= from && q.start < end && (q.start >= start || this.wordsBetween(q.end, start) <= this.window))) return true;
		if (this.context.some((q) => q.start >= from && q.start < start)) return true;
		return this.c.after !== null && this.c.after.test(this.text.slice(end));
	}
}

// ------------------------------------------------------------------ the check

/** the spans of `re` in the text that are not denied */
function found(re: RegExp, n: Normalised, clauses: Clauses, negatable = true): Span[] {
	return spansOf(re, n.text, true).filter((s) => !negatable || !clauses.denied(s.start, s.end));
}

/** the span of the original text behind a span of the normalised one */
const original = (n: Normalised, s: Span): Span => ({ start: n.from[s.start]!, end: n.to[s.end - 1]! });

/**
 * The problems of a message text sent on `channel`: a missing opt-out instruction (text
 * messages and e-mails), a missing debt-collector disclosure (every channel the rules name),
 * and every occurrence of a threatening, harassing or shaming phrase, in the order they
 * appear. An empty text is one problem that says so.
 */
export function checkMessage(text: string, channel: Channel, rules: MessageRules): MessageProblem[] {
	const what = CHANNEL_WORDS[channel] ?? channel;
	if (text.trim() === '')
		return [
			{
				rule: EMPTY_TEXT,
				kind: 'empty',
				title: 'A text to check',
				citation: '',
				severity: 'error',
				span: null,
				phrase: null,
				message: `The ${what} is empty: write or paste its text to check it.`
			}
		];
	const c = compile(rules);
	const n = normaliseText(text, c);
	const clauses = new Clauses(n.text, c, rules.negation?.window ?? 10);
	const says = (res: RegExp[]) => res.some((re) => spansOf(re, n.text, true).some((s) => !clauses.denied(s.start, s.end)));
	const missing: MessageProblem[] = [];
	if (rules.opt_out.channels.includes(channel) && !says(c.optOut))
		missing.push({
			rule: rules.opt_out.id,
			kind: 'opt_out',
			title: rules.opt_out.title,
			citation: rules.opt_out.citation,
			severity: rules.opt_out.severity,
			span: null,
			phrase: null,
			message: `The ${what} does not say how to opt out (for example "Reply STOP to opt out" or an "unsubscribe" link).`
		});
	if (rules.disclosure.channels.includes(channel) && !says(c.disclosure))
		missing.push({
			rule: rules.disclosure.id,
			kind: 'disclosure',
			title: rules.disclosure.title,
			citation: rules.disclosure.citation,
			severity: rules.disclosure.severity,
			span: null,
			phrase: null,
			message: `The ${what} does not say it is from a debt collector (for example "This is Acme Collections, a debt collector" or "This is a communication from a debt collector").`
		});
	let hits: MessageProblem[] = [];
	for (const { re, negatable, phrase } of c.phrases) {
		for (const s of found(re, n, clauses, negatable)) {
			const span = original(n, s);
			const quote = text.slice(span.start, span.end);
			hits.push({
				rule: rules.wording.id,
				kind: phrase.kind ?? 'threat',
				title: rules.wording.kinds?.[phrase.kind ?? 'threat']?.title ?? rules.wording.title,
				citation: phrase.citation ?? rules.wording.citation,
				severity: phrase.severity ?? (phrase.kind === 'caution' ? 'warning' : 'error'),
				span,
				phrase: quote,
				message: `"${quote}": ${phrase.reason}`
			});
		}
	}
	// step 4: a caution inside a stronger finding is that finding
	const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
	hits = hits.filter((h) => h.kind !== 'caution' || !hits.some((o) => o.kind !== 'caution' && overlaps(o.span!, h.span!)));
	hits.sort((a, b) => a.span!.start - b.span!.start || a.span!.end - b.span!.end);
	return [...missing, ...hits];
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
