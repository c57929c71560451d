/**
 * The experiments' sufficient statistics on any engine (issue 19, docs/engines.md): the SQL of
 * queries/experiments/ (units → contacts → payments, complaints, opt-outs, presumed violations →
 * outcomes → cells and time cells) written through a dialect, and run in the engine as ONE
 * statement whose result is only the summary rows: per cell of arm × account segment ×
 * vulnerable × entry week the counts and sums of every proportion, mean and count metric (n, Σy,
 * Σy², Σx, Σx², Σxy for CUPED), and per arm × segment × vulnerable, time measure and day the
 * events and censored of Kaplan–Meier. They come back as the structures the DuckDB path gives
 * (ExperimentStats of src/lib/server/experiments/analysis/cells.ts), so that the analysis runs on
 * them unchanged (analysisFromStats, analyze.ts). On ClickHouse the steps read more than once
 * are temporary tables of the session instead (experimentStatsSteps).
 *
 * The same joins as the DuckDB files, with DuckDB's words replaced: day numbers (epoch_us //
 * 86400000000) by the dialect's UTC day, `QUALIFY` by a row number in a subquery, `FILTER
 * (WHERE …)` by `CASE WHEN … END` inside the aggregate (the same in every engine), `GROUP BY
 * ALL` by the listed keys, `* EXCLUDE` by the listed columns, temporary tables by common table
 * expressions (PostgreSQL keeps a CTE read twice once; a pool's connections share no temporary
 * table). The outcomes, the facts and the times to event come from the metric catalogue
 * (src/lib/metrics/sql.ts) as in the DuckDB files. Left out, because no outcome reads it: the
 * customer's local dates of the calls (contacts.sql call_days, with the time-zone offsets of
 * units.sql). Kept: the filters on the earliest assignment before the joins (implied by the
 * joins' own conditions, they spare PostgreSQL a sort of every interaction).
 *
 * The presumed violations are findings of the compliance audit, which runs in DuckDB only: the
 * latest full audit's findings of that kind (account and local date) are copied into the engine
 * beside the analytic tables (load.ts copyPresumedViolations, table PRESUMED_VIOLATIONS_TABLE).
 */
import type { Dialect, ParamType } from '../../metrics/dialect.ts';
import { episodeAge, episodeFactColumns, EXPERIMENT_OUTCOME_METRICS, EXPERIMENT_TIME_MEASURES, experimentOutcomeColumns } from '../../metrics/sql.ts';
import { TIME_COLUMNS } from '../../metrics/counts.ts';
import type { Experiment } from '../../experiments/schema.ts';
import { type ExperimentStats, type StatsCell, type TimeCell } from '../experiments/analysis/cells.ts';
import { statsCellFromRow, timeCellFromRow } from '../experiments/analysis/sql.ts';
import type { Engine } from './types.ts';
import { querySql } from '../paths.ts';

/** the engine's copy of the presumed violations of the latest full audit (account_id, local_date) */
export const PRESUMED_VIOLATIONS_TABLE = 'presumed_violation_findings';

/** the presumed violations of the latest finished audit of all interactions, in the DuckDB store (queries/experiments/presumed_violation_findings.sql; the findings presumed_violations.sql counts) */
export const STORE_PRESUMED_VIOLATIONS = querySql('experiments/presumed_violation_findings').replace(/^(--.*\n)+/, '').trimEnd();

/** the cell columns besides the keys: assigned, with_episode, mature_30 and per metric m__n … m__sum_xy */
const cellStatColumns = () => ['assigned', 'with_episode', 'mature_30', ...EXPERIMENT_OUTCOME_METRICS.flatMap((m) => ['n', 'sum_y', 'sum_y2', 'sum_x', 'sum_x2', 'sum_xy'].map((s) => `${m}__${s}`))];

/** a step of the statistics: a common table expression, or (keep) one read more than once, kept as a table by engines that would compute it again */
interface Stage {
	name: string;
	sql: string;
	keep?: boolean;
}

/** the steps of an experiment's statistics in dialect d; R names a kept step's relation */
function stages(d: Dialect, violations: string, R: (name: string) => string): Stage[] {
	const P = (name: string, type: ParamType = 'date') => d.param(name, type);
	const asOf = P('as_of');
	const start = P('start');
	const day = (ts: string) => d.utcDate(ts);
	const beforeEnd = (ts: string) => `${ts} < ${d.utcDayStart(d.addDays(asOf, 1))}`;
	const nul = (t: ParamType) => d.castTo('NULL', t);
	return [
		{
			name: 'asg',
			sql: `	-- units.sql: the assigned accounts (intention to treat), k a row number in a fixed order (a CTE may be read more than once)
	SELECT row_number() OVER (ORDER BY x.account_id, x.assigned_at, x.variant) AS k,
		x.account_id AS account_id, x.variant AS arm, x.assigned_at AS assigned_at,
		greatest(${day('x.assigned_at')}, ${start}) AS ws
	FROM experiment_assignments x
	WHERE x.experiment_id = ${P('experiment', 'text')} AND ${beforeEnd('x.assigned_at')}
		AND ${start} <= ${asOf}`
		},
		{
			name: 'xa',
			keep: true,
			sql: `	SELECT g.k AS k, g.account_id AS account_id, g.arm AS arm, g.assigned_at AS assigned_at, g.ws AS ws,
		a.customer_id AS customer_id, a.segment AS segment, a.vulnerable AS vulnerable
	FROM asg g LEFT JOIN accounts a ON a.account_id = g.account_id`
		},
		{
			name: 'ep',
			sql: `	-- the account's first episode started on or after ws, with its cure and charge-off as known at the as-of date
	SELECT r.k AS k, r.episode_id AS episode_id, r.started_on AS started_on, r.amount_past_due AS amount_past_due, r.cured_on AS cured_on, r.charged_off_on AS charged_off_on
	FROM (
		SELECT xa.k AS k, dl.episode_id AS episode_id, dl.started_on AS started_on, ${d.toDouble('dl.amount_past_due')} AS amount_past_due,
			CASE WHEN dl.cured_on <= ${asOf} THEN dl.cured_on END AS cured_on,
			CASE WHEN dl.charged_off_on <= ${asOf} THEN dl.charged_off_on END AS charged_off_on,
			row_number() OVER (PARTITION BY xa.k ORDER BY dl.started_on, dl.episode_id) AS rn
		FROM delinquencies dl JOIN ${R('xa')} xa ON xa.account_id = dl.account_id
		WHERE dl.started_on >= xa.ws AND dl.started_on <= ${asOf} AND dl.started_on >= ${start}
	) r
	WHERE r.rn = 1`
		},
		{
			name: 'units',
			keep: true,
			sql: `	SELECT xa.k AS k, xa.account_id AS account_id, xa.arm AS arm, xa.assigned_at AS assigned_at, xa.ws AS ws,
		xa.customer_id AS customer_id, xa.segment AS segment, xa.vulnerable AS vulnerable,
		${d.weekStart(`greatest(xa.ws, coalesce(ep.started_on, xa.ws))`)} AS entry_week,
		ep.started_on AS started_on, ep.amount_past_due AS amount_past_due, ep.cured_on AS cured_on, ep.charged_off_on AS charged_off_on,
		coalesce(ep.cured_on, ep.charged_off_on, ${asOf}) AS episode_end
	FROM ${R('xa')} xa LEFT JOIN ep ON ep.k = xa.k`
		},
		{
			name: 'contacts',
			sql: `	-- contacts.sql: the outbound contacts while assigned
	SELECT u.k AS k,
		count(*) AS contacts,
		${d.boolOr(`i.outcome = 'conversation'`)} AS conversation,
		min(CASE WHEN ${day('i.occurred_at')} >= u.started_on AND ${day('i.occurred_at')} <= u.episode_end THEN ${day('i.occurred_at')} END) AS first_contact_on,
		${d.boolOr(`i.outcome = 'conversation' AND i.channel IN ('call', 'ringless_voicemail') AND ${day('i.occurred_at')} BETWEEN u.started_on AND u.cured_on`)} AS conversation_before_cure
	FROM interactions i JOIN ${R('units')} u ON u.account_id = i.account_id
	WHERE i.direction = 'outbound' AND ${beforeEnd('i.occurred_at')} AND ${day('i.occurred_at')} >= u.ws
		AND i.occurred_at >= (SELECT ${d.utcDayStart('min(m.ws)')} FROM ${R('units')} m) -- implied by the line above; filters before the join
	GROUP BY u.k`
		},
		{
			name: 'pay',
			sql: `	-- outcomes.sql p: the covariate (settled payments in the 30 days before the assignment) and the episode's payments
	SELECT u.k AS k,
		${d.toDouble(`sum(CASE WHEN p.paid_at < u.assigned_at AND p.paid_at >= ${d.tsAddDays('u.assigned_at', -30)} THEN p.amount END)`)} AS x,
		min(CASE WHEN ${day('p.paid_at')} >= u.started_on THEN ${day('p.paid_at')} END) AS paid_on,
		${d.toDouble(`sum(CASE WHEN ${day('p.paid_at')} >= u.started_on AND ${day('p.paid_at')} <= u.episode_end THEN p.amount END)`)} AS paid_in_episode,
		${d.boolOr(`p.plan_id IS NOT NULL AND ${day('p.paid_at')} >= u.started_on AND ${day('p.paid_at')} <= ${d.addDays('u.started_on', 30)}`)} AS plan_within_30
	FROM payments p JOIN ${R('units')} u ON u.account_id = p.account_id
	WHERE p.status = 'settled' AND ${beforeEnd('p.paid_at')}
		AND p.paid_at >= (SELECT ${d.utcDayStart(d.addDays(`min(${day('m.assigned_at')})`, -31))} FROM ${R('units')} m) -- implied by the line below; filters before the join
		AND ((p.paid_at < u.assigned_at AND p.paid_at >= ${d.tsAddDays('u.assigned_at', -30)}) OR ${day('p.paid_at')} >= u.started_on)
	GROUP BY u.k`
		},
		{
			name: 'kc',
			sql: `	SELECT u.k AS k, count(*) AS n_complaints
	FROM complaints c JOIN ${R('units')} u ON u.account_id = c.account_id
	WHERE ${beforeEnd('c.received_at')} AND ${day('c.received_at')} >= u.ws
		AND c.received_at >= (SELECT ${d.utcDayStart('min(m.ws)')} FROM ${R('units')} m)
	GROUP BY u.k`
		},
		{
			name: 'oo',
			sql: `	SELECT z.k AS k, count(*) AS n_opt_outs
	FROM (
		SELECT u.k AS k
		FROM contact_preferences cp JOIN ${R('units')} u ON u.account_id = cp.account_id
		WHERE cp.kind = 'opt_out' AND ${day('cp.effective_at')} >= u.ws AND ${day('cp.effective_at')} <= ${asOf}
		UNION ALL
		-- an opt-out without an account covers every debt of the customer
		SELECT u.k AS k
		FROM contact_preferences cp JOIN ${R('units')} u ON u.customer_id = cp.customer_id
		WHERE cp.kind = 'opt_out' AND cp.account_id IS NULL AND ${day('cp.effective_at')} >= u.ws AND ${day('cp.effective_at')} <= ${asOf}
	) z
	GROUP BY z.k`
		},
		{
			name: 'vv',
			sql: `	-- presumed_violations.sql: the latest full audit's presumed violations about the account, dated while assigned
	SELECT u.k AS k, count(*) AS n_violations
	FROM ${/^\s*(SELECT|WITH)\b/i.test(violations) ? `(${violations})` : violations} f JOIN ${R('units')} u ON u.account_id = f.account_id
	WHERE f.local_date >= u.ws AND f.local_date <= ${asOf}
	GROUP BY u.k`
		},
		{
			name: 'e',
			sql: `	-- the base columns of the metric catalogue (src/lib/metrics/counts.ts) under its names
	SELECT u.k AS k, u.arm AS arm, u.segment AS segment, u.vulnerable AS vulnerable, u.entry_week AS entry_week, u.ws AS ws,
		u.started_on AS started_on, u.cured_on AS cured_on, u.charged_off_on AS charged_off_on, u.amount_past_due AS amount_past_due,
		${nul('date')} AS closed_on, ${nul('text')} AS closed_reason,
		p.paid_on AS paid_on, p.paid_in_episode AS paid_in_episode, p.plan_within_30 AS plan_within_30,
		c.first_contact_on AS contacted_on, ${nul('date')} AS paid_after_contact_on, c.conversation_before_cure AS conversation_before_cure,
		coalesce(p.x, 0) AS x,
		c.contacts AS contacts, c.conversation AS conversation, ${d.daysBetween('u.ws', asOf)} + 1 AS exposure_days,
		kc.n_complaints AS complaints, oo.n_opt_outs AS opt_outs, vv.n_violations AS presumed_violations
	FROM ${R('units')} u
	LEFT JOIN contacts c ON c.k = u.k
	LEFT JOIN pay p ON p.k = u.k
	LEFT JOIN kc ON kc.k = u.k
	LEFT JOIN oo ON oo.k = u.k
	LEFT JOIN vv ON vv.k = u.k`
		},
		{
			name: 'f',
			sql: `	SELECT k, arm, segment, vulnerable, entry_week, ws, started_on, cured_on, charged_off_on, amount_past_due, closed_on, closed_reason,
		paid_on, paid_in_episode, contacted_on, paid_after_contact_on, x, contacts, conversation, exposure_days, complaints, opt_outs, presumed_violations,
		${episodeFactColumns(d)},
		${episodeAge(d)}
	FROM e`
		},
		{
			name: 'outcomes',
			keep: true,
			sql: `	SELECT k, arm, segment, vulnerable, entry_week, x,
		started_on IS NOT NULL AS has_episode,
		age >= 30 AS is_mature_30,
		${experimentOutcomeColumns(d)},
		pay_t, pay_event, cure_t, cure_event, contact_t, contact_event
	FROM f`
		}
	];
}

/**
 * The final query over the kept outcomes (R('outcomes')): the cells (cells.sql) and the time cells
 * (time_cells.sql) as rows of one result, told apart by `kind`.
 */
function finalQuery(d: Dialect, R: (name: string) => string): string {
	const nul = (t: ParamType) => d.castTo('NULL', t);
	// the cells: sums over the accounts in each metric's denominator (a NULL outcome is not)
	const metricCells = EXPERIMENT_OUTCOME_METRICS.flatMap((m) => [
		`count(${m}) AS ${m}__n`,
		`sum(${m}) AS ${m}__sum_y`,
		`sum(${m} * ${m}) AS ${m}__sum_y2`,
		`sum(CASE WHEN ${m} IS NOT NULL THEN x END) AS ${m}__sum_x`,
		`sum(CASE WHEN ${m} IS NOT NULL THEN x * x END) AS ${m}__sum_x2`,
		`sum(x * ${m}) AS ${m}__sum_xy`
	]);
	const cells = `SELECT 'cell' AS kind, arm, segment, vulnerable, entry_week, ${nul('text')} AS measure, ${nul('int')} AS t, ${nul('int')} AS events, ${nul('int')} AS censored,
	count(*) AS assigned, ${d.countIf('has_episode')} AS with_episode, ${d.countIf('is_mature_30')} AS mature_30,
	${metricCells.join(',\n\t')}
FROM ${R('outcomes')}
GROUP BY arm, segment, vulnerable, entry_week`;
	// the time cells: each episode once per time measure (one read of the outcomes, not one per measure)
	const measures = EXPERIMENT_TIME_MEASURES.map((m) => `SELECT '${m}' AS measure`).join(' UNION ALL ');
	const pick = (col: 't' | 'event') => `CASE ms.measure ${EXPERIMENT_TIME_MEASURES.map((m) => `WHEN '${m}' THEN o.${TIME_COLUMNS[m][col]}`).join(' ')} END`;
	const pad = cellStatColumns().map((c) => `NULL AS ${c}`);
	const times = `SELECT 'time' AS kind, arm, segment, vulnerable, ${nul('date')} AS entry_week, measure, t, ${d.countIf('event')} AS events, ${d.countIf('NOT event')} AS censored,
	${pad.join(', ')}
FROM (
	SELECT o.arm AS arm, o.segment AS segment, o.vulnerable AS vulnerable, ms.measure AS measure, ${pick('t')} AS t, ${pick('event')} AS event
	FROM ${R('outcomes')} o CROSS JOIN (${measures}) ms
	WHERE o.has_episode
) tt
WHERE t IS NOT NULL
GROUP BY arm, segment, vulnerable, measure, t`;
	return `${cells}\nUNION ALL\n${times}`;
}

/**
 * The statement of an experiment's statistics in dialect d, with the named parameters
 * $experiment (text), $start and $as_of (dates), as one statement (the steps read more than once
 * are MATERIALIZED common table expressions: PostgreSQL and DuckDB compute them once).
 * `violations`: the relation of presumed violations (account_id, local_date): the engine's
 * copied table, or on the DuckDB store itself the findings (STORE_PRESUMED_VIOLATIONS). Rows:
 * kind 'cell' (arm, segment, vulnerable, entry_week and the cell columns) or kind 'time' (arm,
 * segment, vulnerable, measure, t, events, censored); the other columns NULL.
 */
export function experimentStatsSql(d: Dialect, violations = PRESUMED_VIOLATIONS_TABLE): string {
	const id = (n: string) => n;
	const ctes = stages(d, violations, id).map((s) => `${s.name} AS ${s.keep ? 'MATERIALIZED ' : ''}(\n${s.sql}\n)`);
	return `WITH ${ctes.join(',\n')}\n${finalQuery(d, id)}`;
}

/**
 * The same as experimentStatsSql in steps, for ClickHouse, which computes a common table expression again at each
 * reading (its MATERIALIZED is experimental): each kept step becomes a temporary table of the
 * session (named with `suffix`, so that two computations at once do not meet), made from the
 * steps before it; then the final query; then the tables are dropped.
 */
export function experimentStatsSteps(d: Dialect, suffix: string, violations = PRESUMED_VIOLATIONS_TABLE): { setup: string[]; query: string; cleanup: string[] } {
	const R = (n: string) => `exp_${n}_${suffix}`;
	const all = stages(d, violations, R);
	const setup: string[] = [];
	const inline: Stage[] = [];
	for (const s of all) {
		if (!s.keep) {
			inline.push(s);
			continue;
		}
		const withs = inline.length ? `WITH ${inline.map((c) => `${c.name} AS (\n${c.sql}\n)`).join(',\n')}\n` : '';
		setup.push(`CREATE TEMPORARY TABLE ${R(s.name)} ENGINE = Memory AS\n${withs}${s.sql}`);
	}
	const kept = all.filter((s) => s.keep).map((s) => R(s.name));
	return { setup, query: finalQuery(d, R), cleanup: kept.reverse().map((t) => `DROP TEMPORARY TABLE IF EXISTS ${t}`) };
}

const key = (v: string | null) => (v == null ? '\uffff' : v);
const boolKey = (v: boolean | null) => (v == null ? 2 : v ? 1 : 0);
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** DuckDB's ORDER BY ALL of cells.sql and time_cells.sql (NULLs last, false before true) */
export function sortStats(s: Pick<ExperimentStats, 'cells' | 'time_cells'>): void {
	s.cells.sort((a, b) => cmp(a.arm, b.arm) || cmp(key(a.segment), key(b.segment)) || cmp(boolKey(a.vulnerable), boolKey(b.vulnerable)) || cmp(a.entry_week, b.entry_week));
	s.time_cells.sort(
		(a, b) => cmp(a.arm, b.arm) || cmp(key(a.segment), key(b.segment)) || cmp(boolKey(a.vulnerable), boolKey(b.vulnerable)) || cmp(a.measure, b.measure) || a.t - b.t
	);
}

const sqlCache = new Map<string, string>();
let seq = 0;

export interface EngineStatsOptions {
	/** the relation of presumed violations (default: the copied table PRESUMED_VIOLATIONS_TABLE) */
	violations?: string;
	/** the key the statistics carry (the DuckDB path's cache key); default engine:experiment@as_of */
	key?: string;
}

/**
 * The sufficient statistics of experiment e at asOf, computed in the engine: one statement,
 * whose rows are the cells and time cells (kilobytes whatever the number of accounts); the
 * per-account outcomes never leave the engine. The same structures as the DuckDB path's
 * computeStats (cells in the same order), ready for analysisFromStats.
 */
export async function engineExperimentStats(engine: Engine, e: Experiment, asOf: string, opts: EngineStatsOptions = {}): Promise<ExperimentStats> {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`the as-of date ${asOf} is not a date written YYYY-MM-DD`);
	const t0 = Date.now();
	const violations = opts.violations ?? PRESUMED_VIOLATIONS_TABLE;
	const params = { experiment: e.id, start: e.start, as_of: asOf };
	let rows: Record<string, unknown>[];
	if (engine.name === 'clickhouse') {
		const steps = experimentStatsSteps(engine.dialect, `${process.pid}_${++seq}`, violations);
		try {
			for (const s of steps.setup) await engine.query(s, params);
			rows = await engine.query<Record<string, unknown>>(steps.query, params);
		} finally {
			for (const s of steps.cleanup) await engine.exec(s);
		}
	} else {
		const cacheKey = `${engine.dialect.name}\n${violations}`;
		let sql = sqlCache.get(cacheKey);
		if (!sql) sqlCache.set(cacheKey, (sql = experimentStatsSql(engine.dialect, violations)));
		rows = await engine.query<Record<string, unknown>>(sql, params);
	}
	const cells: StatsCell[] = [];
	const time_cells: TimeCell[] = [];
	// one result: a row of kind 'time' is a time cell, any other a cell (the same reading as DuckDB's)
	for (const r of rows) {
		if (r.kind === 'time') time_cells.push(timeCellFromRow(r));
		else cells.push(statsCellFromRow(r));
	}
	const stats: ExperimentStats = { experiment: e.id, as_of: asOf, key: opts.key ?? `${engine.name}:${e.id}@${asOf}`, computed_ms: 0, cells, time_cells };
	sortStats(stats);
	stats.computed_ms = Date.now() - t0;
	return stats;
}
