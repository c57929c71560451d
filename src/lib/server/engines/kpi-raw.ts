/**
 * The raw-table path of the Overview's KPIs (the counts of queries/kpi/episodes, contacts,
 * contact_load and time_to_event, with kpi/scope and kpi/episode_facts) written through a
 * dialect, so that it runs on any engine (issue 19): the same joins as those files, with
 * DuckDB's words (its macros kpi_scope, kpi_account_match and kpi_contact_match, `::DATE` of a
 * timestamp, `GROUP BY ALL`) replaced by the dialect's functions and plain SQL (every selected
 * column named with AS: ClickHouse names `c.x` "c.x", not "x"), and the counts,
 * facts and times to event generated from the metric catalogue by src/lib/metrics/sql.ts.
 * Its counts give the KPIs through kpisFromCounts (values.ts), as rawCounts' do; the parity
 * test (test/integration/engine-postgres.test.ts) requires both to give the same numbers on
 * DuckDB and on PostgreSQL.
 */
import type { Dialect, ParamType } from '../../metrics/dialect.ts';
import { contactCountColumns, countColumn, episodeAge, episodeAsOfBase, episodeCountColumns, episodeFactColumns, eventCountColumns, KPI_TIME_MEASURES, timeToEventRows } from '../../metrics/sql.ts';
import { CONVERSATION, SETTLED } from '../../metrics/counts.ts';
import { FILTER_KEYS } from '../../vocabulary.ts';
import { filterArgs } from '../kpi/filter-args.ts';
import type { KpiCounts } from '../kpi/counts.ts';
import type { ParsedKpiParams } from '../kpi/params.ts';
import type { Engine } from './types.ts';

const FILTER_TYPES: Record<(typeof FILTER_KEYS)[number], ParamType> = {
	segment: 'text',
	product: 'text',
	region: 'text',
	vulnerable: 'bool',
	experiment: 'text',
	arm: 'text',
	channel: 'text',
	tone: 'text',
	template: 'text',
	agent: 'text'
};

// amounts are made doubles before the recovered share divides them, as DuckDB divides decimals:
// ClickHouse's Decimal / Decimal keeps the dividend's two decimal places
/** the columns of ep (an episode and its account), named one by one: ClickHouse would name e.* "e.episode_id" next to the joins' episode_id */
const EP_COLUMNS = ['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on', 'segment', 'product', 'region', 'vulnerable', 'closed_on', 'closed_reason'];

/** the SQL of the four raw-path queries in dialect d, with named parameters $from, $to, $as_of and the filters */
export function rawKpiSql(d: Dialect): { episodes: string; contacts: string; contactLoad: string; timeToEvent: string } {
	const P = (name: string, type: ParamType = 'date') => d.param(name, type);
	const f = (k: (typeof FILTER_KEYS)[number]) => d.param(k, FILTER_TYPES[k]);
	const from = P('from');
	const to = P('to');
	const asOf = P('as_of');
	const day = (ts: string) => d.utcDate(ts);
	// [from 00:00 UTC, the day after to 00:00 UTC)
	const inPeriod = (ts: string) => `${ts} >= ${d.utcDayStart(from)} AND ${ts} < ${d.utcDayStart(d.addDays(to, 1))}`;
	const accountMatch = (a: string) =>
		[
			`(${f('segment')} IS NULL OR ${a}.segment = ${f('segment')})`,
			`(${f('product')} IS NULL OR ${a}.product = ${f('product')})`,
			`(${f('region')} IS NULL OR ${a}.region = ${f('region')})`,
			`(${f('vulnerable')} IS NULL OR ${a}.vulnerable = ${f('vulnerable')})`,
			`(${f('experiment')} IS NULL OR ${a}.account_id IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = ${f('experiment')} AND (${f('arm')} IS NULL OR x.variant = ${f('arm')})))`
		].join('\n\t\tAND ');
	const contactMatch = (i: string) =>
		[
			`(${f('channel')} IS NULL OR ${i}.channel = ${f('channel')})`,
			`(${f('tone')} IS NULL OR ${i}.tone = ${f('tone')})`,
			`(${f('template')} IS NULL OR ${i}.template_id = ${f('template')})`,
			`(${f('agent')} IS NULL OR ${i}.agent_id = ${f('agent')})`
		].join(' AND ');
	const contactFilterSet = `(${f('channel')} IS NOT NULL OR ${f('tone')} IS NOT NULL OR ${f('template')} IS NOT NULL OR ${f('agent')} IS NOT NULL)`;

	// kpi/scope (migrations' kpi_scope): the accounts the filters select; with a contact filter, those with a matching outbound contact in the period
	const scope = `scope AS (
	SELECT a.* FROM accounts a
	WHERE ${accountMatch('a')}
		AND (NOT ${contactFilterSet} OR a.account_id IN (
			SELECT i.account_id FROM interactions i
			WHERE i.direction = 'outbound' AND ${inPeriod('i.occurred_at')} AND ${contactMatch('i')}))
)`;
	// kpi/episode_facts
	const facts = `ep AS (
	SELECT e.episode_id AS episode_id, e.account_id AS account_id, e.started_on AS started_on, ${d.toDouble('e.amount_past_due')} AS amount_past_due,
		CASE WHEN e.cured_on <= ${asOf} THEN e.cured_on END AS cured_on,
		CASE WHEN e.charged_off_on <= ${asOf} THEN e.charged_off_on END AS charged_off_on,
		a.segment AS segment, a.product AS product, a.region AS region, a.vulnerable AS vulnerable, a.closed_on AS closed_on, a.closed_reason AS closed_reason
	FROM delinquencies e JOIN scope a ON a.account_id = e.account_id
	WHERE e.started_on BETWEEN ${from} AND ${to} AND e.started_on <= ${asOf}
),
ep_conversation AS (
	SELECT DISTINCT e.episode_id AS episode_id
	FROM ep e JOIN interactions i ON i.account_id = e.account_id
	WHERE ${CONVERSATION.replace(/\b(direction|outcome|channel)\b/g, 'i.$1')}
		AND i.occurred_at >= ${d.utcDayStart(from)}
		AND ${day('i.occurred_at')} BETWEEN e.started_on AND e.cured_on
),
ep_pay AS (
	SELECT e.episode_id AS episode_id,
		min(${day('p.paid_at')}) AS paid_on,
		${d.toDouble(`sum(p.amount) FILTER (WHERE ${day('p.paid_at')} <= coalesce(e.cured_on, e.charged_off_on, ${asOf}))`)} AS paid_in_episode,
		${d.boolOr(`p.plan_id IS NOT NULL AND ${day('p.paid_at')} <= ${d.addDays('e.started_on', 30)}`)} AS plan_within_30
	FROM ep e JOIN payments p ON p.account_id = e.account_id
	WHERE p.${SETTLED} AND ${day('p.paid_at')} >= e.started_on AND ${day('p.paid_at')} <= ${asOf}
		AND p.paid_at >= ${d.utcDayStart(from)}
	GROUP BY e.episode_id
),
ep_first_contact AS (
	SELECT e.episode_id AS episode_id, min(${day('i.occurred_at')}) AS contacted_on
	FROM ep e JOIN interactions i ON i.account_id = e.account_id
	WHERE i.direction = 'outbound' AND ${day('i.occurred_at')} >= e.started_on
		AND i.occurred_at >= ${d.utcDayStart(from)}
		AND ${day('i.occurred_at')} <= coalesce(e.cured_on, e.charged_off_on, ${asOf})
	GROUP BY e.episode_id
),
ep_pay_after_contact AS (
	SELECT c.episode_id AS episode_id, min(${day('p.paid_at')}) AS paid_on
	FROM ep_first_contact c JOIN ep e ON e.episode_id = c.episode_id JOIN payments p ON p.account_id = e.account_id
	WHERE p.${SETTLED} AND ${day('p.paid_at')} >= c.contacted_on AND ${day('p.paid_at')} <= ${asOf}
		AND p.paid_at >= ${d.utcDayStart(from)}
	GROUP BY c.episode_id
),
base AS (
	SELECT ${EP_COLUMNS.map((c) => `e.${c} AS ${c}`).join(', ')},
		c.episode_id IS NOT NULL AS conversation_before_cure,
		p.paid_on AS paid_on, p.paid_in_episode AS paid_in_episode, p.plan_within_30 AS plan_within_30,
		fc.contacted_on AS contacted_on, pc.paid_on AS paid_after_contact_on
	FROM ep e
	LEFT JOIN ep_conversation c ON c.episode_id = e.episode_id
	LEFT JOIN ep_pay p ON p.episode_id = e.episode_id
	LEFT JOIN ep_first_contact fc ON fc.episode_id = e.episode_id
	LEFT JOIN ep_pay_after_contact pc ON pc.episode_id = e.episode_id
),
facts AS (
	SELECT episode_id, account_id, segment, product, region, vulnerable,
		${episodeAsOfBase(d)},
		${episodeFactColumns(d)},
		${episodeAge(d)}
	FROM base
)`;

	const episodes = `WITH ${scope},\n${facts}\nSELECT ${episodeCountColumns(d)}\nFROM facts`;

	const contacts = `WITH ${scope},
outbound AS (
	SELECT i.account_id AS account_id, i.channel AS channel, i.outcome AS outcome
	FROM interactions i JOIN scope s ON s.account_id = i.account_id
	WHERE i.direction = 'outbound' AND ${inPeriod('i.occurred_at')} AND ${contactMatch('i')}
),
events AS (
	SELECT 'complaint' AS kind, k.complaint_id AS event_id, k.source AS source FROM complaints k JOIN scope s ON s.account_id = k.account_id
	WHERE ${day('k.received_at')} BETWEEN ${from} AND ${to}
	UNION ALL
	SELECT 'opt_out', cp.event_id, NULL FROM contact_preferences cp JOIN scope s ON s.account_id = cp.account_id
	WHERE cp.kind = 'opt_out' AND ${day('cp.effective_at')} BETWEEN ${from} AND ${to}
	UNION ALL
	SELECT 'opt_out', cp.event_id, NULL FROM contact_preferences cp JOIN scope s ON s.customer_id = cp.customer_id
	WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL AND ${day('cp.effective_at')} BETWEEN ${from} AND ${to}
),
contact_counts AS (
	SELECT ${countColumn('accounts_contacted', d)}, ${contactCountColumns(d)} FROM outbound
),
event_counts AS (
	SELECT ${eventCountColumns(d)} FROM events
)
SELECT * FROM contact_counts, event_counts`;

	const contactLoad = `WITH acc AS (
	SELECT a.* FROM accounts a
	WHERE ${accountMatch('a')}
),
weeks AS (
	SELECT i.account_id AS account_id, ${d.weekStart(day('i.occurred_at'))} AS week, count(*) AS contacts
	FROM interactions i JOIN acc a ON a.account_id = i.account_id
	WHERE i.direction = 'outbound'
		AND i.occurred_at >= ${d.utcDayStart(d.weekStart(from))} AND i.occurred_at < ${d.utcDayStart(d.addDays(d.weekStart(to), 7))}
		AND ${contactMatch('i')}
	GROUP BY 1, 2
)
SELECT contacts, ${countColumn('account_weeks', d)}
FROM weeks
GROUP BY contacts
ORDER BY contacts`;

	const timeToEvent = `WITH ${scope},
${facts},
m AS (
	${timeToEventRows('facts', [], KPI_TIME_MEASURES)}
)
SELECT measure, t, ${d.countIf('event')} AS events, ${d.countIf('NOT event')} AS censored
FROM m
GROUP BY measure, t
ORDER BY measure, t`;

	return { episodes, contacts, contactLoad, timeToEvent };
}

const cache = new Map<string, ReturnType<typeof rawKpiSql>>();
const n = (v: unknown) => Number(v ?? 0);

/** the counts of one period on an engine (any filter, any as-of date), as rawCounts gives them from the DuckDB store */
export async function engineRawCounts(engine: Engine, p: ParsedKpiParams, asOf: string): Promise<KpiCounts> {
	let sql = cache.get(engine.dialect.name);
	if (!sql) cache.set(engine.dialect.name, (sql = rawKpiSql(engine.dialect)));
	const args = { from: p.from, to: p.to, as_of: asOf, ...filterArgs(p) };
	const numbers = (r: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, n(v)]));
	const [ep] = await engine.query(sql.episodes, args);
	const [ct] = await engine.query(sql.contacts, args);
	const load = (await engine.query<{ contacts: unknown; account_weeks: unknown }>(sql.contactLoad, args)).map((r) => ({ contacts: n(r.contacts), account_weeks: n(r.account_weeks) }));
	const tte = (await engine.query<{ measure: string; t: unknown; events: unknown; censored: unknown }>(sql.timeToEvent, args)).map((r) => ({
		measure: r.measure,
		t: n(r.t),
		events: n(r.events),
		censored: n(r.censored)
	}));
	return { ep: numbers(ep), tte, contacts: numbers(ct) as KpiCounts['contacts'], load };
}
