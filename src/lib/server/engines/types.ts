/**
 * An engine: where the analytic tables live and the metric SQL runs (issue 19, docs/engines.md).
 * DuckDB (the store's own file, the default) or PostgreSQL (a server through `pg`, or PGlite
 * embedded in the process). Each engine has its dialect (src/lib/metrics/dialect.ts), and every
 * statement given to `query` is written with named parameters (`$as_of`), whatever the engine.
 */
import type { Dialect } from '../../metrics/dialect.ts';

export type EngineName = 'duckdb' | 'postgres' | 'clickhouse';
export const ENGINE_NAMES = ['duckdb', 'postgres', 'clickhouse'] as const satisfies readonly EngineName[];

export type EngineRow = Record<string, unknown>;

export interface Engine {
	readonly name: EngineName;
	readonly dialect: Dialect;
	/** where it runs, in words, for messages (never a password) */
	readonly where: string;
	/**
	 * Rows of one statement with named parameters ($name; parameters it does not use are
	 * ignored). Values come back as plain JavaScript, the same in every engine: counts, integers,
	 * decimals and doubles as numbers, booleans, text, dates as the Date of their UTC midnight,
	 * timestamps as Date.
	 */
	query<T = EngineRow>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
	/** statements without parameters or results (DDL), one or several separated by semicolons */
	exec(sql: string): Promise<void>;
	/**
	 * Appends rows given as CSV text (every field quoted, NULL an empty unquoted field) to a
	 * table: PostgreSQL's COPY FROM STDIN. PostgreSQL engines only (engines/load.ts).
	 */
	copyCsv?(table: string, columns: readonly string[], csv: string): Promise<void>;
	close(): Promise<void>;
}
