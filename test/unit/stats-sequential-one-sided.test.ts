/**
 * The one-sided always-valid test (oneSidedMixtureTest) against values scipy computes without
 * its closed form (numerical integration of the half-normal mixture and root finding):
 * test/fixtures/sequential/one_sided.json, written by make_one_sided.py beside it. Also: it spends
 * its whole α on one side, where the two-sided test spends α/2.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { normalMixtureTest, oneSidedMixtureTest } from '../../src/lib/stats/sequential.ts';

interface Case { estimate: number; variance: number; tau2: number; alpha: number; lambda: number; p_value: number; lower: number }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sequential/one_sided.json', import.meta.url), 'utf8')) as { generated_by: string; cases: Case[] };

describe(`one-sided always-valid test (${fixture.generated_by})`, () => {
	for (const c of fixture.cases)
		test(`d̂ = ${c.estimate}, V = ${c.variance}, τ² = ${c.tau2}, α = ${c.alpha}`, () => {
			const r = oneSidedMixtureTest(c.estimate, c.variance, c.tau2, c.alpha);
			expect(Math.abs(r.lambda - c.lambda)).toBeLessThanOrEqual(1e-9 * c.lambda);
			expect(Math.abs(r.pValue - c.p_value)).toBeLessThanOrEqual(1e-9 * c.p_value);
			expect(Math.abs(r.lower - c.lower)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c.lower)));
		});

	test('tighter than the two-sided interval at the same α on its side, looser than the two-sided at 2α', () => {
		const one = oneSidedMixtureTest(2, 1, 1, 0.05);
		expect(one.lower).toBeGreaterThan(normalMixtureTest(2, 1, 1, 0.05).lower);
		expect(one.lower).toBeLessThan(normalMixtureTest(2, 1, 1, 0.1).lower);
		// the bound and the p-value are one test: the bound is above 0 exactly when p < α
		for (const d of [1, 2, 3, 3.5, 4, 5]) {
			const r = oneSidedMixtureTest(d, 1, 1, 0.05);
			expect(r.lower > 0, `d̂ = ${d}`).toBe(r.pValue < 0.05);
		}
	});

	test('no variance: the estimate is exact', () => {
		expect(oneSidedMixtureTest(0.3, 0, 1, 0.05)).toEqual({ lambda: Infinity, pValue: 0, lower: 0.3 });
		expect(oneSidedMixtureTest(-0.3, 0, 1, 0.05)).toEqual({ lambda: 0, pValue: 1, lower: -0.3 });
	});
});
