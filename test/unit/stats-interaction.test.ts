/**
 * interactionTest (the difference of two independent effects: a segment's against the rest's)
 * against scipy: test/fixtures/interaction/interaction.json, written by make_interaction.py beside
 * it, with Altman & Bland's (BMJ 2003) example of two relative risks, interaction p = 0.1.
 */
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { interactionTest } from '../../src/lib/stats/effects.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/interaction/interaction.json', import.meta.url), 'utf8')) as {
	generated_by: string;
	cases: { d1: number; se1: number; d2: number; se2: number; difference: number; se: number; z: number; p_value: number }[];
};

test(`the difference of two effects, its se and p (${fixture.generated_by})`, () => {
	for (const c of fixture.cases) {
		const r = interactionTest(c.d1, c.se1, c.d2, c.se2)!;
		expect(r.difference).toBeCloseTo(c.difference, 14);
		expect(Math.abs(r.se - c.se)).toBeLessThanOrEqual(1e-15 + 1e-13 * c.se);
		expect(Math.abs(r.pValue - c.p_value)).toBeLessThanOrEqual(1e-12 + 1e-9 * c.p_value);
	}
	// Altman & Bland's example: p ≈ 0.1
	expect(interactionTest(fixture.cases[0]!.d1, fixture.cases[0]!.se1, fixture.cases[0]!.d2, fixture.cases[0]!.se2)!.pValue).toBeCloseTo(0.1, 1);
	expect(interactionTest(0.1, 0, 0.2, 0)).toBeNull();
});
