/**
 * Policy packs as data: the four shipped packs are valid and apply by region; a bad pack gets
 * messages that name the file, the field and the problem.
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadPacks, packsFor } from '../../src/lib/server/compliance/packs.ts';

const dirs: string[] = [];
const temp = () => {
	const d = mkdtempSync(join(tmpdir(), 'curewise-packs-'));
	dirs.push(d);
	return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the shipped packs', () => {
	test('Regulation F, Massachusetts, New York City and Washington are valid', () => {
		const { packs, problems } = loadPacks();
		expect(problems).toEqual([]);
		expect(packs.map((p) => p.id)).toEqual(['regulation-f', 'us-ma', 'us-nyc', 'us-wa']);
		const regF = packs.find((p) => p.id === 'regulation-f')!;
		const sevenInSeven = regF.rules.find((r) => r.id === 'call_frequency_7_in_7');
		expect(sevenInSeven).toMatchObject({ type: 'frequency', limit: 7, window_days: 7, per: 'person_debt', kind: 'presumed_violation' });
		const ma = packs.find((p) => p.id === 'us-ma')!.rules[0]!;
		expect(ma).toMatchObject({ limit: 2, window_days: 7, counts: { channels: ['call', 'sms', 'ringless_voicemail'] } });
	});

	test('a pack applies by the account region; Regulation F everywhere', () => {
		const { packs } = loadPacks();
		expect(packsFor(packs, 'US-MA').map((p) => p.id)).toEqual(['regulation-f', 'us-ma']);
		expect(packsFor(packs, 'US-CA').map((p) => p.id)).toEqual(['regulation-f']);
		expect(packsFor(packs, 'US-WA').map((p) => p.id)).toEqual(['regulation-f', 'us-wa']);
	});
});

describe('a bad pack', () => {
	test('names the file, the field and the problem', () => {
		const dir = temp();
		copyFileSync(join('policies', 'us-ma.yaml'), join(dir, 'us-ma.yaml'));
		writeFileSync(
			join(dir, 'broken.yaml'),
			['id: broken', 'version: 0', 'title: x', 'applies_to: [Massachusetts]', 'effective_from: 2026-01-01', 'rules:', '  - id: r1', '    type: frequency', '    title: t', '    citation: c', '    kind: illegal', '    limit: 2', '    window_days: 7', '    per: debt', '    counts: { channels: [fax] }', '  - id: r1', '    type: time_of_day', '    title: t', '    citation: c', '    kind: violation', "    allowed_from: '21:00'", "    allowed_until: '08:00'", '    counts: { channels: [call] }'].join('\n')
		);
		writeFileSync(join(dir, 'other-name.yaml'), 'id: something-else\nversion: 1\ntitle: t\napplies_to: all\neffective_from: 2026-01-01\nrules:\n  - {id: a, type: after_cease, title: t, citation: c, kind: violation, counts: {channels: [call]}}\n');
		writeFileSync(join(dir, 'syntax.yaml'), 'id: x\n  version: [1\n');
		const { packs, problems } = loadPacks(dir);
		expect(packs.map((p) => p.id)).toEqual(['us-ma']);
		const messages = problems.flatMap((p) => p.messages);
		expect(messages).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^broken\.yaml: version: /),
				'broken.yaml: version: version starts at 1',
				'broken.yaml: applies_to.0: a region is an ISO 3166-2 code like US-MA',
				'broken.yaml: rules.0.kind: kind is presumed_violation, violation or risk_flag',
				expect.stringMatching(/^broken\.yaml: rules\.0\.counts\.channels\.0: channels are call, sms/),
				'other-name.yaml: the file of pack something-else must be named something-else.yaml',
				expect.stringMatching(/^syntax\.yaml: not valid YAML \(line \d+\)/)
			])
		);
		// the refinements run once the fields themselves are valid
		writeFileSync(join(dir, 'broken.yaml'), ['id: broken', 'version: 1', 'title: x', 'applies_to: all', 'effective_from: 2026-01-01', 'rules:', '  - {id: r1, type: after_cease, title: t, citation: c, kind: violation, counts: {channels: [call]}}', "  - {id: r1, type: time_of_day, title: t, citation: c, kind: violation, allowed_from: '21:00', allowed_until: '08:00', counts: {channels: [call]}}"].join('\n'));
		const again = loadPacks(dir).problems.flatMap((p) => p.messages);
		expect(again).toEqual(expect.arrayContaining(['broken.yaml: rules.1.id: rule id r1 is used twice', 'broken.yaml: rules.1.allowed_until: allowed_until must be after allowed_from']));
	});
});

describe('pack messages name the field and say what it must be', () => {
	test('a limit written as a word, a window over 31 days', async () => {
		const { packSchema, describePackIssues } = await import('../../src/lib/compliance/packs.ts');
		const r = packSchema.safeParse({
			id: 'x', version: 1, title: 'X', applies_to: 'all', effective_from: '2026-01-01',
			rules: [{ id: 'r', type: 'frequency', title: 'T', citation: 'C', kind: 'violation', limit: 'two', window_days: 99, per: 'debt', counts: { channels: ['call'] } }]
		});
		expect(r.success).toBe(false);
		expect(describePackIssues(r.error!, 'x.yaml')).toEqual(['x.yaml: rules.0.limit: limit is a whole number', 'x.yaml: rules.0.window_days: window_days is at most 31']);
	});
});
