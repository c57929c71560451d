/**
 * What changed (src/lib/server/kpi/explain.ts) on a demo store (2,000 accounts, a year of
 * data): for ratio KPIs against the previous period and a year before, the change equals the
 * KPI of each period computed on its own by kpiSummary, and every dimension's mix and rate add
 * up to it; the sentence names the largest contributions in the KPI's unit; bad requests get
 * a clear error; filters the summary tables cannot take make it unavailable. Then the CLI:
 * `curewise kpis --explain KPI --compare … [--json]`.
 */
import { dimensionValueLabel } from '../../src/lib/vocabulary.ts';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { run } from '../../src/cli/commands/kpis.ts';
import { KPIS } from '../../src/lib/kpis.ts';
import { comparisonPeriod } from '../../src/lib/periods.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { ExplainInputError, explainKpi, explanationSentence, RATIO_KPIS, type Explanation } from '../../src/lib/server/kpi/explain.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiSummary } from '../../src/lib/server/kpi/values.ts';
import { refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let AS_OF: string;

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 11, outDir: join(t.dir, 'demo') });
	AS_OF = (await dataAsOf(t.store))!;
}, 120_000);
afterAll(() => t.close());

const explained = async (input: Parameters<typeof explainKpi>[1]) => {
	const e = await explainKpi(t.store, input);
	if (!e.available) throw new Error(`unavailable: ${e.reason}`);
	return e;
};

/** |a − b| within 1e-12 of the KPI's size */
function expectSame(a: number, b: number, size: number, what: string) {
	expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(size)));
}

describe('the change and its decomposition', () => {
	const cases = [
		// previous: the default period (the 90 days up to the as-of date) and the 90 days before
		{ compare: 'previous' as const },
		// year: a period whose year-before overlaps the demo's first months (it starts 2025-07-01)
		{ compare: 'year' as const, from: '2026-05-01', to: '2026-07-31' }
	];
	for (const kpi of ['cure_rate_30d', 'right_party_contact_rate', 'complaints_per_1k_contacted'])
		for (const c of cases)
			test(`${kpi} against ${c.compare}`, async () => {
				const e = await explained({ kpi, ...c });
				const from = c.from ?? new Date(Date.parse(AS_OF) - 89 * 86_400_000).toISOString().slice(0, 10);
				const to = c.to ?? AS_OF;
				expect([e.from, e.to]).toEqual([from, to]);
				expect(e.comparison).toEqual(comparisonPeriod({ from, to }, c.compare));
				expect(e.compare).toBe(c.compare);
				// each period on its own, as the tiles compute it
				const cur = await kpiSummary(t.store, { from, to });
				const prev = await kpiSummary(t.store, e.comparison);
				expect(cur.source).toBe('summary');
				const k1 = cur.kpis[kpi]!;
				const k0 = prev.kpis[kpi]!;
				expect(k1.value).not.toBeNull();
				expect(k0.value).not.toBeNull();
				const size = Math.max(Math.abs(k1.value!), Math.abs(k0.value!));
				expectSame(e.current!, k1.value!, size, 'current');
				expectSame(e.previous!, k0.value!, size, 'previous');
				expect(e.change).not.toBeNull();
				expectSame(e.change!, k1.value! - k0.value!, size, 'change');
				expect(e.counts.current.denominator).toBe(k1.denominator);
				expect(e.counts.previous.denominator).toBe(k0.denominator);
				expect(e.counts.current.numerator).toBeCloseTo(k1.numerator!, 9);
				// every dimension: the groups partition the counts, and mix + rate is the change
				expect(e.dimensions.map((d) => d.dimension)).toEqual(['segment', 'product', 'region']);
				for (const d of e.dimensions) {
					expect(d.groups.reduce((s, g) => s + g.den1, 0), d.dimension).toBe(k1.denominator);
					expect(d.groups.reduce((s, g) => s + g.den0, 0), d.dimension).toBe(k0.denominator);
					expectSame(d.total, k1.value! - k0.value!, size, `${d.dimension} total`);
					expectSame(d.total_mix + d.total_rate, k1.value! - k0.value!, size, `${d.dimension} mix + rate`);
					expectSame(
						d.groups.reduce((s, g) => s + g.mix + g.rate, 0),
						k1.value! - k0.value!,
						size,
						`${d.dimension} Σ groups`
					);
					for (const g of d.groups) expect(g.total).toBe(g.mix + g.rate);
					const weights = d.groups.map((g) => Math.abs(g.mix) + Math.abs(g.rate));
					expect(weights, `${d.dimension} sorted`).toEqual([...weights].sort((a, b) => b - a));
					expect(d.groups.length).toBeGreaterThan(1);
				}
				// the sentence: the change in the KPI's unit, against the comparison, and its top contributions
				const def = KPIS.find((k) => k.name === kpi)!;
				const unit = def.format === 'percent' ? 'points?' : 'per 1,000';
				const against = c.compare === 'previous' ? 'the previous 90 days' : 'the same days a year before';
				expect(e.sentence).toMatch(new RegExp(`^${def.label.replace(/[()]/g, '\\$&')} (rose|fell) \\d+\\.\\d+ ${unit} against ${against}: \\d`));
				expect(e.sentence.includes(' fell ')).toBe(e.change! < 0);
				expect(e.top.length).toBeGreaterThan(0);
				expect(e.top.length).toBeLessThanOrEqual(3);
				for (const x of e.top) {
					expect(x.dimension).toBe(e.dimension);
					expect(e.sentence).toContain(x.text);
				}
				// the sentence's dimension holds the largest contribution in the change's direction
				const best = (dim: string) =>
					Math.max(...e.dimensions.find((d) => d.dimension === dim)!.groups.flatMap((g) => [g.mix, g.rate].map((x) => x * Math.sign(e.change!))));
				for (const d of e.dimensions) expect(best(e.dimension!)).toBeGreaterThanOrEqual(best(d.dimension));
				// the top contributions are the dimension's largest, with words that say their direction
				const x = e.top[0]!;
				const g = e.dimensions.find((d) => d.dimension === e.dimension)!.groups.find((gr) => gr.key === x.group)!;
				expect(x.effect).toBe(g[x.kind]);
				if (x.kind === 'rate') expect(x.words).toMatch(new RegExp(`^(${x.effect > 0 ? 'higher|more' : 'lower|fewer'}) .* within ${dimensionValueLabel(x.dimension, x.group)}$`));
				else expect(x.words).toMatch(new RegExp(`^a (${g.w1 > g.w0 ? 'larger' : 'smaller'}) share of `));
			});

	test('the worked example: a sentence a person reads', async () => {
		const e = await explained({ kpi: 'cure_rate_30d' });
		// the demo's 30-day cure fell in the last 90 days, mostly inside retail
		expect(e.sentence).toMatch(/^Cure rate \(30 days\) fell \d\.\d points against the previous 90 days: \d\.\d from lower cure within Retail/);
	});

	test('a filter on an account attribute is kept and narrows the counts', async () => {
		const e = await explained({ kpi: 'cure_rate_30d', segment: 'sme' });
		const cur = await kpiSummary(t.store, { from: e.from, to: e.to, segment: 'sme' });
		expect(e.filters).toEqual({ segment: 'sme' });
		expectSame(e.current!, cur.kpis.cure_rate_30d!.value!, 1, 'current with a filter');
		expect(e.dimensions.find((d) => d.dimension === 'segment')!.groups.map((g) => g.key)).toEqual(['sme']);
	});
});

describe('what it cannot explain', () => {
	test('the ratio KPIs are the catalogue\'s KPIs with a numerator and a denominator', async () => {
		const s = await kpiSummary(t.store, { from: '2026-04-01', to: '2026-06-30' });
		const ratios = Object.entries(s.kpis).filter(([, v]) => v.numerator !== undefined && v.denominator !== undefined).map(([k]) => k);
		expect([...RATIO_KPIS].sort()).toEqual(ratios.sort());
	});

	test('an unknown KPI, a KPI that is not a ratio, a bad comparison or period: a clear error', async () => {
		await expect(explainKpi(t.store, { kpi: 'cure_rate' })).rejects.toThrow(ExplainInputError);
		await expect(explainKpi(t.store, { kpi: 'cure_rate' })).rejects.toThrow(/unknown KPI "cure_rate".*cure_rate_30d.*right_party_contact_rate/);
		await expect(explainKpi(t.store, { kpi: 'days_to_pay_median' })).rejects.toThrow(/days_to_pay_median \(Days to pay \(median\)\) is not a ratio.*one of: cure_rate_30d/);
		await expect(explainKpi(t.store, { kpi: 'cure_rate_30d', compare: 'month' })).rejects.toThrow(/compare must be previous .* or year/);
		await expect(explainKpi(t.store, { kpi: 'cure_rate_30d', from: '2026-02-30', to: '2026-03-31' })).rejects.toThrow(/from: not a real date/);
	});

	test('a filter on contacts: explained from the summaries, adding up exactly', async () => {
		const e = await explainKpi(t.store, { kpi: 'right_party_contact_rate', channel: 'call', from: '2026-04-02', to: '2026-06-30' });
		expect(e.available).toBe(true);
		if (!e.available) return;
		const cur = (await kpiSummary(t.store, { from: '2026-04-02', to: '2026-06-30', channel: 'call' }, { source: 'raw' })).kpis.right_party_contact_rate!.value!;
		expect(e.current).toBeCloseTo(cur, 12);
		for (const d of e.dimensions) expect(d.total_mix + d.total_rate).toBeCloseTo(e.change!, 12);
	});

	test('an arm the summaries do not know yet: unavailable, and why (no scan of the raw tables)', async () => {
		await t.store.rows(`DELETE FROM kpi_arms`);
		try {
			const e = await explainKpi(t.store, { kpi: 'cure_rate_30d', experiment: 'supportive-reminder' });
			expect(e.available).toBe(false);
			expect(e.reason).toMatch(/do not know the arms of supportive-reminder yet/);
			expect(e.sentence).toBe(e.reason);
		} finally {
			await refreshSummaries(t.store);
		}
	});

	test('no data in the comparison period: said plainly, no decomposition', async () => {
		const e = await explained({ kpi: 'cure_rate_30d', from: '2024-10-01', to: '2024-12-31', compare: 'year' });
		expect(e.current).toBeNull();
		expect(e.change).toBeNull();
		expect(e.dimensions).toEqual([]);
		expect(e.top).toEqual([]);
		expect(e.reason).toMatch(/denominator is 0/);
		expect(e.sentence).toBe('Cure rate (30 days) has no data from 1 Oct 2024 to 31 Dec 2024 nor in the same days a year before (no episodes to count), so there is no change to explain.');
		const f = await explained({ kpi: 'complaints_per_1k_contacted', from: '2026-04-01', to: '2026-06-30', compare: 'year' });
		// the demo starts on 2025-07-01: nobody was contacted a year before
		expect(f.current).not.toBeNull();
		expect(f.previous).toBeNull();
		expect(f.sentence).toBe(
			'Complaints per 1,000 contacted has no data for the same days a year before (1 Apr 2025 to 30 Jun 2025: no accounts contacted to count), so there is no change to explain.'
		);
	});

	test('no change: said plainly', () => {
		const def = KPIS.find((k) => k.name === 'cure_rate_30d')!;
		const e: Pick<Explanation, 'current' | 'previous' | 'change' | 'top' | 'from' | 'to' | 'comparison'> = {
			current: 0.385,
			previous: 0.385,
			change: 0,
			top: [],
			from: '2026-04-01',
			to: '2026-06-30',
			comparison: { from: '2026-01-01', to: '2026-03-31' }
		};
		expect(explanationSentence(def, 'the previous 91 days', e)).toBe('Cure rate (30 days) did not change against the previous 91 days (38.5% both times).');
		const per1k = KPIS.find((k) => k.name === 'complaints_per_1k_contacted')!;
		const rose = explanationSentence(per1k, 'the previous 91 days', {
			...e,
			current: 5,
			previous: 4,
			change: 1,
			top: [
				{ dimension: 'segment', group: 'sme', kind: 'rate', effect: 1.25, words: 'more complaints within SME', text: '1.3 from more complaints within SME' },
				{ dimension: 'segment', group: 'retail', kind: 'rate', effect: -0.25, words: 'fewer complaints within Retail', text: '0.3 from fewer complaints within Retail' }
			]
		});
		expect(rose).toBe('Complaints per 1,000 contacted rose 1.0 per 1,000 against the previous 91 days: 1.3 from more complaints within SME; partly offset by 0.3 from fewer complaints within Retail.');
	});
});

describe('curewise kpis --explain', () => {
	const BIN = resolve('bin/curewise.js');
	let json: Explanation;

	/** runs the command in this process and returns what it printed */
	async function cli(argv: string[]) {
		let out = '';
		const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
			out += String(chunk);
			return true;
		});
		try {
			const code = await run(argv);
			return { code, out };
		} finally {
			spy.mockRestore();
		}
	}

	beforeAll(async () => {
		json = (await explained({ kpi: 'cure_rate_30d', compare: 'year', from: '2026-05-01', to: '2026-07-31' })) as Explanation;
		await t.store.close(); // the command opens the file itself
	});

	test('--json prints the explanation', async () => {
		const r = await cli(['--db', t.dbPath, '--explain', 'cure_rate_30d', '--compare', 'year', '--from', '2026-05-01', '--to', '2026-07-31', '--json']);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(json)));
	});

	test('text: the sentence, then the top contributors per dimension', async () => {
		const r = await cli(['--db', t.dbPath, '--explain', 'right_party_contact_rate']);
		expect(r.code).toBe(0);
		const lines = r.out.split('\n');
		expect(lines[0]).toMatch(/^Right-party contact rate (rose|fell) \d+\.\d+ points? against the previous 90 days: /);
		expect(r.out).toMatch(/\nRight-party contact rate: \d+\.\d% from .+; change [+-]\d+\.\d+ percentage points\n/);
		for (const d of ['segment', 'product', 'region']) expect(r.out).toMatch(new RegExp(`\\nBy ${d}: mix ([+-]\\d|~0|0\\.0)[^\\n]*\\n  ${d.toUpperCase()} +MIX +RATE +TOTAL\\n`));
		expect(r.out).toMatch(/\n {2}\(the other \d+: [+-~]/); // region has more groups than are shown
	});

	test('bad names: a usage error that names the allowed values (exit 2 from the command line)', async () => {
		await expect(cli(['--db', t.dbPath, '--explain', 'days_to_pay_median'])).rejects.toThrow(UsageError);
		await expect(cli(['--db', t.dbPath, '--explain', 'days_to_pay_median'])).rejects.toThrow(/--explain: days_to_pay_median .* is not a ratio.*cure_rate_30d, cure_rate_60d/);
		await expect(cli(['--db', t.dbPath, '--explain', 'cure_rate_30d', '--compare', 'quarter'])).rejects.toThrow(/--compare: compare must be previous .* or year/);
		await expect(cli(['--db', t.dbPath, '--compare', 'year'])).rejects.toThrow(/--compare goes with --explain KPI/);
		const r = spawnSync(process.execPath, [BIN, 'kpis', '--db', t.dbPath, '--explain', 'cure', '--json'], { encoding: 'utf8' });
		expect(r.status).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(/^curewise kpis: --explain: unknown KPI "cure"; What changed explains a ratio KPI, one of: cure_rate_30d, .*complaints_per_1k_contacted/);
	});
});
