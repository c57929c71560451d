/**
 * The Overview's chart and table data, as named queries with zod-checked parameters: the
 * endpoint /overview/data/<name> serves them as Arrow IPC (JSON on request). A name that is
 * not in CHART_QUERIES is refused; no SQL ever comes from a request.
 */
import { z } from 'zod';
import { DEFAULT_CONTACT_THRESHOLD } from '../../fatigue.ts';
import { kaplanMeier, kmCumulativeAt } from '../../stats/km.ts';
import type { Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { cached } from './cache.ts';
import { heavy, light, perUser } from '../queue.ts';
import { ENGAGEMENT_STAGES } from '../../vocabulary.ts';
import { breakdownCompared, BREAKDOWN_DIMENSIONS, type BreakdownDimension } from './breakdown.ts';
import { comparisonPeriod, comparisonSchema, type ComparisonId } from '../../periods.ts';
import { countsOfRow, summaryChartQuery, summaryUsable, withEpisodeFacts, type Source } from './counts.ts';
import { dataAsOf } from './as-of.ts';
import { filterArgs } from './filter-args.ts';
import { kpiParamsSchema } from './params.ts';
import { kpisFromCounts, kpiTrend } from './values.ts';
import { BadRequestError } from '../errors.ts';

export type Columns = Record<string, (string | number | null)[]>;

const n = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

type KpiParams = z.infer<typeof kpiParamsSchema>;
type WithAsOf = KpiParams & { as_of: string };
const ratio = (a: unknown, b: unknown, k = 1) => (n(b) > 0 ? (n(a) / n(b)) * k : null);

/** the period and every filter of kpiParamsSchema, as the queries take them */
const periodArgs = (p: KpiParams) => ({ from: p.from, to: p.to, ...filterArgs(p) });

/**
 * The rows of a chart's query: from the summary tables (queries/kpi/summary_<name>.sql) when they
 * can answer the view and `summary` allows, else from the raw tables (queries/kpi/<name>.sql, the
 * parity tests' oracle). `extra`: parameters of the query beyond the period and the filters.
 */
async function chartRows(store: Store, name: string, p: KpiParams, source: Source, extra: Record<string, unknown> = {}, summary = true): Promise<Record<string, unknown>[]> {
	const asOf = p.as_of ?? (await dataAsOf(store)) ?? p.to;
	const q = source !== 'raw' && summary ? await summaryChartQuery(store, name, p, asOf) : null;
	if (q) return store.rows<Record<string, unknown>>(q.sql, { ...q.args, ...extra } as never);
	return store.rows<Record<string, unknown>>(querySql(`kpi/${name}`), { ...periodArgs(p), as_of: asOf, ...extra });
}

type CohortTimes = { cohort: unknown; t: number; events: number; censored: number };

/**
 * Kaplan–Meier curves per monthly cohort, d = 0…120, as the share that has had the event by
 * day d (column `share`). A cohort is drawn only while enough of it is still observed: at
 * least 20 episodes, and 5% of the cohort, at risk (a curve's tail over a handful of
 * episodes only jumps).
 */
function cohortCurves(rows: CohortTimes[], share: string): Columns {
	const cohorts = [...new Set(rows.map((r) => iso(r.cohort)))];
	const out: Columns = { cohort: [], day: [], [share]: [] };
	for (const c of cohorts) {
		const mine = rows.filter((r) => iso(r.cohort) === c);
		const curve = kaplanMeier(mine.map((r) => ({ t: n(r.t), events: n(r.events), censored: n(r.censored) })));
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
			out[share]!.push(kmCumulativeAt(curve, d));
		}
	}
	return out;
}

/** cure curves: the share of each monthly cohort cured by day d (Kaplan–Meier), d = 0…120 */
async function cureCurves(store: Store, p: WithAsOf, source: Source = 'auto'): Promise<Columns> {
	const q = await withEpisodeFacts(store, 'kpi/cure_by_cohort', p, p.as_of, source);
	const rows = await store.rows<CohortTimes>(q.sql, q.args as never);
	return cohortCurves(rows, 'cured_share');
}

/** days-to-pay curves: the share of each monthly cohort that has paid by day d (Kaplan–Meier), d = 0…120 */
async function daysToPayCurves(store: Store, p: WithAsOf, source: Source = 'auto'): Promise<Columns> {
	const q = await withEpisodeFacts(store, 'kpi/days_to_pay_curves', p, p.as_of, source);
	const rows = await store.rows<CohortTimes>(q.sql, q.args as never);
	return cohortCurves(rows, 'paid_share');
}

/** the monthly trend of the cure rates: per cohort month, mature episodes only (null: provisional) */
async function cureTrend(store: Store, p: WithAsOf, source: Source = 'auto'): Promise<Columns> {
	const q = await withEpisodeFacts(store, 'kpi/cure_trend', p, p.as_of, source);
	const rows = await store.rows<Record<string, unknown>>(q.sql, q.args as never);
	const kpis = rows.map((r) => kpisFromCounts(countsOfRow(r), p.contact_threshold));
	return {
		cohort: rows.map((r) => iso(r.cohort)),
		episodes: rows.map((r) => n(r.episodes)),
		cure_rate_30d: kpis.map((k) => k.cure_rate_30d!.value),
		cure_rate_60d: kpis.map((k) => k.cure_rate_60d!.value),
		provisional: kpis.map((k) => (k.cure_rate_30d!.provisional ? 1 : 0))
	};
}

/** every KPI of the catalogue per calendar week or month of the period (the trend chart) */
async function trend(store: Store, p: WithAsOf & { grain: 'week' | 'month' }): Promise<Columns> {
	const t = await kpiTrend(store, p, p.grain);
	return { bucket: t.buckets, ...t.kpis, provisional: t.provisional.map((x) => (x ? 1 : 0)) };
}

/** response decay: for the k-th outbound contact of an episode (k = 1…15, among all its contacts), the share answered within 72 hours */
async function responseDecay(store: Store, p: WithAsOf, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'response_decay', p, source);
	return {
		contact_number: rows.map((r) => n(r.contact_number)),
		contacts: rows.map((r) => n(r.contacts)),
		responded: rows.map((r) => n(r.responded)),
		response_rate: rows.map((r) => ratio(r.responded, r.contacts))
	};
}

/** the roll-rate matrix between days-past-due buckets, cured and charged off, month-end to month-end */
async function rollRate(store: Store, p: WithAsOf, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'roll_rate', p, source);
	return {
		from_bucket: rows.map((r) => String(r.from_bucket)),
		to_bucket: rows.map((r) => String(r.to_bucket)),
		episodes: rows.map((r) => n(r.episodes)),
		share: rows.map((r) => n(r.share))
	};
}

/**
 * complaints per month by category, by source and in all (month null: the whole period),
 * with the share that came through a regulator or an ombudsman
 */
async function complaintsByCategory(store: Store, p: KpiParams, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'complaints_by_category', p, source);
	return {
		month: rows.map((r) => (r.month == null ? null : iso(r.month))),
		dimension: rows.map((r) => String(r.dimension)),
		value: rows.map((r) => String(r.value)),
		complaints: rows.map((r) => n(r.complaints)),
		via_regulator_or_ombudsman: rows.map((r) => n(r.complaints_via_regulator)),
		regulator_or_ombudsman_share: rows.map((r) => kpisFromCounts(countsOfRow(r), p.contact_threshold).complaints_via_regulator_share!.value)
	};
}

/** the histogram of outbound contacts per account-week (the weeks that overlap the period, whole), on all channels ('all') and per channel */
async function contactLoadDistribution(store: Store, p: KpiParams, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'contact_load_distribution', p, source, { threshold: p.contact_threshold });
	return {
		channel: rows.map((r) => String(r.channel)),
		contacts: rows.map((r) => String(r.contacts)),
		account_weeks: rows.map((r) => n(r.n)),
		over_threshold: rows.map((r) => (r.over_threshold ? 1 : 0)),
		threshold: rows.map(() => p.contact_threshold)
	};
}

/**
 * The contact-fatigue index per account-week (src/lib/fatigue.ts): mean, maximum, weeks above 0.
 * The summary tables hold it at the default threshold only; another threshold reads the raw tables.
 */
async function fatigueIndex(store: Store, p: KpiParams, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'fatigue_index', p, source, { threshold: p.contact_threshold }, p.contact_threshold === DEFAULT_CONTACT_THRESHOLD);
	return {
		account_weeks: rows.map((r) => n(r.account_weeks)),
		weeks_over: rows.map((r) => n(r.weeks_over)),
		share_over: rows.map((r) => ratio(r.weeks_over, r.account_weeks)),
		mean_index: rows.map((r) => ratio(r.total_index, r.account_weeks)),
		max_index: rows.map((r) => n(r.max_index)),
		threshold: rows.map(() => p.contact_threshold)
	};
}

/** opt-outs per 1,000 messages and complaints per 1,000 accounts, by the contacts in the 7 days before */
async function pressure(store: Store, p: KpiParams, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'pressure', p, source);
	return {
		prior_contacts: rows.map((r) => String(r.prior_contacts)),
		messages: rows.map((r) => n(r.messages)),
		opt_outs: rows.map((r) => n(r.messages_opted_out)),
		opt_outs_per_1k_messages: rows.map((r) => ratio(r.messages_opted_out, r.messages, 1000)),
		accounts: rows.map((r) => n(r.accounts)),
		complaints: rows.map((r) => n(r.complaints)),
		complaints_per_1k_accounts: rows.map((r) => ratio(r.complaints, r.accounts, 1000))
	};
}

/** per message channel: messages and the delivered, opened, clicked and replied rates */
async function digitalEngagement(store: Store, p: KpiParams, source: Source = 'auto'): Promise<Columns> {
	const rows = await chartRows(store, 'digital_engagement', p, source);
	const stages = ENGAGEMENT_STAGES;
	return {
		channel: rows.map((r) => String(r.channel)),
		messages: rows.map((r) => n(r.digital_messages)),
		...Object.fromEntries(stages.map((s) => [s, rows.map((r) => n(r[`digital_${s}`]))])),
		...Object.fromEntries(stages.map((s) => [`${s}_rate`, rows.map((r) => ratio(r[`digital_${s}`], r.digital_messages))]))
	};
}

const withAsOf = kpiParamsSchema.and(z.object({ as_of: z.string() }));

export const CHART_QUERIES = {
	cure_curves: { params: withAsOf, run: cureCurves },
	cure_trend: { params: withAsOf, run: cureTrend },
	days_to_pay_curves: { params: withAsOf, run: daysToPayCurves },
	response_decay: { params: withAsOf, run: responseDecay },
	roll_rate: { params: withAsOf, run: rollRate },
	complaints_by_category: { params: kpiParamsSchema, run: complaintsByCategory },
	contact_load_distribution: { params: kpiParamsSchema, run: contactLoadDistribution },
	fatigue_index: { params: kpiParamsSchema, run: fatigueIndex },
	pressure: { params: kpiParamsSchema, run: pressure },
	digital_engagement: { params: kpiParamsSchema, run: digitalEngagement },
	kpi_trend: {
		params: withAsOf.and(z.object({ grain: z.enum(['week', 'month'], { error: 'grain must be week or month' }).default('week') })),
		run: trend
	},
	breakdown: {
		params: withAsOf.and(
			z.object({
				dimension: z.enum(BREAKDOWN_DIMENSIONS, { error: `dimension must be one of ${BREAKDOWN_DIMENSIONS.join(', ')}` }),
				compare: comparisonSchema.default('previous')
			})
		),
		run: (store: Store, p: WithAsOf & { dimension: BreakdownDimension; compare: ComparisonId }) => breakdownCompared(store, p, p.dimension, comparisonPeriod(p, p.compare))
	}
} as const;

export type ChartQueryName = keyof typeof CHART_QUERIES;
export const chartQueryNameSchema = z.enum(Object.keys(CHART_QUERIES) as [ChartQueryName, ...ChartQueryName[]], {
	error: `unknown query; the queries are ${Object.keys(CHART_QUERIES).join(', ')}`
});

/** a chart's parameters that cannot be answered (a 400) */
export class ChartParamsError extends BadRequestError {}

/**
 * Whether the summary tables answer this chart for these parameters: then it is a light query
 * (tens of milliseconds at 1M accounts), else a heavy one (the raw tables).
 */
async function answeredBySummaries(store: Store, name: ChartQueryName, p: KpiParams): Promise<boolean> {
	if (name === 'fatigue_index' && p.contact_threshold !== DEFAULT_CONTACT_THRESHOLD) return false;
	return summaryUsable(store, p, p.as_of ?? (await dataAsOf(store)) ?? p.to);
}

export async function runChartQuery(
	store: Store,
	name: ChartQueryName,
	raw: Record<string, unknown>,
	/**
	 * cache: answer from the result cache; queue: a computation waits its turn in a bounded queue
	 * (src/lib/server/queue.ts): the light one when the summary tables answer, else the heavy one;
	 * a cached answer does not wait. user: a computation from the raw tables (the heavy queue)
	 * counts against this user's heavy requests in flight (TooManyRequestsError beyond the limit)
	 */
	opts: { cache?: boolean; queue?: boolean; source?: Source; user?: string } = {}
): Promise<Columns> {
	const q = CHART_QUERIES[name];
	const parsed = q.params.safeParse(raw);
	if (!parsed.success) throw new ChartParamsError(parsed.error.issues.map((i) => `${i.path.join('.') || 'parameters'}: ${i.message}`).join('; '));
	// the key is the query and its parsed parameters (defaults filled in, unknown keys dropped)
	const key = `${name}|${opts.source ?? 'auto'}|${JSON.stringify(parsed.data)}`;
	const compute = () => (q.run as (s: Store, p: unknown, source: Source) => Promise<Columns>)(store, parsed.data, opts.source ?? 'auto');
	const heavyRun = () => (opts.user === undefined ? heavy(key, compute) : perUser(opts.user, () => heavy(key, compute)));
	const run = opts.queue ? async () => ((await answeredBySummaries(store, name, parsed.data as KpiParams)) ? light(key, compute) : heavyRun()) : compute;
	return opts.cache ? cached(store, key, run) : run();
}
