/**
 * The KPIs of kpis.md for a period and filters, each with its numerator and denominator
 * where it is a ratio. The SQL in queries/kpi/ counts; this module divides and runs the
 * Kaplan–Meier estimates. The counts come from the summary tables (summaries.ts) while they
 * are fresh and the filters are on accounts only; otherwise from the raw tables. The CLI,
 * the Overview page and its endpoints all call this module.
 */
import { z } from 'zod';
import { kaplanMeier, kaplanMeierBand, kmQuantile, kmQuantileInterval, lastTime, type TimeCount } from '../../stats/km.ts';
import { rows as connRows, type Store } from '../db/store.ts';
import { storeOverview } from '../data/overview.ts';
import { querySql } from '../paths.ts';
import { freshSummaries } from './summaries.ts';
import { filterArgs } from './filter-args.ts';
import { comparisonPeriod, type ComparisonId } from '../../periods.ts';
import { KPIS } from '../../metrics/catalogue.ts';
import { COUNTS, EPISODE_COUNT_NAMES, type CountName } from '../../metrics/counts.ts';
import { CHANNELS, CONTACT_FILTERS, FILTER_KEYS, SEGMENTS, TONES, type FilterKey } from '../../vocabulary.ts';
import { DEFAULT_CONTACT_THRESHOLD } from '../../fatigue.ts';

const ident = (what: string) => z.string().regex(/^[\w.:-]{1,80}$/, { error: `${what} is an id of letters, digits, _ . : or -` });

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'dates are written YYYY-MM-DD' })
	// 2026-02-30 is not a day of the calendar (Date.parse would roll it over to 2 March)
	.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().slice(0, 10) === d, { error: 'not a real date' })
	// bounded requests: a period from year 1 to 9999 ran 33 s and answered 62 MB
	.refine((d) => inRange(d), { error: 'dates are between 1900-01-01 and 2100-12-31' });
function inRange(d: string) {
	return d >= '1900-01-01' && d <= '2100-12-31';
}

/** the longest period a view may ask for: ten years, by days */
export const MAX_PERIOD_DAYS = 3653;
const periodDays = (from: string, to: string) => Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86_400_000) + 1;

export const kpiParamsSchema = z
	.object({
		from: isoDate,
		to: isoDate,
		as_of: isoDate.optional(),
		segment: z.enum(SEGMENTS, { error: `segment must be ${SEGMENTS.slice(0, -1).join(', ')} or ${SEGMENTS.at(-1)}` }).optional(),
		product: z.string().regex(/^[\w-]{1,40}$/, { error: 'product is a word like card' }).optional(),
		region: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'region is an ISO 3166-2 code like US-MA' }).optional(),
		vulnerable: z.boolean().optional(),
		channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }).optional(),
		tone: z.enum(TONES, { error: `tone must be one of ${TONES.join(', ')}` }).optional(),
		template: ident('template').optional(),
		agent: ident('agent').optional(),
		experiment: ident('experiment').optional(),
		arm: ident('arm').optional(),
		contact_threshold: z
			.number({ error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.int({ error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.min(1, { error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.max(100, { error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.default(DEFAULT_CONTACT_THRESHOLD)
	})
	.refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['from'] })
	.refine((p) => !inRange(p.from) || !inRange(p.to) || periodDays(p.from, p.to) <= MAX_PERIOD_DAYS, { error: `a period is at most ${MAX_PERIOD_DAYS} days (ten years)`, path: ['to'] })
	.refine((p) => !p.arm || p.experiment, { error: 'an arm needs its experiment', path: ['arm'] });

// the filters every KPI query takes, as bound parameters (NULL: no filter), and those on
// contacts: defined once in the vocabulary
export { CONTACT_FILTERS, FILTER_KEYS, type FilterKey };

export { filterArgs };
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

const hasContactFilter = (p: Partial<Record<FilterKey, unknown>>) => CONTACT_FILTERS.some((k) => p[k] !== undefined && p[k] !== null);

/**
 * A summary query grouped by nothing or by an account attribute from the allow-list (never from
 * a request). With a filter on contacts, {{matched}} becomes kpi/summary_matched (the accounts
 * with a matching contact per bucket) and {{semi_matched}} keeps the rows of those accounts;
 * the contact counts come from kpi/summary_contacts_matched.
 */
function summarySql(name: string, group: AccountDimension | null, p: Partial<Record<FilterKey, unknown>> = {}, matchedTables = false): string {
	const filtered = hasContactFilter(p);
	const file = filtered && name === 'kpi/summary_contacts' ? 'kpi/summary_contacts_matched' : name;
	return fillIn(querySql(file), {
		matched: filtered && !matchedTables ? querySql('kpi/summary_matched').replace(/^(--.*\n)+/, '') : '',
		semi_matched: filtered ? 'SEMI JOIN matched USING (bucket, ak)' : '',
		in_matched: filtered ? 'k.ak IN (SELECT ak FROM matched)' : 'true',
		contact_filter: filtered ? 'true' : 'false',
		...attributeLoad(p),
		group: group && ACCOUNT_DIMENSIONS.includes(group) ? group : 'NULL'
	});
}

/**
 * With a filter on the channel alone or the tone alone, the load KPI reads kpi_attribute_weeks
 * (account-weeks by their number of contacts per channel and per tone) instead of grouping
 * kpi_account_contacts: {{attribute_load}} says so and {{attribute_match}} selects the rows.
 */
function attributeLoad(p: Partial<Record<FilterKey, unknown>>): { attribute_load: string; attribute_match: string } {
	const only = (['channel', 'tone'] as const).filter((k) => p[k]);
	if (only.length !== 1 || p.template || p.agent) return { attribute_load: 'false', attribute_match: 'false' };
	return { attribute_load: 'true', attribute_match: `(w.attribute = '${only[0]}' AND w.value = $${only[0]})` };
}

/** fills in the {{name}} placeholders of SQL text outside its comment lines (a header may name them) */
function fillIn(sql: string, values: Record<string, string>): string {
	return sql
		.split('\n')
		.map((line) => (/^\s*--/.test(line) ? line : line.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m)))
		.join('\n');
}

/**
 * kpi/summary_matched as statements that make its CTEs temporary tables of one connection: the
 * accounts a filter on contacts matches are then found once for the four summary queries.
 */
let matchedTables: string[] | null = null;
function matchedTableStatements(): string[] {
	matchedTables ??= [...querySql('kpi/summary_matched').replace(/^(--.*\n)+/, '').matchAll(/^(\w+) AS \(\n([\s\S]*?)\n\),?$/gm)].map(
		([, name, body]) => `CREATE OR REPLACE TEMP TABLE ${name} AS\n${body}`
	);
	return matchedTables;
}

/**
 * The bits of kpi_arms the experiment or arm filter selects (null: no such filter); undefined
 * when an arm of it has no bit (more than 63 arms, or launched after the summaries were built).
 */
async function armBits(store: Store, p: Parsed): Promise<bigint | null | undefined> {
	if (!p.experiment) return null;
	const rows = await store.rows<{ variant: string; bit: number | null }>(
		`SELECT x.variant, r.bit FROM (SELECT DISTINCT variant FROM experiment_assignments WHERE experiment_id = $e) x
		 LEFT JOIN kpi_arms r ON r.experiment_id = $e AND r.variant = x.variant`,
		{ e: p.experiment }
	);
	const chosen = rows.filter((r) => !p.arm || r.variant === p.arm);
	if (chosen.some((r) => r.bit === null)) return undefined;
	// an experiment or arm without assignments: no account matches (bit 63 is never given)
	return chosen.reduce((bits, r) => bits | (1n << BigInt(r.bit!)), 0n) || 1n << 63n;
}

/** the parameters of a summary query: the period, the buckets and every filter, arms as bits */
async function summaryArgs(store: Store, p: Parsed, asOf: string, grain: Grain, split: string) {
	const bits = await armBits(store, p);
	return { from: p.from, to: p.to, as_of: asOf, grain, split, ...filterArgs(p), arm_bits: bits ?? null };
}

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
	const args = await summaryArgs(store, p, asOf, grain, split);
	type G = { bucket: unknown; grp: string | null };
	type Contacts = G & { kind: 'load' | 'sums' | 'firsts'; contacts: number | null; n: number | null; outbound_contacts: number | null; outbound_calls: number | null; conversations: number | null };
	type Events = G & { complaints: number; complaints_via_regulator: number; opt_outs: number };
	type Times = G & { measure: string; t: number; events: number; censored: number };
	let ep: (Record<string, unknown> & G)[], tte: Times[], contacts: Contacts[], events: Events[];
	if (hasContactFilter(p)) {
		// the accounts a filter on contacts matches, found once, as temporary tables of one connection
		const conn = await store.connect();
		try {
			for (const stmt of matchedTableStatements()) await connRows(conn, stmt, args as never);
			const sql = (name: string) => summarySql(name, group, p, true);
			ep = await connRows(conn, sql('kpi/summary_episodes'), args as never);
			tte = withTimes ? await connRows(conn, sql('kpi/summary_time_to_event'), args as never) : [];
			contacts = await connRows(conn, sql('kpi/summary_contacts'), args as never);
			events = await connRows(conn, sql('kpi/summary_events'), args as never);
		} finally {
			conn.closeSync();
		}
	} else {
		const sql = (name: string) => summarySql(name, group, p);
		[ep, tte, contacts, events] = await Promise.all([
			store.rows<Record<string, unknown> & G>(sql('kpi/summary_episodes'), args),
			withTimes ? store.rows<Times>(sql('kpi/summary_time_to_event'), args) : [],
			store.rows<Contacts>(sql('kpi/summary_contacts'), args),
			store.rows<Events>(sql('kpi/summary_events'), args)
		]);
	}
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
 * raw tables (kpi/scope and kpi/episode_facts). Both give the same rows.
 */
export async function withEpisodeFacts(store: Store, name: string, p: Parsed, asOf: string, source: Source = 'auto'): Promise<{ sql: string; args: Record<string, unknown> }> {
	const usable = source !== 'raw' && (await summaryUsable(store, p, asOf));
	const body = (sql: string) => sql.replace(/^(--.*\n)+/, '');
	const facts = usable ? body(summarySql('kpi/facts_summary', null, p)) : `${body(querySql('kpi/scope')).trimEnd()},\n${body(querySql('kpi/episode_facts'))}`;
	const sql = fillIn(querySql(name), { facts });
	// the whole period is one bucket for the accounts a filter on contacts matches
	const args = usable ? await summaryArgs(store, p, asOf, 'period', p.from) : { from: p.from, to: p.to, as_of: asOf, ...filterArgs(p) };
	return { sql, args };
}

/** auto: the summary tables when they can answer, else the raw tables; raw: the raw tables (the parity tests' oracle) */
export type Source = 'auto' | 'raw';

/**
 * A chart's query from the summary tables (queries/kpi/summary_<name>.sql, whose rows are those of
 * queries/kpi/<name>.sql from the raw tables) with its parameters, or null when the summary tables
 * cannot answer this view (not fresh, another as-of date, an arm without a bit).
 */
export async function summaryChartQuery(store: Store, name: string, p: Parsed, asOf: string): Promise<{ sql: string; args: Record<string, unknown> } | null> {
	if (!(await summaryUsable(store, p, asOf))) return null;
	return { sql: summarySql(`kpi/summary_${name}`, null, p), args: await summaryArgs(store, p, asOf, 'period', p.from) };
}

/** whether the summary tables can answer for these filters and as-of date (any filter: arms as bits, contacts through kpi_account_contacts) */
export async function summaryUsable(store: Store, p: Parsed, asOf: string): Promise<boolean> {
	const fresh = await freshSummaries(store);
	if (fresh?.as_of !== asOf) return false;
	return (await armBits(store, p)) !== undefined;
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
