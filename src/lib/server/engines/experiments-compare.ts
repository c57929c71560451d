/**
 * The experiments compared on DuckDB and on another engine (curewise engine compare): for each
 * experiment, its sufficient statistics computed by the app's own path on the DuckDB store
 * (queries/experiments/, analysis/sql.ts computeStats) and by the engine
 * (experiments-sql.ts), every cell and time cell side by side (counts exactly, sums to 1e-12
 * relative), added up per arm for display, and the analysis made from each (analysisFromStats)
 * compared field by field. The engine must hold the analytic tables and the presumed violations
 * (load.ts copyAnalyticTables, copyPresumedViolations).
 */
import type { Experiment } from '../../experiments/schema.ts';
import type { ExperimentAnalysis } from '../../experiments/analysis-types.ts';
import type { Store } from '../db/store.ts';
import { analysisFromStats } from '../experiments/analysis/analyze.ts';
import { addUp, type ExperimentStats, type StatsCell, type TimeCell } from '../experiments/analysis/cells.ts';
import { computeStats } from '../experiments/analysis/sql.ts';
import { engineExperimentStats } from './experiments-sql.ts';
import type { Engine } from './types.ts';

/**
 * Equal as the parity tests require: whole numbers exactly, other numbers to 1e-12 relative, or,
 * with `atol`, to that much absolutely. The statistics are compared without it; the analysis
 * with 1e-12 (ANALYSIS_ATOL), because some of its numbers are computed from sums with so much
 * cancellation that sums equal to the 16th digit give them equal only to the 11th: a p-value of
 * 5e-193 (the normal tail), a relative lift's bound of −0.00009 (a difference of two larger
 * numbers), a variance reduction of 0.000006 (one minus a ratio near 1), as met at 200,000
 * accounts.
 */
export function sameNumber(a: number, b: number, atol = 0): boolean {
	if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
	const d = Math.abs(a - b);
	return d <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) || d <= atol;
}

/** the absolute tolerance of the analysis's numbers (sameNumber) */
export const ANALYSIS_ATOL = 1e-12;

/** the paths where two values differ (numbers as sameNumber; at most `limit`) */
export function deepDifferences(a: unknown, b: unknown, path = '', out: string[] = [], limit = 20, atol = 0): string[] {
	if (out.length >= limit) return out;
	if (typeof a === 'number' && typeof b === 'number') {
		if (!sameNumber(a, b, atol)) out.push(`${path}: ${a} on DuckDB, ${b} on the engine`);
	} else if (a && b && typeof a === 'object' && typeof b === 'object') {
		for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) deepDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out, limit, atol);
	} else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} on DuckDB, ${JSON.stringify(b)} on the engine`);
	return out;
}

const cellKey = (c: StatsCell) => `${c.arm}/${c.segment ?? '-'}/${c.vulnerable ?? '-'}/${c.entry_week}`;
const timeKey = (c: TimeCell) => `${c.arm}/${c.segment ?? '-'}/${c.vulnerable ?? '-'}/${c.measure}/${c.t}`;

function cellDifferences<T>(a: readonly T[], b: readonly T[], key: (c: T) => string, what: string): string[] {
	const out: string[] = [];
	const bs = new Map(b.map((c) => [key(c), c]));
	for (const c of a) {
		const k = key(c);
		const o = bs.get(k);
		if (!o) out.push(`${what} ${k}: on DuckDB only`);
		else deepDifferences(c, o, `${what} ${k}`, out);
		bs.delete(k);
	}
	for (const k of bs.keys()) out.push(`${what} ${k}: on the engine only`);
	return out;
}

export interface ArmComparison {
	arm: string;
	/** DuckDB's counts of the arm (the engine's are equal when `equal`) */
	assigned: number;
	with_episode: number;
	cells: number;
	time_cells: number;
	equal: boolean;
}

export interface PrimaryEffect {
	arm: string;
	metric: string;
	duckdb: { difference: number | null; lower: number | null; upper: number | null; p_value: number | null };
	engine: { difference: number | null; lower: number | null; upper: number | null; p_value: number | null };
}

export interface ExperimentComparison {
	experiment: string;
	mode: 'sequential' | 'fixed';
	duckdb_ms: number;
	engine_ms: number;
	arms: ArmComparison[];
	/** the primary metric's effect of each treatment arm, as the analysis says it on each */
	primary: PrimaryEffect[];
	/** every cell and time cell equal */
	stats_equal: boolean;
	/** the analysis made from them equal, field by field */
	analysis_equal: boolean;
	equal: boolean;
	/** where they differ (at most a few) */
	differences: string[];
}

const effectOf = (a: Omit<ExperimentAnalysis, 'timings'>, arm: string, metric: string) => {
	const r = a.metrics.find((m) => m.arm === arm && m.metric === metric && m.roles.includes('primary'));
	return { difference: r?.difference?.estimate ?? null, lower: r?.difference?.lower ?? null, upper: r?.difference?.upper ?? null, p_value: r?.p_value ?? null };
};

/** one experiment on both engines at asOf */
export async function compareExperiment(store: Store, engine: Engine, e: Experiment, asOf: string): Promise<ExperimentComparison> {
	const d0 = Date.now();
	const duck: ExperimentStats = await computeStats(store, e, asOf, `compare:${e.id}@${asOf}`);
	const duckdbMs = Date.now() - d0;
	const e0 = Date.now();
	const other = await engineExperimentStats(engine, e, asOf);
	const engineMs = Date.now() - e0;

	const cellDiffs = cellDifferences(duck.cells, other.cells, cellKey, 'cell');
	const timeDiffs = cellDifferences(duck.time_cells, other.time_cells, timeKey, 'time cell');
	const a = analysisFromStats(e, duck, asOf);
	const b = analysisFromStats(e, other, asOf);
	const { computed_at: _a, ...ra } = a;
	const { computed_at: _b, ...rb } = b;
	const analysisDiffs = deepDifferences(ra, rb, 'analysis', [], 20, ANALYSIS_ATOL);

	const perArm = addUp(duck.cells);
	const armIds = [...new Set([...e.arms.map((x) => x.id), ...duck.cells.map((c) => c.arm), ...other.cells.map((c) => c.arm)])];
	const arms = armIds.map((arm) => {
		const prefix = `${arm}/`;
		const diff = [...cellDiffs, ...timeDiffs].some((d) => d.startsWith(`cell ${prefix}`) || d.startsWith(`time cell ${prefix}`));
		return {
			arm,
			assigned: perArm.get(arm)?.assigned ?? 0,
			with_episode: perArm.get(arm)?.with_episode ?? 0,
			cells: duck.cells.filter((c) => c.arm === arm).length,
			time_cells: duck.time_cells.filter((c) => c.arm === arm).length,
			equal: !diff
		};
	});
	const primary = e.arms
		.filter((x) => x.id !== 'control')
		.map((x) => ({ arm: x.id, metric: e.primary_metric, duckdb: effectOf(a, x.id, e.primary_metric), engine: effectOf(b, x.id, e.primary_metric) }));
	const statsEqual = cellDiffs.length === 0 && timeDiffs.length === 0;
	const analysisEqual = analysisDiffs.length === 0;
	return {
		experiment: e.id,
		mode: e.analysis.mode,
		duckdb_ms: duckdbMs,
		engine_ms: engineMs,
		arms,
		primary,
		stats_equal: statsEqual,
		analysis_equal: analysisEqual,
		equal: statsEqual && analysisEqual,
		differences: [...cellDiffs, ...timeDiffs, ...analysisDiffs].slice(0, 10)
	};
}
