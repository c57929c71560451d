/**
 * The message check against a labelled set (test/fixtures/messages/labelled.yaml): 197
 * real-style messages — supportive, neutral, firm and harassing; text messages, e-mails, call
 * scripts, voicemails, letters — each labelled with the findings a compliance officer would
 * make. The labels were written before the check was changed to read them.
 *
 * Scoring, per kind of finding:
 * - disclosure, opt_out (something missing): one expected finding per message that misses it;
 *   the check is right when it reports it, and a report on a message that has it is a false one;
 * - threat, harassment, third_party, caution (a phrase): each label quotes the text; the label
 *   is found when a finding of that kind covers part of the quote, and a finding of that kind
 *   that covers no quote of its kind is a false one.
 * Precision = right / (right + false), recall = right / (right + missed). The check must reach
 * 0.95 on both overall, and for the disclosure and threat kinds each; docs/message-check.md
 * reports the numbers this test prints. A second set of 50 (holdout.yaml), written after the
 * check was built, is scored the same way: its first run is reported in the docs; the check was
 * then improved, so it is no longer unseen, and it is held to 0.95 overall. A third set of 30
 * (unseen.yaml), written after that, scored precision 0.833 and recall 0.625 on its first run
 * (new phrasings of threats the patterns did not describe); after general fixes it is held to
 * 0.95 overall too. The first runs are the honest measure of text the check has not seen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { CHANNELS } from '../../src/lib/compliance/packs.ts';
import { checkMessage, type MessageRules } from '../../src/lib/compliance/message-check.ts';
import { loadMessageRules } from '../../src/lib/server/compliance/message-rules.ts';

const rules = loadMessageRules().rules as MessageRules;
const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'messages', name);

const SPAN_KINDS = ['threat', 'harassment', 'third_party', 'caution'] as const;
const MISSING_KINDS = ['disclosure', 'opt_out'] as const;
const KINDS = [...MISSING_KINDS, ...SPAN_KINDS] as const;
type Kind = (typeof KINDS)[number];

const label = z.union([z.enum(MISSING_KINDS), z.object({ threat: z.string() }).strict(), z.object({ harassment: z.string() }).strict(), z.object({ third_party: z.string() }).strict(), z.object({ caution: z.string() }).strict()]);
const messageSchema = z.object({
	id: z.string().regex(/^[snfhx]\d\d$/),
	channel: z.enum(CHANNELS),
	tone: z.enum(['supportive', 'neutral', 'firm', 'harassing']),
	text: z.string().min(1),
	expect: z.array(label)
});
type Message = z.infer<typeof messageSchema>;
const read = (name: string): Message[] => z.array(messageSchema).parse(parse(readFileSync(fixture(name), 'utf8')));
/** the labelled set */
const messages = read('labelled.yaml');
/** a second set, written after the check was built (its first run is in docs/message-check.md) */
const second = read('holdout.yaml');
/** a third set, written last (its first run is in docs/message-check.md) */
const unseen = read('unseen.yaml');

interface Expected {
	kind: Kind;
	/** null for a missing disclosure or opt-out */
	quote: string | null;
}
const expectedOf = (m: Message): Expected[] =>
	m.expect.map((l) => (typeof l === 'string' ? { kind: l, quote: null } : { kind: Object.keys(l)[0] as Kind, quote: Object.values(l)[0] as string }));

/** every occurrence of a quote in the text */
const occurrences = (text: string, quote: string) => {
	const out: { start: number; end: number }[] = [];
	for (let i = text.indexOf(quote); i >= 0; i = text.indexOf(quote, i + 1)) out.push({ start: i, end: i + quote.length });
	return out;
};
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

interface Score {
	right: number;
	wrong: number;
	missed: number;
}
const empty = (): Score => ({ right: 0, wrong: 0, missed: 0 });
const precision = (s: Score) => (s.right + s.wrong === 0 ? 1 : s.right / (s.right + s.wrong));
const recall = (s: Score) => (s.right + s.missed === 0 ? 1 : s.right / (s.right + s.missed));

function score(messages: Message[]) {
	const perKind = Object.fromEntries(KINDS.map((k) => [k, empty()])) as Record<Kind, Score>;
	const mistakes: string[] = [];
	for (const m of messages) {
		const expected = expectedOf(m);
		const problems = checkMessage(m.text, m.channel, rules);
		for (const kind of MISSING_KINDS) {
			const want = expected.some((e) => e.kind === kind);
			const got = problems.some((p) => p.kind === kind);
			if (want && got) perKind[kind].right++;
			else if (want) (perKind[kind].missed++, mistakes.push(`${m.id} ${kind}: missed`));
			else if (got) (perKind[kind].wrong++, mistakes.push(`${m.id} ${kind}: reported, but the message has it`));
		}
		for (const kind of SPAN_KINDS) {
			const quotes = expected.filter((e) => e.kind === kind).map((e) => occurrences(m.text, e.quote!));
			const spans = problems.filter((p) => p.kind === kind && p.span).map((p) => p.span!);
			quotes.forEach((q, i) => {
				if (spans.some((s) => q.some((o) => overlaps(s, o)))) perKind[kind].right++;
				else (perKind[kind].missed++, mistakes.push(`${m.id} ${kind}: missed "${expected.filter((e) => e.kind === kind)[i]!.quote}"`));
			});
			for (const s of spans)
				if (!quotes.some((q) => q.some((o) => overlaps(s, o)))) (perKind[kind].wrong++, mistakes.push(`${m.id} ${kind}: "${m.text.slice(s.start, s.end)}" is not one`));
		}
	}
	const overall = KINDS.reduce((t, k) => ({ right: t.right + perKind[k].right, wrong: t.wrong + perKind[k].wrong, missed: t.missed + perKind[k].missed }), empty());
	return { perKind, overall, mistakes };
}

const row = (name: string, s: Score) => `${name.padEnd(12)} ${String(s.right).padStart(5)} ${String(s.wrong).padStart(5)} ${String(s.missed).padStart(6)}   ${precision(s).toFixed(3)}   ${recall(s).toFixed(3)}`;
function report(title: string, r: ReturnType<typeof score>) {
	console.log([title, `kind         right false missed precision recall`, ...KINDS.map((k) => row(k, r.perKind[k])), row('overall', r.overall), '', 'mistakes:', ...(r.mistakes.length ? r.mistakes : ['none'])].join('\n'));
}

describe('the labelled set', () => {
	test('is at least 150 messages of every tone, on text, e-mail and call scripts, each quote copied from its text', () => {
		expect(messages.length).toBeGreaterThanOrEqual(150);
		for (const set of [messages, second, unseen]) {
			expect(new Set(set.map((m) => m.id)).size).toBe(set.length);
			for (const m of set)
				for (const e of expectedOf(m)) {
					if (e.quote !== null) expect(m.text.includes(e.quote), `${m.id}: "${e.quote}" is not in its text`).toBe(true);
					if (e.kind === 'opt_out') expect(['sms', 'email'], `${m.id}: only texts and e-mails need an opt-out`).toContain(m.channel);
				}
		}
		for (const tone of ['supportive', 'neutral', 'firm', 'harassing']) expect(messages.filter((m) => m.tone === tone).length, tone).toBeGreaterThanOrEqual(30);
		for (const channel of ['sms', 'email', 'call']) expect(messages.filter((m) => m.channel === channel).length, channel).toBeGreaterThanOrEqual(30);
		// both sides of each kind are in the set
		for (const kind of KINDS) expect(messages.some((m) => expectedOf(m).some((e) => e.kind === kind)), kind).toBe(true);
		expect(messages.filter((m) => m.expect.length === 0).length).toBeGreaterThanOrEqual(60);
	});

	test('the check reaches precision and recall of 0.95 overall, and on the disclosure and on threats', () => {
		const r = score(messages);
		report(`message check on ${messages.length} labelled messages (labelled.yaml)`, r);
		expect(precision(r.overall)).toBeGreaterThanOrEqual(0.95);
		expect(recall(r.overall)).toBeGreaterThanOrEqual(0.95);
		for (const kind of ['disclosure', 'threat'] as const) {
			expect(precision(r.perKind[kind]), `${kind} precision`).toBeGreaterThanOrEqual(0.95);
			expect(recall(r.perKind[kind]), `${kind} recall`).toBeGreaterThanOrEqual(0.95);
		}
	});

	test('and 0.95 overall on the second set', () => {
		const r = score(second);
		report(`message check on ${second.length} messages of the second set (holdout.yaml)`, r);
		expect(precision(r.overall)).toBeGreaterThanOrEqual(0.95);
		expect(recall(r.overall)).toBeGreaterThanOrEqual(0.95);
	});

	test('and 0.95 overall on the third set (its first run: precision 0.833, recall 0.625)', () => {
		const r = score(unseen);
		report(`message check on ${unseen.length} messages of the third set (unseen.yaml)`, r);
		expect(precision(r.overall)).toBeGreaterThanOrEqual(0.95);
		expect(recall(r.overall)).toBeGreaterThanOrEqual(0.95);
	});
});
