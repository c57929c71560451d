/**
 * The SQL of the experiments' statistics on the engines (src/lib/server/engines/experiments-sql.ts),
 * without an engine: written in each engine's words (no DuckDB spelling in PostgreSQL's or
 * ClickHouse's), one statement for PostgreSQL, session tables with their own names for ClickHouse,
 * every cell column of the catalogue's metrics. The answers are compared with DuckDB's in
 * test/integration/engine-postgres.test.ts and engine-clickhouse.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { postgres, positional } from '../../src/lib/metrics/dialects/postgres.ts';
import { clickhouse } from '../../src/lib/metrics/dialects/clickhouse.ts';
import { duckdb } from '../../src/lib/metrics/dialect.ts';
import { EXPERIMENT_OUTCOME_METRICS } from '../../src/lib/metrics/sql.ts';
import { CELL_METRICS } from '../../src/lib/server/experiments/analysis/cells.ts';
import { experimentStatsSql, experimentStatsSteps, PRESUMED_VIOLATIONS_TABLE } from '../../src/lib/server/engines/experiments-sql.ts';

const DUCKDB_WORDS = ['::DATE', '::DOUBLE', '::INTEGER', '::VARCHAR', '::TIMESTAMPTZ', 'GROUP BY ALL', 'ORDER BY ALL', 'QUALIFY', 'EXCLUDE', 'epoch_us', 'list(', '{{metrics:'];

describe("the experiments' statistics SQL", () => {
	test('the cells carry every metric of the analysis, six sums each', () => {
		expect([...EXPERIMENT_OUTCOME_METRICS].sort()).toEqual([...CELL_METRICS].sort());
		const sql = experimentStatsSql(postgres);
		for (const m of CELL_METRICS) for (const s of ['n', 'sum_y', 'sum_y2', 'sum_x', 'sum_x2', 'sum_xy']) expect(sql).toContain(` AS ${m}__${s}`);
	});

	test("PostgreSQL's: one statement in its own words, with the three parameters", () => {
		const sql = experimentStatsSql(postgres);
		for (const w of DUCKDB_WORDS) expect(sql, w).not.toContain(w);
		expect(sql).toContain('AS MATERIALIZED (');
		expect(sql).toContain(`FROM ${PRESUMED_VIOLATIONS_TABLE} f`);
		// a boolean becomes a number through an integer (PostgreSQL has no boolean → double precision cast)
		expect(sql).toMatch(/::integer\)::double precision END AS cure_rate_30d/);
		const p = positional(sql, { experiment: 'x', start: '2026-04-01', as_of: '2026-07-01' });
		expect(p.values).toEqual(['2026-04-01', 'x', '2026-07-01']);
	});

	test("ClickHouse's: the units and outcomes as session tables named for the computation, then dropped", () => {
		const s = experimentStatsSteps(clickhouse, '7_1');
		expect(s.setup).toHaveLength(3);
		expect(s.setup.map((q) => /^CREATE TEMPORARY TABLE (\w+) ENGINE = Memory AS/.exec(q)?.[1])).toEqual(['exp_xa_7_1', 'exp_units_7_1', 'exp_outcomes_7_1']);
		expect(s.cleanup).toEqual(['DROP TEMPORARY TABLE IF EXISTS exp_outcomes_7_1', 'DROP TEMPORARY TABLE IF EXISTS exp_units_7_1', 'DROP TEMPORARY TABLE IF EXISTS exp_xa_7_1']);
		const all = [...s.setup, s.query].join('\n');
		for (const w of [...DUCKDB_WORDS, 'FILTER (WHERE', 'bool_or', 'MATERIALIZED', '$as_of', '::']) expect(all, w).not.toContain(w);
		expect(all).toContain('{as_of:Nullable(Date32)}');
		expect(s.query).toContain('FROM exp_outcomes_7_1');
		// another computation gets other tables
		expect(experimentStatsSteps(clickhouse, '7_2').setup[0]).toContain('exp_xa_7_2');
	});

	test("DuckDB's (the check of the generated SQL against the app's own path) reads the store's findings when told", () => {
		const sql = experimentStatsSql(duckdb, 'SELECT account_id, local_date FROM compliance_findings');
		expect(sql).toContain('FROM (SELECT account_id, local_date FROM compliance_findings) f');
	});
});
