import { z } from 'zod';
import { KPIS } from '../../lib/kpis.ts';
import { Store } from '../../lib/server/db/store.ts';
import { dataAsOf, kpiSummary } from '../../lib/server/kpi/summary.ts';
import { parse, UsageError } from '../args.ts';

export const usage = `usage: curewise kpis [--db FILE] [--from DATE] [--to DATE] [--as-of DATE] [--segment S] [--json]

Prints the KPIs of the Overview for the episodes and contacts of a period (default: the 90
days up to the data's as-of date), judged at --as-of (default: the data's as-of date).
--json prints {from, to, as_of, filters, kpis: {name: {value, numerator, denominator, provisional}}}
with the names of the KPI catalogue (cure_rate_30d, days_to_pay_median, ...).`;

const fmt = (name: string, v: number | null) => {
	if (v === null) return 'no data';
	const def = KPIS.find((k) => k.name === name)!;
	if (def.format === 'percent') return `${(v * 100).toFixed(1)}%`;
	if (def.format === 'per_1k' || def.format === 'per_10k') return v.toFixed(1);
	return String(Math.round(v * 10) / 10);
};

export async function run(argv: string[]): Promise<number> {
	const { values } = parse(
		argv,
		{ db: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'as-of': { type: 'string' }, segment: { type: 'string' }, json: { type: 'boolean', default: false } },
		z.object({ db: z.string().optional(), from: z.string().optional(), to: z.string().optional(), 'as-of': z.string().optional(), segment: z.string().optional(), json: z.boolean() }),
		usage
	);
	const store = await Store.open({ path: values.db });
	try {
		const asOf = values['as-of'] ?? (await dataAsOf(store));
		if (!asOf) {
			process.stderr.write('the store holds no data yet: import some with curewise import, or make a demo store with curewise demo\n');
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
			process.stdout.write(JSON.stringify(s, null, 2) + '\n');
			return 0;
		}
		process.stdout.write(`KPIs for episodes and contacts from ${s.from} to ${s.to}, as of ${s.as_of}${values.segment ? `, segment ${values.segment}` : ''}\n\n`);
		for (const def of KPIS) {
			const k = s.kpis[def.name]!;
			const ci = k.low !== undefined || k.high !== undefined ? `  95% CI ${k.low ?? '?'}–${k.high ?? '?'}` : '';
			const parts = (k.denominator !== undefined ? `  (${+k.numerator!.toFixed(4)} / ${k.denominator})` : '') + ci;
			process.stdout.write(`${def.name.padEnd(30)} ${fmt(def.name, k.value).padStart(9)}${parts}${k.provisional ? '  provisional' : ''}\n`);
		}
		return 0;
	} finally {
		await store.close();
	}
}
