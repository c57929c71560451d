/**
 * The always-valid confidence sequence of a Poisson rate ratio (poissonRateRatioSequence) against
 * scipy: test/fixtures/rate-ratio/sequence.json, written by make_sequence.py beside it (the same
 * mixture martingale, its ends found by brentq), with zero events in either arm. It is wider than
 * the fixed-horizon exact interval, which holds at one look only.
 */
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { poissonRateRatioSequence, poissonRateTest } from '../../src/lib/stats/rare.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/rate-ratio/sequence.json', import.meta.url), 'utf8')) as {
	generated_by: string;
	cases: { control: [number, number]; arm: [number, number]; alpha: number; lower: number; upper: number | null }[];
};

test(`the confidence sequence of a rate ratio (${fixture.generated_by})`, () => {
	for (const c of fixture.cases) {
		const ctl = { events: c.control[0], exposure: c.control[1] };
		const arm = { events: c.arm[0], exposure: c.arm[1] };
		const r = poissonRateRatioSequence(ctl, arm, c.alpha)!;
		const where = JSON.stringify(c);
		expect(Math.abs(r.lower - c.lower), where).toBeLessThanOrEqual(1e-9 * Math.max(1e-12, c.lower));
		if (c.upper === null) expect(r.upper, where).toBe(Infinity);
		else expect(Math.abs(r.upper - c.upper), where).toBeLessThanOrEqual(1e-9 * c.upper);
		// wider than the fixed-horizon exact interval
		const fixed = poissonRateTest(ctl, arm, { alpha: c.alpha })!;
		expect(r.lower, where).toBeLessThanOrEqual(fixed.lower);
		expect(r.upper, where).toBeGreaterThanOrEqual(fixed.upper);
	}
	expect(poissonRateRatioSequence({ events: 0, exposure: 10 }, { events: 0, exposure: 10 })).toBeNull();
	expect(poissonRateRatioSequence({ events: 1, exposure: 0 }, { events: 0, exposure: 10 })).toBeNull();
});
