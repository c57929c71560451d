/**
 * The KPIs of kpis.md for a period and filters, each with its numerator and denominator
 * where it is a ratio. The SQL in queries/kpi/ counts; this module divides and runs the
 * Kaplan–Meier estimates. The counts come from the summary tables (summaries.ts) while they
 * are fresh and the filters are on accounts only; otherwise from the raw tables. The CLI,
 * the Overview page and its endpoints all call this module.
 */
import { z } from 'zod';
import { kaplanMeier, kaplanMeierBand, kmQuantile, kmQuantileInterval, type TimeCount } from '../../stats/km.ts';
import type { Store } from '../db/store.ts';
import { storeOverview } from '../data/overview.ts';
import { querySql } from '../paths.ts';
import { freshSummaries } from './summaries.ts';
import { comparisonPeriod, type ComparisonId } from '../../periods.ts';
import { KPIS } from '../../metrics/catalogue.ts';
import { COUNTS, EPISODE_COUNT_NAMES, type CountName } from '../../metrics/counts.ts';

const CHANNELS = ['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail'] as const;
const TONES = ['supportive', 'neutral', 'firm'] as const;
const ident = (what: string) => z.string().regex(/^[\w.:-]{1,80}$/, { error: `${what} is an id of letters, digits, _ . : or -` });

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'dates are written YYYY-MM-DD' })
	.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')), { error: 'not a real date' });

export const kpiParamsSchema = z
	.object({
		from: isoDate,
		to: isoDate,
		as_of: isoDate.optional(),
		segment: z.enum(['retail', 'sme', 'corporate'], { error: 'segment must be retail, sme or corporate' }).optional(),
		product: z.string().regex(/^[\w-]{1,40}$/, { error: 'product is a word like card' }).optional(),
		region: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'region is an ISO 3166-2 code like US-MA' }).optional(),
		vulnerable: z.boolean().optional(),
		channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }).optional(),
		tone: z.enum(TONES, { error: `tone must be one of ${TONES.join(', ')}` }).optional(),
		template: ident('template').optional(),
		agent: ident('agent').optional(),
		experiment: ident('experiment').optional(),
		arm: ident('arm').optional(),
		contact_threshold: z.number().int().min(1).max(100).default(7)
	})
	.refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['from'] })
	.refine((p) => !p.arm || p.experiment, { error: 'an arm needs its experiment', path: ['arm'] });

/** the filters every KPI query takes, as bound parameters (NULL: no filter) */
export const FILTER_KEYS = ['segment', 'product', 'region', 'vulnerable', 'channel', 'tone', 'template', 'agent', 'experiment', 'arm'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
/** the filters on contacts; the others are on accounts (experiment and arm: the accounts assigned) */
export const CONTACT_FILTERS = ['channel', 'tone', 'template', 'agent'] as const satisfies readonly FilterKey[];

export function filterArgs(p: Partial<Record<FilterKey, string | boolean | undefined>>): Record<FilterKey, string | boolean | null> {
	return Object.fromEntries(FILTER_KEYS.map((k) => [k, p[k] ?? null])) as Record<FilterKey, string | boolean | null>;
}
export type KpiParams = z.input<typeof kpiParamsSchema>;

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

export type KpiFilters = Partial<Record<FilterKey, string | boolean>>;

export interface KpiSummary {
	from: string;
	to: string;
	as_of: string;
	filters: KpiFilters;
	/** where the counts came from: the summary tables or the raw tables */
	source: 'summary' | 'raw';
	kpis: Record<string, KpiValue>;
}

/** the counts behind every KPI, for one period (or bucket) */
export interface KpiCounts {
	/** the columns of queries/kpi/episodes.sql */
	ep: Record<string, number>;
	/** events and censored per measure and day (queries/kpi/time_to_event.sql) */
	tte: { measure: string; t: number; events: number; censored: number }[];
	contacts: {
		accounts_contacted: number;
		outbound_contacts: number;
		outbound_calls: number;
		conversations: number;
		complaints: number;
		complaints_via_regulator: number;
		opt_outs: number;
	};
	/** how many account-weeks had each number of outbound contacts */
	load: { contacts: number; account_weeks: number }[];
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
			else if (!f.interval) out[k.name] = { value: kmQuantile(kaplanMeier(r), f.q) };
			else {
				const band = kaplanMeierBand(r);
				out[k.name] = { value: kmQuantile(band, f.q), ...kmQuantileInterval(band, f.q) };
			}
		} else if (f.kind === 'load_quantile') out[k.name] = { value: histogramQuantile(hist, f.q) };
		else if (f.kind === 'load_max') out[k.name] = { value: hist.length ? Math.max(...hist.map((h) => h.value)) : null };
	}
	return out;
}

/** the data's as-of date: the latest date anywhere in the data */
export async function dataAsOf(store: Store): Promise<string | null> {
	const o = await storeOverview(store);
	return o.as_of ? o.as_of.slice(0, 10) : null;
}

type Parsed = z.infer<typeof kpiParamsSchema>;

const numbers = (r: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k !== 'bucket' && k !== 'grp').map(([k, v]) => [k, n(v)]));
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** the counts of one period from the raw tables (any filter, any as-of date) */
export async function rawCounts(store: Store, p: Parsed, asOf: string): Promise<KpiCounts> {
	const args = { from: p.from, to: p.to, as_of: asOf, ...filterArgs(p) };
	const [ep] = await store.rows<Record<string, unknown>>(querySql('kpi/episodes'), args);
	const [ct] = await store.rows<Record<string, unknown>>(querySql('kpi/contacts'), args);
	const load = await store.rows<{ contacts: number; account_weeks: number }>(querySql('kpi/contact_load'), args);
	const tte = await store.rows<{ measure: string; t: number; events: number; censored: number }>(querySql('kpi/time_to_event'), args);
	return { ep: numbers(ep), tte, contacts: numbers(ct) as KpiCounts['contacts'], load };
}

/** a row of named counts (a breakdown's) as KpiCounts: episode counts, contact and event counts */
export function countsOfRow(r: Record<string, unknown>): KpiCounts {
	const c = emptyCounts();
	for (const k of EPISODE_COUNT_NAMES) c.ep[k] = n(r[k]);
	for (const k of Object.keys(c.contacts) as (keyof KpiCounts['contacts'])[]) c.contacts[k] = n(r[k]);
	return c;
}

export const emptyCounts = (): KpiCounts => ({
	ep: {},
	tte: [],
	contacts: { accounts_contacted: 0, outbound_contacts: 0, outbound_calls: 0, conversations: 0, complaints: 0, complaints_via_regulator: 0, opt_outs: 0 },
	load: []
});

export type Grain = 'period' | 'week' | 'month';

/** a summary query grouped by nothing or by an account attribute from the allow-list (never from a request) */
const summarySql = (name: string, group: AccountDimension | null) =>
	querySql(name).replaceAll('{{group}}', group && ACCOUNT_DIMENSIONS.includes(group) ? group : 'NULL');

/** the account attributes a breakdown can group by, from the summary tables */
export const ACCOUNT_DIMENSIONS = ['segment', 'product', 'region'] as const;
export type AccountDimension = (typeof ACCOUNT_DIMENSIONS)[number];

/**
 * The counts per bucket from the summary tables: grain 'period' gives [from, split − 1] and
 * [split, to]; 'week' and 'month' cut those into calendar weeks or months. Keys are the
 * buckets' first days. Only for account filters, while the summary tables are fresh.
 */
export async function summaryCounts(
	store: Store,
	p: Parsed,
	asOf: string,
	grain: Grain,
	split: string,
	group: AccountDimension | null = null,
	/** skip the time-to-event counts (a breakdown shows no Kaplan–Meier figure) */
	withTimes = true
): Promise<Map<string, KpiCounts>> {
	const args = { from: p.from, to: p.to, as_of: asOf, grain, split, ...filterArgs(p) };
	const sql = (name: string) => summarySql(name, group);
	type G = { bucket: unknown; grp: string | null };
	const [ep, tte, contacts, events] = await Promise.all([
		store.rows<Record<string, unknown> & G>(sql('kpi/summary_episodes'), args),
		withTimes ? store.rows<G & { measure: string; t: number; events: number; censored: number }>(sql('kpi/summary_time_to_event'), args) : [],
		store.rows<G & { kind: 'load' | 'sums' | 'firsts'; contacts: number | null; n: number | null; outbound_contacts: number | null; outbound_calls: number | null; conversations: number | null }>(sql('kpi/summary_contacts'), args),
		store.rows<G & { complaints: number; complaints_via_regulator: number; opt_outs: number }>(sql('kpi/summary_events'), args)
	]);
	const out = new Map<string, KpiCounts>();
	const at = (b: unknown, grp?: string | null) => {
		const key = group ? `${isoDay(b)}|${grp ?? ''}` : isoDay(b);
		let c = out.get(key);
		if (!c) out.set(key, (c = emptyCounts()));
		return c;
	};
	for (const r of ep) at(r.bucket, r.grp).ep = numbers(r);
	for (const r of tte) at(r.bucket, r.grp).tte.push({ measure: r.measure, t: n(r.t), events: n(r.events), censored: n(r.censored) });
	for (const r of contacts) {
		const b = at(r.bucket, r.grp);
		if (r.kind === 'load') b.load.push({ contacts: n(r.contacts), account_weeks: n(r.n) });
		else if (r.kind === 'firsts') b.contacts.accounts_contacted += n(r.n);
		else {
			b.contacts.outbound_contacts += n(r.outbound_contacts);
			b.contacts.outbound_calls += n(r.outbound_calls);
			b.contacts.conversations += n(r.conversations);
		}
	}
	for (const r of events) Object.assign(at(r.bucket, r.grp).contacts, { complaints: n(r.complaints), complaints_via_regulator: n(r.complaints_via_regulator), opt_outs: n(r.opt_outs) });
	return out;
}

/** adds the counts of several buckets; accounts contacted is not additive and is set to NaN */
export function addCounts(parts: readonly KpiCounts[]): KpiCounts {
	const out = emptyCounts();
	const tte = new Map<string, { measure: string; t: number; events: number; censored: number }>();
	const load = new Map<number, number>();
	for (const c of parts) {
		for (const [k, v] of Object.entries(c.ep)) out.ep[k] = (out.ep[k] ?? 0) + v;
		for (const r of c.tte) {
			const key = `${r.measure}:${r.t}`;
			const x = tte.get(key) ?? { measure: r.measure, t: r.t, events: 0, censored: 0 };
			x.events += r.events;
			x.censored += r.censored;
			tte.set(key, x);
		}
		for (const k of Object.keys(out.contacts) as (keyof KpiCounts['contacts'])[]) out.contacts[k] += c.contacts[k];
		for (const h of c.load) load.set(h.contacts, (load.get(h.contacts) ?? 0) + h.account_weeks);
	}
	out.tte = [...tte.values()];
	out.load = [...load].map(([contacts, account_weeks]) => ({ contacts, account_weeks }));
	out.contacts.accounts_contacted = Number.NaN;
	return out;
}

/**
 * A query of queries/kpi/ written over `WITH {{facts}}`, with the relation of episode facts it
 * should read: the summary table kpi_episodes when it can answer (kpi/facts_summary), else the
 * raw tables (kpi/episode_facts). Both give the same rows.
 */
export async function withEpisodeFacts(store: Store, name: string, p: Parsed, asOf: string): Promise<string> {
	const facts = (await summaryUsable(store, p, asOf)) ? querySql('kpi/facts_summary') : querySql('kpi/episode_facts');
	return querySql(name).replace(/^WITH \{\{facts\}\}/m, () => `WITH ${facts.replace(/^(--.*\n)+/, '')}`);
}

/** whether the summary tables can answer for these filters and as-of date */
export async function summaryUsable(store: Store, p: Parsed, asOf: string): Promise<boolean> {
	if (p.experiment || p.arm || CONTACT_FILTERS.some((k) => p[k] !== undefined)) return false;
	const fresh = await freshSummaries(store);
	return fresh?.as_of === asOf;
}

const shownFilters = (p: Parsed): KpiFilters => Object.fromEntries(FILTER_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]!]));

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
}

/**
 * The Overview's numbers: the period, the period it is compared with (the previous period of
 * the same length, or the same days a year before), and the period's weekly values. From the
 * summary tables: one pass over the period by week (the weeks add up to the period, except
 * accounts contacted, counted per period); the previous period, which ends the day before,
 * rides along in the same pass.
 */
export async function kpiPeriods(store: Store, input: KpiParams, compare: ComparisonId = 'previous'): Promise<KpiPeriods> {
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
		return { current: make(p, 'raw', current), comparison: make(cmp, 'raw', comparison), compare, weekly: null };
	}
	// contiguous (previous period): one pass over both; else the comparison period on its own
	const contiguous = cmp.to === iso(Date.parse(p.from) - DAY);
	const span = contiguous ? { ...p, from: cmp.from, to: p.to } : p;
	const [weeks, periods, apart] = await Promise.all([
		summaryCounts(store, span, asOf, 'week', p.from),
		store.rows<{ kind: string; bucket: unknown; n: number }>(summarySql('kpi/summary_contacts', null), { from: span.from, to: span.to, as_of: asOf, grain: 'period', split: p.from, ...filterArgs(p) }),
		contiguous ? null : summaryCounts(store, cmp, asOf, 'period', cmp.from)
	]);
	const contacted = (b: string) => periods.filter((r) => r.kind === 'firsts' && isoDay(r.bucket) === b).reduce((s, r) => s + n(r.n), 0);
	const inPeriod = (q: Parsed) => [...weeks].filter(([b]) => b >= q.from && b <= q.to).map(([, c]) => c);
	const cur = addCounts(inPeriod(p));
	cur.contacts.accounts_contacted = contacted(p.from);
	let comparison: KpiCounts;
	if (apart) comparison = apart.get(cmp.from) ?? emptyCounts();
	else {
		comparison = addCounts(inPeriod(cmp));
		comparison.contacts.accounts_contacted = contacted(cmp.from);
	}
	const starts = bucketStarts(p.from, p.to, 'week');
	return { current: make(p, 'summary', cur), comparison: make(cmp, 'summary', comparison), compare, weekly: trendFrom(weeks, starts, 'week', p.contact_threshold) };
}
