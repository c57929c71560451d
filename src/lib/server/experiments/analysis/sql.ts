/**
 * The SQL of an experiment's analysis: computes the per-account outcomes in DuckDB by the
 * queries of queries/experiments/ (units → contacts → presumed_violations → outcomes, as
 * temporary tables on a connection of their own) and reads back only their sufficient
 * statistics per cell (cells.sql, time_cells.sql; see cells.ts). Reads every interaction of
 * the assigned accounts: seconds at hundreds of thousands of accounts, hence cache.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import type { Experiment, ExperimentMetric } from '../../../experiments/schema.ts';
import type { CovariateStats } from '../../../stats/cuped.ts';
import { rows as connRows, type Store } from '../../db/store.ts';
import { querySql } from '../../paths.ts';
import { CELL_METRICS, type ExperimentStats, type StatsCell, type TimeCell } from './cells.ts';

const num = (v: unknown): number => (v == null ? 0 : Number(v));
const isoDay = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const sql = (name: string) => querySql('experiments/' + name).replace(/;\s*$/, '');

async function run(conn: DuckDBConnection, text: string, params?: Record<string, string>): Promise<Record<string, unknown>[]> {
	return connRows(conn, text, params);
}

/** one row of cells.sql (or an engine's cells, engines/experiments-sql.ts) as a cell of sufficient statistics */
export function statsCellFromRow(r: Record<string, unknown>): StatsCell {
	const m: Partial<Record<ExperimentMetric, CovariateStats>> = {};
	for (const k of CELL_METRICS)
		m[k] = {
			n: num(r[`${k}__n`]),
			sumY: num(r[`${k}__sum_y`]),
			sumY2: num(r[`${k}__sum_y2`]),
			sumX: num(r[`${k}__sum_x`]),
			sumX2: num(r[`${k}__sum_x2`]),
			sumXY: num(r[`${k}__sum_xy`])
		};
	return {
		arm: String(r.arm),
		segment: r.segment == null ? null : String(r.segment),
		vulnerable: r.vulnerable == null ? null : Boolean(r.vulnerable),
		entry_week: isoDay(r.entry_week),
		assigned: num(r.assigned),
		with_episode: num(r.with_episode),
		mature_30: num(r.mature_30),
		m
	};
}

/** one row of time_cells.sql (or an engine's time cells) as a time cell */
export function timeCellFromRow(r: Record<string, unknown>): TimeCell {
	return {
		arm: String(r.arm),
		segment: r.segment == null ? null : String(r.segment),
		vulnerable: r.vulnerable == null ? null : Boolean(r.vulnerable),
		measure: String(r.measure) as ExperimentMetric,
		t: num(r.t),
		events: num(r.events),
		censored: num(r.censored)
	};
}

/** the per-account outcomes and their sufficient statistics, on a connection of its own */
export async function computeStats(store: Store, e: Experiment, asOf: string, key: string): Promise<ExperimentStats> {
	const t0 = Date.now();
	const conn = await store.connect();
	try {
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_units AS\n${sql('units')}`, { experiment: e.id, start: e.start, as_of: asOf });
		const [b] = await run(conn, `SELECT min(ws)::VARCHAR AS from_day, (min(assigned_at)::DATE - 31)::VARCHAR AS pre_from FROM exp_units`);
		const p = { from: (b?.from_day as string | null) ?? asOf, pre_from: (b?.pre_from as string | null) ?? asOf, as_of: asOf };
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_contacts AS\n${sql('contacts')}`, p);
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_violations AS\n${sql('presumed_violations')}`, p);
		await run(conn, `CREATE OR REPLACE TEMP TABLE exp_outcomes AS\n${sql('outcomes')}`, p);
		const cellRows = await run(conn, sql('cells'));
		const timeRows = await run(conn, sql('time_cells'));
		const cells = cellRows.map(statsCellFromRow);
		const time_cells = timeRows.map(timeCellFromRow);
		return { experiment: e.id, as_of: asOf, key, computed_ms: Date.now() - t0, cells, time_cells };
	} finally {
		conn.closeSync();
	}
}

/**
 * A hash of the SQL the statistics come from (the outcomes, generated from the metric
 * catalogue): statistics kept by an earlier release, with other metrics, are not reused.
 */
let layout: string | null = null;
export function statsLayout(): string {
	layout ??= createHash('sha256')
		.update(['units', 'contacts', 'presumed_violations', 'outcomes', 'cells', 'time_cells'].map((q) => querySql(`experiments/${q}`)).join('\n'))
		.digest('hex')
		.slice(0, 16);
	return layout;
}

