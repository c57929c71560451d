/** The Overview: the KPIs of a period next to those of the period it is compared with (the previous period of the same length, or the same days a year before). */
import { ACCESS, type Role } from '../auth/roles.ts';
import { latestFullAudit } from '../compliance/audit.ts';
import { findingsFilterSchema } from '../compliance/findings/filters.ts';
import { findingsCounts } from '../compliance/findings/query.ts';
import type { Store } from '../db/store.ts';
import { listAlerts } from '../experiments/guardrails/alerts-store.ts';
import { breakdownCompared, breakdownOfGroups, BREAKDOWN_DIMENSIONS, compareColumns, largestRows, type BreakdownDimension } from './breakdown.ts';
import { MAX_TABLE_ROWS } from '../../schemas.ts';
import { querySql } from '../paths.ts';
import { comparisonPeriod, comparisonSchema, type ComparisonId } from '../../periods.ts';
import { ACCOUNT_DIMENSIONS, type AccountDimension } from './counts.ts';
import { dataAsOf } from './as-of.ts';
import { FILTER_KEYS } from '../../vocabulary.ts';
import { kpiParamsSchema } from './params.ts';
import { kpiPeriods, type KpiPeriods, type KpiSummary, type KpiTrend } from './values.ts';
import { cached } from './cache.ts';

export interface OverviewData {
	empty: boolean;
	/** the values the filters offer */
	options: Record<string, string[]>;
	current: KpiSummary | null;
	/** the period the current one is compared with */
	comparison: KpiSummary | null;
	compare: ComparisonId;
	/** the period's weekly values, for the sparklines (null when read from the raw tables) */
	weekly: KpiTrend | null;
	problems: string[];
}

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** the period and filters from a URL's query, with the defaults and the problems found */
export async function overviewParams(store: Store, query: Record<string, string>) {
	const asOf = await dataAsOf(store);
	if (!asOf) return { params: null, problems: [] as string[] };
	const defaults = { to: asOf, from: iso(Date.parse(asOf) - 89 * day) };
	const raw: Record<string, unknown> = { from: query.from || defaults.from, to: query.to || defaults.to };
	for (const k of FILTER_KEYS) if (query[k]) raw[k] = query[k];
	// the contacts a week above which the load counts as over (the fatigue chart's; 7 by default)
	if (query.contact_threshold) raw.contact_threshold = /^\d{1,3}$/.test(query.contact_threshold) ? Number(query.contact_threshold) : query.contact_threshold;
	if (query.vulnerable) raw.vulnerable = query.vulnerable === 'true' ? true : query.vulnerable === 'false' ? false : query.vulnerable;
	// the arm select offers "experiment/arm": it sets both filters
	if (query.arm?.includes('/')) [raw.experiment, raw.arm] = [query.arm.slice(0, query.arm.indexOf('/')), query.arm.slice(query.arm.indexOf('/') + 1)];
	const parsed = kpiParamsSchema.safeParse(raw);
	const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`);
	const p = parsed.success ? parsed.data : kpiParamsSchema.parse(defaults);
	const cmp = comparisonSchema.safeParse(query.compare || 'previous');
	if (!cmp.success) problems.push(`compare: ${cmp.error.issues[0]?.message}`);
	return { params: { ...p, as_of: asOf, compare: cmp.success ? cmp.data : ('previous' as const) }, problems };
}

export async function overview(
	store: Store,
	query: Record<string, string>,
	parsed?: Awaited<ReturnType<typeof overviewParams>>,
	/** group the periods' counts by this account attribute (the breakdown reads them) */
	group: AccountDimension | null = null
): Promise<OverviewData & { groups: KpiPeriods['groups'] }> {
	const { params: p, problems } = parsed ?? (await overviewParams(store, query));
	if (!p) return { empty: true, options: {}, current: null, comparison: null, compare: 'previous', weekly: null, problems: [], groups: null };
	const [values, periods] = await Promise.all([store.rows<{ dimension: string; value: string }>(querySql('kpi/filter_values')), kpiPeriods(store, p, p.compare, group)]);
	const options: Record<string, string[]> = {};
	for (const v of values) (options[v.dimension] ??= []).push(v.value);
	return { empty: false, options, current: periods.current, comparison: periods.comparison, compare: periods.compare, weekly: periods.weekly, problems, groups: periods.groups };
}

export interface PeriodFindings {
	audit_id: number;
	from: string;
	to: string;
	findings: number;
	by_kind: Record<string, number>;
	/** the rules with the most findings in the period, most first (at most 3) */
	top_rules: { pack_id: string; rule_id: string; findings: number }[];
	/** whether the viewer may open the findings list (compliance and admin) */
	linked: boolean;
}

/**
 * The findings of the latest finished audit of all interactions (an audit of a period may not
 * cover the Overview's) dated in the period (local dates at the consumer's address, as on the
 * compliance pages), counted by kind and rule: for the alerts strip. Counts only, so every role
 * sees them; the link to the findings is for the roles that may open them. null when no full
 * audit has run.
 */
export async function periodFindings(store: Store, from: string, to: string, role: Role | null): Promise<PeriodFindings | null> {
	const audit = await latestFullAudit(store);
	if (!audit) return null;
	const counts = await findingsCounts(store, audit.audit_id, findingsFilterSchema.parse({ from, to }));
	const byRule = new Map<string, { pack_id: string; rule_id: string; findings: number }>();
	for (const r of counts.rows) {
		const k = `${r.pack_id}/${r.rule_id}`;
		const e = byRule.get(k) ?? { pack_id: r.pack_id, rule_id: r.rule_id, findings: 0 };
		e.findings += r.findings;
		byRule.set(k, e);
	}
	return {
		audit_id: audit.audit_id,
		from,
		to,
		findings: counts.findings,
		by_kind: counts.by_kind,
		top_rules: [...byRule.values()].sort((a, b) => b.findings - a.findings || a.rule_id.localeCompare(b.rule_id)).slice(0, 3),
		linked: !!role && (ACCESS['/(app)/compliance/findings'] ?? []).includes(role)
	};
}

/** everything the Overview page renders on the server: the KPIs, the breakdown table and the alerts strip */
export async function overviewPage(store: Store, query: Record<string, string>, role: Role | null = null) {
	const dimension = (BREAKDOWN_DIMENSIONS as readonly string[]).includes(query.dimension ?? '') ? (query.dimension as BreakdownDimension) : 'segment';
	const parsed = await overviewParams(store, query);
	const params = parsed.params;
	// an account attribute's breakdown comes from the same pass as the tiles (its groups add up to them)
	const group = (ACCOUNT_DIMENSIONS as readonly string[]).includes(dimension) ? (dimension as AccountDimension) : null;
	// the tiles, sparklines and breakdown depend on the data and the view only: kept in the result
	// cache (kpi/cache.ts), the same view asked for again while it is computed computing once; the
	// alerts and findings are read each time (closing an alert changes no data version)
	const kpis = async () => {
		const [full, contactColumns] = await Promise.all([
			overview(store, query, parsed, group),
			params && !group ? breakdownCompared(store, params, dimension, comparisonPeriod(params, params.compare)) : null
		]);
		const { groups, ...data } = full;
		let columns = contactColumns;
		if (params && group) {
			const threshold = params.contact_threshold;
			const cmp = comparisonPeriod(params, params.compare);
			columns = groups
				? compareColumns(dimension, breakdownOfGroups(group, groups, params.from, threshold), breakdownOfGroups(group, groups, cmp.from, threshold))
				: await breakdownCompared(store, params, dimension, cmp);
		}
		// a table on the page shows at most MAX_TABLE_ROWS values (an agent or template breakdown can
		// have thousands): the largest, and how many there are; its CSV has them all
		const table = columns ? largestRows(dimension, columns, MAX_TABLE_ROWS) : null;
		return { data, table };
	};
	const [{ data, table }, alerts, findings] = await Promise.all([
		cached(store, `overview|${dimension}|${JSON.stringify(parsed)}`, kpis),
		listAlerts(store, { open: true }),
		params ? periodFindings(store, params.from, params.to, role) : null
	]);
	return {
		overview: data,
		breakdown: table ? { dimension, columns: table.columns, total: table.total } : null,
		// this period's compliance findings (the latest audit), for the same strip
		compliance: findings,
		// the open guardrail alerts of the experiments, for the strip at the top
		alerts: alerts.map((a) => ({ alert_id: a.alert_id, experiment_id: a.experiment_id, arm: a.arm, metric: a.metric, rule_kind: a.rule_kind, message: a.message, fired_at: a.fired_at }))
	};
}
