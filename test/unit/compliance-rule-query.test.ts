/**
 * The audit's rule queries (ruleQuery in compliance/audit.ts): every value of a rule is a bound
 * parameter; the rule's channels and a regional pack's region numbers are also written in as
 * constants, for the scan to skip row groups, and only values of the contract's closed lists or
 * integers get there.
 */
import { describe, expect, test } from 'vitest';
import { CALL_OUTCOMES, CHANNELS, MESSAGE_OUTCOMES, PARTIES } from '../../src/lib/compliance/packs.ts';
import { ruleQuery } from '../../src/lib/server/compliance/audit.ts';
import { loadPacks } from '../../src/lib/server/compliance/packs.ts';

const codes = { party: PARTIES, channel: CHANNELS, outcome: [...CALL_OUTCOMES, ...MESSAGE_OUTCOMES] };
const { packs } = loadPacks();
const pack = (id: string) => packs.find((p) => p.id === id)!;
const rule = (packId: string, ruleId: string) => pack(packId).rules.find((r) => r.id === ruleId)!;

describe('ruleQuery', () => {
	test("writes the rule's channels in as enum constants; the other sets are bound", () => {
		const q = ruleQuery(pack('regulation-f'), rule('regulation-f', 'call_frequency_7_in_7'), codes);
		expect(q.sql).toContain(`c.channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel)`);
		expect(q.params.exclude_outcome_bits).toBe(['busy', 'not_in_service', 'wrong_number'].reduce((m, o) => m | (1 << codes.outcome.indexOf(o as never)), 0));
		expect(q.sql).not.toContain('{{');
		expect(q.sql).not.toContain('c.rg IN');
	});

	test("a regional pack's region numbers are written in; none in the data is a number no account has", () => {
		const ma = pack('us-ma');
		const r = ma.rules[0]!;
		expect(ruleQuery(ma, r, codes, [3, 5]).sql).toContain('c.rg IN (3, 5)');
		expect(ruleQuery(ma, r, codes, []).sql).toContain('c.rg IN (-1)');
	});

	test('a channel that is not a value of the index enum never reaches the query text', () => {
		const r = rule('regulation-f', 'inconvenient_hours');
		expect(() => ruleQuery(pack('regulation-f'), r, { ...codes, channel: ['call', 'sms'] })).toThrow(/email is not a value of contact_channel/);
	});
	test('a rule that counts every channel has no channel test; a set that is empty has no test', () => {
		const r = rule('regulation-f', 'inconvenient_hours');
		expect(r.counts.channels).toHaveLength(CHANNELS.length);
		const q = ruleQuery(pack('regulation-f'), r, codes);
		expect(q.sql).not.toContain('c.channel IN');
		expect(r.counts.exclude_outcomes).toHaveLength(0);
		expect(q.sql).not.toContain('$exclude_outcome_bits');
		expect(q.sql).not.toContain('$only_outcome_bits');
		// the 7-in-7 prong excludes outcomes and parties, and lists none
		const f = ruleQuery(pack('regulation-f'), rule('regulation-f', 'call_frequency_7_in_7'), codes);
		expect(f.sql).toContain('$exclude_outcome_bits');
		expect(f.sql).toContain('$exclude_party_bits');
		expect(f.sql).not.toContain('$only_outcome_bits');
		// repeat unanswered lists its outcomes
		expect(ruleQuery(pack('regulation-f'), rule('regulation-f', 'repeat_unanswered_calls'), codes).sql).toContain('$only_outcome_bits');
	});
});
