/**
 * Kaplan–Meier curves, bands, quantiles and quantile intervals against R's survival package
 * (survfit and quantile.survfit, defaults: log-scale 95% band): the fixture test/fixtures/km/km.json
 * was written by test/fixtures/km/make.R. Cases: R's aml data, a curve flat at the median that
 * then reaches 0, one flat at the median until the last time, two rows sharing a time (censored
 * row first), a fully censored sample, events at time 0, and a million units over a hundred days.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { kaplanMeier, kaplanMeierBand, kmQuantile, kmQuantileInterval, lastTime, type TimeCount } from '../../src/lib/stats/km.ts';

interface Case {
	name: string;
	rows: [number, number, number][];
	curve: { t: number[]; s: number[]; at_risk: number[]; events: number[]; lower: (number | null)[]; upper: (number | null)[] };
	probs: number[];
	quantile: (number | null)[];
	quantile_lower: (number | null)[];
	quantile_upper: (number | null)[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/km/km.json', import.meta.url), 'utf8')) as { generated_by: string; cases: Case[] };

const close = (a: number | null, b: number | null, where: string) => {
	if (b === null) expect(a === null || Number.isNaN(a), `${where}: expected none, got ${a}`).toBe(true);
	else expect(Math.abs((a as number) - b), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
};

describe(`Kaplan–Meier as R's survfit (${fixture.generated_by})`, () => {
	expect(fixture.cases.length).toBeGreaterThanOrEqual(7);
	for (const c of fixture.cases) {
		const rows: TimeCount[] = c.rows.map(([t, events, censored]) => ({ t, events, censored }));
		test(`${c.name}: the curve and its band`, () => {
			const band = kaplanMeierBand(rows);
			expect(band.map((p) => p.t)).toEqual(c.curve.t);
			expect(band.map((p) => p.atRisk)).toEqual(c.curve.at_risk);
			expect(band.map((p) => p.events)).toEqual(c.curve.events);
			band.forEach((p, i) => {
				close(p.s, c.curve.s[i]!, `s at ${p.t}`);
				close(p.lower, c.curve.lower[i]!, `lower at ${p.t}`);
				close(p.upper, c.curve.upper[i]!, `upper at ${p.t}`);
			});
		});
		test(`${c.name}: quantiles ${c.probs.join(', ')} and their intervals`, () => {
			const band = kaplanMeierBand(rows);
			const last = lastTime(rows);
			c.probs.forEach((q, i) => {
				close(kmQuantile(kaplanMeier(rows), q, last), c.quantile[i]!, `quantile ${q}`);
				const ci = kmQuantileInterval(band, q, last);
				close(ci.low, c.quantile_lower[i]!, `lower limit of quantile ${q}`);
				close(ci.high, c.quantile_upper[i]!, `upper limit of quantile ${q}`);
			});
		});
	}
	test('rows sharing a time give the curve of the merged row, in any order', () => {
		const a = kaplanMeier([
			{ t: 2, events: 0, censored: 3 },
			{ t: 2, events: 2, censored: 0 },
			{ t: 1, events: 1, censored: 0 }
		]);
		const b = kaplanMeier([
			{ t: 1, events: 1, censored: 0 },
			{ t: 2, events: 2, censored: 3 }
		]);
		expect(a).toEqual(b);
		expect(a[1]).toMatchObject({ t: 2, atRisk: 5, events: 2 });
	});
});
