/**
 * The Overview's chart and table data, as named queries with zod-checked parameters: the
 * endpoint /overview/data/<name> serves them as Arrow IPC (JSON on request). A name that is
 * not in CHART_QUERIES is refused; no SQL ever comes from a request.
 */
import { z } from 'zod';
import { kaplanMeier, kmCumulativeAt } from '../../stats/km.ts';
import type { Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { kpiParamsSchema } from './summary.ts';

export type Columns = Record<string, (string | number | null)[]>;

const n = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

const filterArgs = (p: z.infer<typeof kpiParamsSchema>) => ({
	from: p.from,
	to: p.to,
	segment: p.segment ?? null,
	product: p.product ?? null,
	region: p.region ?? null,
	vulnerable: p.vulnerable ?? null
});

/** cure curves: the share of each monthly cohort cured by day d (Kaplan–Meier), d = 0…120 */
async function cureCurves(store: Store, p: z.infer<typeof kpiParamsSchema> & { as_of: string }): Promise<Columns> {
	const rows = await store.rows<{ cohort: unknown; t: number; events: number; censored: number }>(querySql('kpi/cure_by_cohort'), {
		...filterArgs(p),
		as_of: p.as_of
	});
	const cohorts = [...new Set(rows.map((r) => iso(r.cohort)))];
	const out: Columns = { cohort: [], day: [], cured_share: [] };
	for (const c of cohorts) {
		const mine = rows.filter((r) => iso(r.cohort) === c);
		const curve = kaplanMeier(mine.map((r) => ({ t: n(r.t), events: n(r.events), censored: n(r.censored) })));
		// a cohort is drawn only while enough of it is still observed: at least 20 episodes, and
		// 5% of the cohort, at risk (a curve's tail over a handful of episodes only jumps)
		const size = mine.reduce((sum, r) => sum + n(r.events) + n(r.censored), 0);
		const minAtRisk = Math.max(20, Math.ceil(size * 0.05));
		let maxDay = -1;
		for (let d = 0; d <= 120; d++) {
			const atRisk = mine.filter((r) => n(r.t) >= d).reduce((sum, r) => sum + n(r.events) + n(r.censored), 0);
			if (atRisk < minAtRisk) break;
			maxDay = d;
		}
		for (let d = 0; d <= maxDay; d++) {
			out.cohort!.push(c);
			out.day!.push(d);
			out.cured_share!.push(kmCumulativeAt(curve, d));
		}
	}
	return out;
}

/** the monthly trend of the cure rates: per cohort month, mature episodes only (null: provisional) */
async function cureTrend(store: Store, p: z.infer<typeof kpiParamsSchema> & { as_of: string }): Promise<Columns> {
	const rows = await store.rows<Record<string, unknown>>(querySql('kpi/cure_trend'), { ...filterArgs(p), as_of: p.as_of });
	const ratio = (a: unknown, b: unknown) => (n(b) > 0 ? n(a) / n(b) : null);
	return {
		cohort: rows.map((r) => iso(r.cohort)),
		episodes: rows.map((r) => n(r.episodes)),
		cure_rate_30d: rows.map((r) => ratio(r.cured_30, r.mature_30)),
		cure_rate_60d: rows.map((r) => ratio(r.cured_60, r.mature_60)),
		provisional: rows.map((r) => (n(r.mature_30) < n(r.episodes) ? 1 : 0))
	};
}

export const DIMENSIONS = ['segment', 'product', 'region'] as const;

async function breakdown(store: Store, p: z.infer<typeof kpiParamsSchema> & { as_of: string; dimension: (typeof DIMENSIONS)[number] }): Promise<Columns> {
	const sql = querySql('kpi/breakdown').replaceAll('{{dimension}}', p.dimension); // from the allow-list above
	const rows = await store.rows<Record<string, unknown>>(sql, { from: p.from, to: p.to, as_of: p.as_of, vulnerable: p.vulnerable ?? null });
	const ratio = (a: unknown, b: unknown, k = 1) => (n(b) > 0 ? (n(a) / n(b)) * k : null);
	return {
		[p.dimension]: rows.map((r) => String(r.value)),
		cure_rate_30d: rows.map((r) => ratio(r.cured_30, r.mature_30)),
		cure_rate_60d: rows.map((r) => ratio(r.cured_60, r.mature_60)),
		mature_episodes_30d: rows.map((r) => n(r.mature_30)),
		accounts_contacted: rows.map((r) => n(r.accounts_contacted)),
		outbound_contacts: rows.map((r) => n(r.outbound_contacts)),
		complaints_per_1k_contacted: rows.map((r) => ratio(r.complaints, r.accounts_contacted, 1000))
	};
}

const withAsOf = kpiParamsSchema.and(z.object({ as_of: z.string() }));

export const CHART_QUERIES = {
	cure_curves: { params: withAsOf, run: cureCurves },
	cure_trend: { params: withAsOf, run: cureTrend },
	breakdown: {
		params: withAsOf.and(z.object({ dimension: z.enum(DIMENSIONS, { error: `dimension must be one of ${DIMENSIONS.join(', ')}` }) })),
		run: breakdown
	}
} as const;

export type ChartQueryName = keyof typeof CHART_QUERIES;
export const chartQueryNameSchema = z.enum(Object.keys(CHART_QUERIES) as [ChartQueryName, ...ChartQueryName[]], {
	error: `unknown query; the queries are ${Object.keys(CHART_QUERIES).join(', ')}`
});

export class ChartParamsError extends Error {}

export async function runChartQuery(store: Store, name: ChartQueryName, raw: Record<string, unknown>): Promise<Columns> {
	const q = CHART_QUERIES[name];
	const parsed = q.params.safeParse(raw);
	if (!parsed.success) throw new ChartParamsError(parsed.error.issues.map((i) => `${i.path.join('.') || 'parameters'}: ${i.message}`).join('; '));
	return (q.run as (s: Store, p: unknown) => Promise<Columns>)(store, parsed.data);
}
