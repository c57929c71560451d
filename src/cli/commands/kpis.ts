import { z } from 'zod';
import { KPIS } from '../../lib/kpis.ts';
import { explainableKpi, explainCompare, ExplainInputError, explainKpi, RATIO_KPIS, type Explanation } from '../../lib/server/kpi/explain.ts';
import { dataAsOf } from '../../lib/server/kpi/as-of.ts';
import { kpiSummary } from '../../lib/server/kpi/values.ts';
import { parse, UsageError } from '../args.ts';
import { localIo, type Io } from '../io.ts';

export const usage = `usage: curewise kpis [--db FILE] [--from DATE] [--to DATE] [--as-of DATE] [--segment S] [--json]
       curewise kpis --explain KPI [--compare previous|year] [--db FILE] [--from DATE] [--to DATE] [--segment S] [--json]

Prints the KPIs of the Overview for the episodes and contacts of a period (default: the 90
days up to the data's as-of date), judged at --as-of (default: the data's as-of date).
--json prints {from, to, as_of, filters, kpis: {name: {value, numerator, denominator, provisional}}}
with the names of the KPI catalogue (cure_rate_30d, days_to_pay_median, ...).

--explain KPI says why a ratio KPI moved against --compare previous (the period of the same
length just before, the default) or year (the same days a year before): the change split by
segment, product and region into mix (the population shifted between the groups) and rate
(the KPI moved inside them), which add up to the change exactly; the sentence names the
largest contributions. --json prints the whole decomposition. KPIs that can be explained:
${RATIO_KPIS.join(', ')}.`;
const fmt = (name: string, v: number | null) => {
	if (v === null) return 'no data';
	const def = KPIS.find((k) => k.name === name)!;
	if (def.format === 'percent') return `${(v * 100).toFixed(1)}%`;
	if (def.format === 'per_1k' || def.format === 'per_10k') return v.toFixed(1);
	return String(Math.round(v * 10) / 10);
};

export async function run(argv: string[], io: Io = localIo): Promise<number> {
	const { values } = parse(
		argv,
		{
			db: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			'as-of': { type: 'string' },
			segment: { type: 'string' },
			explain: { type: 'string' },
			compare: { type: 'string' },
			json: { type: 'boolean', default: false }
		},
		z.object({
			db: z.string().optional(),
			from: z.string().optional(),
			to: z.string().optional(),
			'as-of': z.string().optional(),
			segment: z.string().optional(),
			explain: z.string().optional(),
			compare: z.string().optional(),
			json: z.boolean()
		}),
		usage
	);
	if (values.explain !== undefined || values.compare !== undefined) return explain(values, io);
	return io.withStore({ path: values.db }, async (store) => {
		const asOf = values['as-of'] ?? (await dataAsOf(store));
		if (!asOf) {
			io.err('the store holds no data yet: import some with curewise import, or make a demo store with curewise demo\n');
			return 1;
		}
		const to = values.to ?? asOf;
		const from = values.from ?? new Date(Date.parse(to + 'T00:00:00Z') - 89 * 86_400_000).toISOString().slice(0, 10);
		let s;
		try {
			s = await kpiSummary(store, { from, to, as_of: asOf, segment: values.segment as 'retail' | undefined });
		} catch (e) {
			if (e instanceof z.ZodError) throw new UsageError(e.issues.map((i) => `--${String(i.path[0] ?? '').replace('as_of', 'as-of')}: ${i.message}`).join('\n') + '\n\n' + usage);
			throw e;
		}
		if (values.json) {
			io.out(JSON.stringify(s, null, 2) + '\n');
			return 0;
		}
		io.out(`KPIs for episodes and contacts from ${s.from} to ${s.to}, as of ${s.as_of}${values.segment ? `, segment ${values.segment}` : ''}\n\n`);
		for (const def of KPIS) {
			const k = s.kpis[def.name]!;
			const ci = k.low !== undefined || k.high !== undefined ? `  95% CI ${k.low ?? '?'}–${k.high ?? '?'}` : '';
			const parts = (k.denominator !== undefined ? `  (${+k.numerator!.toFixed(4)} / ${k.denominator})` : '') + ci;
			io.out(`${def.name.padEnd(30)} ${fmt(def.name, k.value).padStart(9)}${parts}${k.provisional ? '  provisional' : ''}\n`);
		}
		return 0;
	});
}

/** a change in the KPI's display unit, with its sign: +1.4 (points), -0.8 (per 1,000) */
function signed(format: string, x: number): string {
	const v = format === 'percent' ? x * 100 : x;
	const a = Math.abs(v);
	if (a === 0) return '0.0';
	if (a < 0.005) return '~0';
	return `${v > 0 ? '+' : '-'}${a.toFixed(a < 0.05 ? 2 : 1)}`;
}

async function explain(
	values: { db?: string; from?: string; to?: string; 'as-of'?: string; segment?: string; explain?: string; compare?: string; json: boolean },
	io: Io
): Promise<number> {
	// the KPI and the comparison are checked before the store is opened
	const check = (option: string, f: () => unknown) => {
		try {
			f();
		} catch (e) {
			if (e instanceof ExplainInputError) throw new UsageError(`--${option}: ${e.message}\n\n${usage}`);
			throw e;
		}
	};
	if (values.explain === undefined) throw new UsageError(`--compare goes with --explain KPI\n\n${usage}`);
	check('explain', () => explainableKpi(values.explain));
	check('compare', () => explainCompare(values.compare));
	const input = {
		kpi: values.explain,
		compare: values.compare,
		...(values.from ? { from: values.from } : {}),
		...(values.to ? { to: values.to } : {}),
		...(values['as-of'] ? { as_of: values['as-of'] } : {}),
		...(values.segment ? { segment: values.segment as 'retail' } : {})
	};
	let e;
	try {
		e = await io.withStore({ path: values.db }, (store) => explainKpi(store, input));
	} catch (err) {
		// "from: not a real date; as_of: …" → "--from: not a real date; --as-of: …"
		if (err instanceof ExplainInputError) throw new UsageError(`${err.message.replace(/(^|; )(\w+):/g, (_, sep: string, k: string) => `${sep}--${k.replace('_', '-')}:`)}\n\n${usage}`);
		throw err;
	}
	if (values.json) {
		io.out(JSON.stringify(e, null, 2) + '\n');
		return e.available ? 0 : 1;
	}
	io.out(e.sentence + '\n');
	if (!e.available) return 1;
	printExplanation(e, io);
	return 0;
}

function printExplanation(e: Explanation, io: Io) {
	const unit = e.format === 'percent' ? 'percentage points' : e.unit;
	const value = (v: number | null) => fmt(e.kpi, v);
	io.out(
		`\n${e.label}: ${value(e.current)} from ${e.from} to ${e.to}${e.provisional.current ? ' (provisional)' : ''}, ` +
			`${value(e.previous)} from ${e.comparison.from} to ${e.comparison.to}${e.provisional.previous ? ' (provisional)' : ''}` +
			(e.change !== null ? `; change ${signed(e.format, e.change)} ${unit}` : '') +
			'\n'
	);
	if (e.change === null) return;
	const SHOWN = 5;
	for (const d of [...e.dimensions].sort((a, b) => Number(b.dimension === e.dimension) - Number(a.dimension === e.dimension))) {
		io.out(
			`\nBy ${d.dimension}: mix ${signed(e.format, d.total_mix)}, rate ${signed(e.format, d.total_rate)} (${unit}); the largest ${Math.min(SHOWN, d.groups.length)} of ${d.groups.length} groups\n`
		);
		const rows = d.groups.slice(0, SHOWN).map((g) => [g.key, signed(e.format, g.mix), signed(e.format, g.rate), signed(e.format, g.total)]);
		const head = [d.dimension.toUpperCase(), 'MIX', 'RATE', 'TOTAL'];
		const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
		for (const r of [head, ...rows]) io.out('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n');
		const rest = d.groups.slice(SHOWN);
		if (rest.length) io.out(`  (the other ${rest.length}: ${signed(e.format, rest.reduce((s, g) => s + g.total, 0))})\n`);
	}
}
