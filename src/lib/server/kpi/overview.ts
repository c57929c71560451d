/** The Overview: the KPIs of a period next to those of the previous period of the same length. */
import type { Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { dataAsOf, kpiParamsSchema, kpiSummary, type KpiSummary } from './summary.ts';

export interface OverviewData {
	empty: boolean;
	/** the products and regions the filters offer */
	options: { product: string[]; region: string[] };
	current: KpiSummary | null;
	previous: KpiSummary | null;
	problems: string[];
}

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** the period and filters from a URL's query, with the defaults and the problems found */
export async function overviewParams(store: Store, query: Record<string, string>) {
	const asOf = await dataAsOf(store);
	if (!asOf) return { params: null, problems: [] as string[] };
	const defaults = { to: asOf, from: iso(Date.parse(asOf) - 89 * day) };
	const raw = {
		from: query.from || defaults.from,
		to: query.to || defaults.to,
		segment: query.segment || undefined,
		product: query.product || undefined,
		region: query.region || undefined,
		vulnerable: query.vulnerable === 'true' ? true : query.vulnerable === 'false' ? false : undefined
	};
	const parsed = kpiParamsSchema.safeParse(raw);
	const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`);
	const p = parsed.success ? parsed.data : kpiParamsSchema.parse(defaults);
	return { params: { ...p, as_of: asOf }, problems };
}

export async function overview(store: Store, query: Record<string, string>): Promise<OverviewData> {
	const { params: p, problems } = await overviewParams(store, query);
	if (!p) return { empty: true, options: { product: [], region: [] }, current: null, previous: null, problems: [] };
	const values = await store.rows<{ dimension: 'product' | 'region'; value: string }>(querySql('kpi/filter_values'));
	const options = { product: values.filter((v) => v.dimension === 'product').map((v) => v.value), region: values.filter((v) => v.dimension === 'region').map((v) => v.value) };
	const asOf = p.as_of;
	const len = Date.parse(p.to) - Date.parse(p.from) + day;
	const current = await kpiSummary(store, { ...p, as_of: asOf });
	const previous = await kpiSummary(store, { ...p, from: iso(Date.parse(p.from) - len), to: iso(Date.parse(p.from) - day), as_of: asOf });
	return { empty: false, options, current, previous, problems };
}
