/**
 * The KPIs of kpis.md for a period and filters, each with its numerator and denominator where
 * it is a ratio: the one place that divides (kpisFromCounts), the Kaplan–Meier estimates, the
 * weekly or monthly trend and the Overview's two periods. The counts are counts.ts's. The CLI,
 * the Overview and its endpoints all call this module.
 */
import { kaplanMeier, kaplanMeierBand, kmQuantile, kmQuantileInterval, lastTime, type TimeCount } from '../../stats/km.ts';
import type { Store } from '../db/store.ts';
import { comparisonPeriod, type ComparisonId } from '../../periods.ts';
import { KPIS } from '../../metrics/catalogue.ts';
import { COUNTS, type CountName } from '../../metrics/counts.ts';
import { dataAsOf } from './as-of.ts';
import { addCounts, emptyCounts, rawCounts, summaryCounts, summaryUsable, type AccountDimension, type KpiCounts } from './counts.ts';
import { kpiParamsSchema, shownFilters, type KpiFilters, type KpiParams, type ParsedKpiParams as Parsed } from './params.ts';

export interface KpiValue {
	value: number | null;
	numerator?: number;
	denominator?: number;
	/** a 95% confidence interval, where one is computed */
	low?: number | null;
	high?: number | null;
	/** part of the period's cohort is not yet mature: the value covers only the mature part */
	provisional?: boolean;
}

export interface KpiSummary {
	from: string;
	to: string;
	as_of: string;
	filters: KpiFilters;
	/** where the counts came from: the summary tables or the raw tables */
	source: 'summary' | 'raw';
	kpis: Record<string, KpiValue>;
}

const ratio = (num: number, den: number, scale = 1, provisional?: boolean): KpiValue => ({
	value: den > 0 ? (num / den) * scale : null,
	numerator: num,
	denominator: den,
	...(provisional !== undefined ? { provisional } : {})
});

const n = (v: unknown) => Number(v ?? 0);

/**
 * The q-quantile of a distribution given as value → count: the smallest value whose
 * cumulative count reaches q of the total (the "inverse of the distribution function").
 */
export function histogramQuantile(hist: readonly { value: number; count: number }[], q: number): number | null {
	const sorted = [...hist].filter((h) => h.count > 0).sort((a, b) => a.value - b.value);
	const total = sorted.reduce((s, h) => s + h.count, 0);
	if (total === 0) return null;
	let cum = 0;
	for (const h of sorted) {
		cum += h.count;
		if (cum >= q * total - 1e-9) return h.value;
	}
	return sorted.at(-1)!.value;
}

/** the value of a named count of the catalogue (src/lib/metrics/counts.ts) in a set of counts */
export function countOf(c: KpiCounts, name: CountName, threshold: number): number {
	switch (COUNTS[name].grain) {
		case 'episode':
			return n(c.ep[name]);
		case 'account_week': {
			const weeks = c.load.filter((h) => name === 'account_weeks' || n(h.contacts) > threshold);
			return weeks.reduce((s, h) => s + n(h.account_weeks), 0);
		}
		default:
			return n(c.contacts[name as keyof KpiCounts['contacts']]);
	}
}

/**
 * The KPIs from their counts: the one place that divides, for every KPI of the catalogue
 * (src/lib/metrics/catalogue.ts) by its computation: a ratio of two named counts (provisional
 * when its denominator is a maturity and part of the period's episodes is not mature yet), a
 * Kaplan–Meier quantile, or a quantile of the contact-load distribution.
 */
export function kpisFromCounts(c: KpiCounts, threshold: number): Record<string, KpiValue> {
	const episodes = n(c.ep.episodes);
	const rows = (measure: string) => c.tte.filter((r) => r.measure === measure).map((r): TimeCount => ({ t: n(r.t), events: n(r.events), censored: n(r.censored) }));
	const hist = c.load.map((h) => ({ value: n(h.contacts), count: n(h.account_weeks) })).filter((h) => h.count > 0);
	const out: Record<string, KpiValue> = {};
	for (const k of KPIS) {
		const f = k.compute;
		if (f.kind === 'ratio') {
			const num = countOf(c, f.numerator, threshold);
			const den = countOf(c, f.denominator, threshold);
			const provisional = f.denominator.startsWith('mature_') ? episodes > den : undefined;
			out[k.name] = { value: den > 0 ? (num / den) * f.scale : null, numerator: num, denominator: den, ...(provisional !== undefined ? { provisional } : {}) };
		} else if (f.kind === 'km_quantile') {
			const r = rows(f.measure);
			if (r.length === 0) out[k.name] = { value: null };
			else if (!f.interval) out[k.name] = { value: kmQuantile(kaplanMeier(r), f.q, lastTime(r)) };
			else {
				const band = kaplanMeierBand(r);
				out[k.name] = { value: kmQuantile(band, f.q, lastTime(r)), ...kmQuantileInterval(band, f.q, lastTime(r)) };
			}
		} else if (f.kind === 'load_quantile') out[k.name] = { value: histogramQuantile(hist, f.q) };
		else if (f.kind === 'load_max') out[k.name] = { value: hist.length ? Math.max(...hist.map((h) => h.value)) : null };
	}
	return out;
}

export async function kpiSummary(store: Store, input: KpiParams, opts: { source?: 'auto' | 'raw' } = {}): Promise<KpiSummary> {
	const p = kpiParamsSchema.parse(input);
	const asOf = p.as_of ?? (await dataAsOf(store)) ?? p.to;
	const useSummary = opts.source !== 'raw' && (await summaryUsable(store, p, asOf));
	const counts = useSummary ? ((await summaryCounts(store, p, asOf, 'period', p.from)).get(p.from) ?? emptyCounts()) : await rawCounts(store, p, asOf);
	return { from: p.from, to: p.to, as_of: asOf, filters: shownFilters(p), source: useSummary ? 'summary' : 'raw', kpis: kpisFromCounts(counts, p.contact_threshold) };
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface KpiTrend {
	grain: 'week' | 'month';
	/** each bucket's first day (the first and last clipped to the period) */
	buckets: string[];
	kpis: Record<string, (number | null)[]>;
	/** buckets whose cohort is not yet mature for the 30-day cure rate */
	provisional: boolean[];
}

function bucketStarts(from: string, to: string, grain: 'week' | 'month'): string[] {
	const out: string[] = [];
	let d = Date.parse(from);
	const end = Date.parse(to);
	while (d <= end) {
		out.push(iso(d));
		const x = new Date(d);
		if (grain === 'week') d = d + ((8 - (x.getUTCDay() || 7)) % 7 || 7) * DAY;
		else d = Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 1);
	}
	return out;
}

function trendFrom(byBucket: Map<string, KpiCounts>, starts: string[], grain: 'week' | 'month', threshold: number): KpiTrend {
	const values = starts.map((b) => kpisFromCounts(byBucket.get(b) ?? emptyCounts(), threshold));
	const names = Object.keys(values[0] ?? kpisFromCounts(emptyCounts(), threshold));
	return {
		grain,
		buckets: starts,
		kpis: Object.fromEntries(names.map((k) => [k, values.map((v) => v[k]?.value ?? null)])),
		provisional: values.map((v) => v.cure_rate_30d?.provisional === true)
	};
}

/**
 * The whole calendar weeks of a weekly trend (Monday to Sunday, inside the period): the
 * sparklines leave out a first or last week the period cuts, which would otherwise end in a
 * cliff (a week of two days holds two days' contacts).
 */
export function wholeWeeks(t: KpiTrend, to: string): KpiTrend {
	const ends = [...t.buckets.slice(1).map((b) => Date.parse(b)), Date.parse(to) + DAY];
	const keep = t.buckets.map((b, i) => new Date(b).getUTCDay() === 1 && ends[i]! - Date.parse(b) === 7 * DAY);
	const pick = <T,>(xs: T[]) => xs.filter((_, i) => keep[i]);
	return { ...t, buckets: pick(t.buckets), kpis: Object.fromEntries(Object.entries(t.kpis).map(([k, v]) => [k, pick(v)])), provisional: pick(t.provisional) };
}

/** every KPI per calendar week or month of the period */
export async function kpiTrend(store: Store, input: KpiParams, grain: 'week' | 'month'): Promise<KpiTrend> {
	const p = kpiParamsSchema.parse(input);
	const asOf = p.as_of ?? (await dataAsOf(store)) ?? p.to;
	const starts = bucketStarts(p.from, p.to, grain);
	if (await summaryUsable(store, p, asOf)) return trendFrom(await summaryCounts(store, p, asOf, grain, p.from), starts, grain, p.contact_threshold);
	// the raw tables, one bucket at a time (filters on contacts or experiments)
	const byBucket = new Map<string, KpiCounts>();
	for (const [i, b] of starts.entries()) {
		const end = i + 1 < starts.length ? iso(Date.parse(starts[i + 1]!) - DAY) : p.to;
		byBucket.set(b, await rawCounts(store, { ...p, from: b, to: end }, asOf));
	}
	return trendFrom(byBucket, starts, grain, p.contact_threshold);
}

export interface KpiPeriods {
	current: KpiSummary;
	/** the period the current one is compared with (src/lib/periods.ts comparisonPeriod) */
	comparison: KpiSummary;
	compare: ComparisonId;
	/** the current period's weekly values, for the sparklines; null on the raw path */
	weekly: KpiTrend | null;
	/** with a group: the counts of each period per value of that account attribute (the breakdown's), keyed `${period's first day}|${value}` */
	groups: Map<string, KpiCounts> | null;
}

/** the counts of one bucket added up over the values of an account attribute (they partition the accounts, so accounts contacted add up too) */
function sumGroups(byGroup: Map<string, KpiCounts>, bucket: string): KpiCounts {
	const parts = [...byGroup].filter(([k]) => k.startsWith(bucket + '|')).map(([, c]) => c);
	const total = addCounts(parts);
	total.contacts.accounts_contacted = parts.reduce((s, c) => s + c.contacts.accounts_contacted, 0);
	return total;
}

/**
 * The Overview's numbers: the period, the period it is compared with (the previous period of
 * the same length, or the same days a year before), and the period's weekly values. From the
 * summary tables: one pass over both periods as two buckets (the previous period ends the day
 * before; a year before is a pass of its own), grouped by `group` when the page's breakdown wants
 * it (the totals are the groups added up), and one pass over the period's weeks.
 */
export async function kpiPeriods(store: Store, input: KpiParams, compare: ComparisonId = 'previous', group: AccountDimension | null = null): Promise<KpiPeriods> {
	const p = kpiParamsSchema.parse(input);
	const asOf = p.as_of ?? (await dataAsOf(store)) ?? p.to;
	const cmp: Parsed = { ...p, ...comparisonPeriod(p, compare) };
	const make = (q: Parsed, source: 'summary' | 'raw', counts: KpiCounts): KpiSummary => ({
		from: q.from,
		to: q.to,
		as_of: asOf,
		filters: shownFilters(p),
		source,
		kpis: kpisFromCounts(counts, p.contact_threshold)
	});
	if (!(await summaryUsable(store, p, asOf))) {
		const [current, comparison] = [await rawCounts(store, p, asOf), await rawCounts(store, cmp, asOf)];
		return { current: make(p, 'raw', current), comparison: make(cmp, 'raw', comparison), compare, weekly: null, groups: null };
	}
	const adjacent = cmp.to === iso(Date.parse(p.from) - DAY);
	const [both, apart, weeks] = await Promise.all([
		summaryCounts(store, adjacent ? { ...p, from: cmp.from } : p, asOf, 'period', p.from, group),
		adjacent ? null : summaryCounts(store, cmp, asOf, 'period', cmp.from, group),
		summaryCounts(store, p, asOf, 'week', p.from)
	]);
	const groups = apart ? new Map([...both, ...apart]) : both;
	const total = (bucket: string) => (group ? sumGroups(groups, bucket) : (groups.get(bucket) ?? emptyCounts()));
	return {
		current: make(p, 'summary', total(p.from)),
		comparison: make(cmp, 'summary', total(cmp.from)),
		compare,
		weekly: wholeWeeks(trendFrom(weeks, bucketStarts(p.from, p.to, 'week'), 'week', p.contact_threshold), p.to),
		groups: group ? groups : null
	};
}
