/**
 * A SQL dialect: the few functions whose spelling differs between engines (date arithmetic,
 * conditional aggregates, casts, calendar truncation, bound parameters). The metric SQL in
 * sql.ts is written only through this object, never in one engine's words, so that another
 * engine is one more object (in the manner of GrowthBook's integrations/dialects): `duckdb` here,
 * `postgres` in dialects/postgres.ts (docs/engines.md). Bound parameters are written by name
 * (`$as_of`) in every dialect; an engine whose driver takes positional parameters maps the names
 * to positions when it runs the statement (dialects/postgres.ts `positional`). Pure.
 */
export type ParamType = 'date' | 'timestamp' | 'text' | 'int' | 'bool';

export interface Dialect {
	readonly name: string;
	/** a bound parameter, typed */
	param(name: string, type: ParamType): string;
	/** whole days from date a to date b (b − a) */
	daysBetween(a: string, b: string): string;
	/** date d plus n days */
	addDays(d: string, n: string | number): string;
	/** the UTC calendar day of a timestamp */
	utcDate(ts: string): string;
	/** the instant a UTC calendar day d (a date) starts, as a timestamp with time zone */
	utcDayStart(d: string): string;
	/** the Monday of the week of date d */
	weekStart(d: string): string;
	/** the first day of the month of date d */
	monthStart(d: string): string;
	/** count of the rows where pred holds */
	countIf(pred: string): string;
	/** sum of expr over the rows where pred holds, 0 when none */
	sumIf(expr: string, pred: string): string;
	/** whether pred holds on any row (NULL ignored; NULL when every row's is NULL) */
	boolOr(pred: string): string;
	/** a floating-point number */
	toDouble(x: string): string;
	/** an integer */
	toInt(x: string): string;
	/** a yes/no as 1.0 or 0.0 (NULL stays NULL): PostgreSQL has no direct cast of a boolean to a double */
	boolToDouble(x: string): string;
	/** timestamp ts plus n days (n may be negative), in UTC */
	tsAddDays(ts: string, n: string | number): string;
	/** x as a value of the type (a typed NULL: castTo('NULL', 'date')) */
	castTo(x: string, type: ParamType): string;
}

const DUCKDB_TYPES: Record<ParamType, string> = { date: 'DATE', timestamp: 'TIMESTAMPTZ', text: 'VARCHAR', int: 'INTEGER', bool: 'BOOLEAN' };

export const duckdb: Dialect = {
	name: 'duckdb',
	param: (name, type) => `$${name}::${DUCKDB_TYPES[type]}`,
	daysBetween: (a, b) => `(${b} - ${a})::INTEGER`,
	addDays: (d, n) => `(${d} + ${n})`,
	// the store's sessions run in UTC (Store.connect), so the cast is the UTC day
	utcDate: (ts) => `${ts}::DATE`,
	utcDayStart: (d) => `${d}::TIMESTAMPTZ`,
	weekStart: (d) => `date_trunc('week', ${d})::DATE`,
	monthStart: (d) => `date_trunc('month', ${d})::DATE`,
	countIf: (pred) => `count(*) FILTER (WHERE ${pred})`,
	sumIf: (expr, pred) => `coalesce(sum(${expr}) FILTER (WHERE ${pred}), 0)`,
	boolOr: (pred) => `bool_or(${pred})`,
	toDouble: (x) => `(${x})::DOUBLE`,
	toInt: (x) => `(${x})::INTEGER`,
	boolToDouble: (x) => `(${x})::DOUBLE`,
	tsAddDays: (ts, n) => `(${ts} + INTERVAL (${n}) DAY)`,
	castTo: (x, type) => `CAST(${x} AS ${DUCKDB_TYPES[type]})`
};
