import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadPacks } from '../../src/lib/server/compliance/packs.ts';
import { actionLabel, humanize, packLabels, TRAIL_ACTION } from '../../src/lib/vocabulary.ts';
import { CHECKPOINT_ACTION } from '../../src/lib/server/trail/checkpoints.ts';
import { KEYED_ACTION } from '../../src/lib/server/trail/trail.ts';

test('every rule and pack of policies/ is labelled by its own title, never by its raw id', () => {
	const { packs, problems } = loadPacks('policies');
	expect(problems).toEqual([]);
	expect(packs.length).toBeGreaterThan(0);
	const labels = packLabels(packs.map((p) => ({ id: p.id, title: p.title, rules: p.rules })));
	for (const p of packs) {
		expect(labels.pack(p.id)).not.toContain(p.id);
		expect(labels.pack(p.id)).not.toMatch(/[_]/);
		for (const r of p.rules) {
			const l = labels.rule(p.id, r.id);
			expect(l, `${p.id}/${r.id}`).toBe(r.title);
			expect(l).not.toContain(r.id);
		}
	}
	expect(labels.pack('regulation-f')).toBe('Regulation F');
	// a pack or rule no pack knows (since removed) is words, not its id
	expect(labels.rule('gone', 'late_calls')).toBe('Late calls');
	expect(humanize('daily_call')).toBe('Daily call');
});

/** the source files under a folder */
function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? files(p) : /\.(ts|js|svelte)$/.test(f) ? [p] : [];
	});
}

test('every action the code records in the trail has a label', () => {
	const recorded = new Set<string>([CHECKPOINT_ACTION, KEYED_ACTION]);
	for (const f of [...files('src'), ...files('bin')]) {
		const text = readFileSync(f, 'utf8');
		if (!text.includes('recordTrail')) continue;
		for (const m of text.matchAll(/action: (?:[^,}]*\? )?'([a-z_.]+)'(?: : '([a-z_.]+)')?/g)) {
			recorded.add(m[1]!);
			if (m[2]) recorded.add(m[2]);
		}
	}
	expect(recorded.size).toBeGreaterThan(15);
	const known = new Set<string>(TRAIL_ACTION.values);
	const missing = [...recorded].filter((a) => !known.has(a));
	expect(missing).toEqual([]);
	for (const a of recorded) expect(actionLabel(a)).not.toMatch(/[_.]/);
});
