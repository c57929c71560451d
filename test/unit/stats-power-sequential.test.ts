/**
 * Sample size and MDE for the always-valid (sequential) analysis against test/fixtures/power/
 * sequential.json, written with scipy by make_power.py beside it (from the definition: power at
 * the planned end Φ((|δ| − h)/√V) with the confidence sequence's half-width h). The fixture's
 * Monte Carlo (60 looks, 4,000 runs) shows the sequential test reaching at least the planned
 * power over a whole run; the sequential design needs about twice the fixed one.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { mdeForMean, powerForProportion, sampleSizeForMean, sampleSizeForProportion } from '../../src/lib/stats/power.ts';

interface SampleCase { kind: 'proportion' | 'mean'; baseline?: number; sd?: number; delta: number; weights: number[]; alpha: number; power: number; per_arm: number[]; total_continuous: number; fixed_total_continuous?: number }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/power/sequential.json', import.meta.url), 'utf8')) as {
	generated_by: string;
	sample_sizes: SampleCase[];
	mdes: { sd: number; total: number; alpha: number; power: number; mde: number }[];
};

describe(`sequential designs (${fixture.generated_by})`, () => {
	for (const c of fixture.sample_sizes)
		test(`${c.kind}: δ = ${c.delta}, weights ${c.weights.join(':')}, α = ${c.alpha}, power ${c.power}`, () => {
			const opts = { alpha: c.alpha, power: c.power, weights: c.weights, analysis: 'sequential' as const };
			const r = c.kind === 'proportion' ? sampleSizeForProportion(c.baseline!, { absolute: c.delta }, opts) : sampleSizeForMean({ sd: c.sd! }, { absolute: c.delta }, opts);
			expect(r.perArm).toEqual(c.per_arm);
			if (c.fixed_total_continuous) {
				const f = sampleSizeForProportion(c.baseline!, { absolute: c.delta }, { ...opts, analysis: 'fixed' });
				expect(f.perArm).toEqual(c.weights.map((w) => Math.ceil((c.fixed_total_continuous! * w) / c.weights.reduce((a, b) => a + b, 0) - 1e-9)));
				// the always-valid analysis needs well over the fixed-horizon sample for the same power
				expect(r.total / f.total).toBeGreaterThan(1.5);
			}
		});
	for (const m of fixture.mdes)
		test(`MDE of a mean: sd ${m.sd}, ${m.total} units, power ${m.power}`, () => {
			const got = mdeForMean(m.sd, m.total, { alpha: m.alpha, power: m.power, analysis: 'sequential' });
			expect(Math.abs(got - m.mde)).toBeLessThanOrEqual(1e-12 * m.mde);
			expect(got).toBeGreaterThan(mdeForMean(m.sd, m.total, { alpha: m.alpha, power: m.power }));
		});
	test('the power reached so far: the planned power at the planned sample, less before it', () => {
		for (const c of fixture.sample_sizes.filter((x) => x.kind === 'proportion' && x.weights.length === 2 && x.weights[0] === x.weights[1])) {
			for (const analysis of ['sequential', 'fixed'] as const) {
				const plan = sampleSizeForProportion(c.baseline!, { absolute: c.delta }, { alpha: c.alpha, power: c.power, analysis });
				const [nc, nt] = plan.perArm as [number, number];
				const at = powerForProportion(c.baseline!, c.delta, nc, nt, { alpha: c.alpha, analysis })!;
				expect(at).toBeGreaterThanOrEqual(c.power);
				expect(at).toBeLessThan(c.power + 0.001);
				expect(powerForProportion(c.baseline!, c.delta, Math.round(nc / 2), Math.round(nt / 2), { alpha: c.alpha, analysis })!).toBeLessThan(c.power - 0.1);
			}
		}
		expect(powerForProportion(0.4, 0.03, 0, 100)).toBeNull();
	});
});
