/**
 * The ClickHouse dialect of the metric SQL (the functions of the Dialect interface, dialect.ts),
 * written by hand. It runs on chdb, ClickHouse embedded in the process
 * (src/lib/server/engines/clickhouse.ts). Parameters are ClickHouse's own, `{name:Type}`, bound by
 * the engine (never pasted into the text), all Nullable so that an absent filter is NULL as in
 * DuckDB. Dates are Date32 (the full range), timestamps DateTime64(6, 'UTC'). NULL semantics as
 * DuckDB's need the session settings the engine sets (CLICKHOUSE_SETTINGS): outer joins fill
 * NULL, not a default value; sum of no rows is NULL; calendar functions of a Date32 return a
 * Date32. The differences met are listed in docs/engines.md. Pure.
 */
import type { Dialect, ParamType } from '../dialect.ts';

export const CLICKHOUSE_TYPES: Record<ParamType, string> = {
	date: 'Nullable(Date32)',
	timestamp: "Nullable(DateTime64(6, 'UTC'))",
	text: 'Nullable(String)',
	int: 'Nullable(Int32)',
	bool: 'Nullable(Bool)'
};

/** the settings under which the dialect's SQL answers as DuckDB's (every query of the engine runs with them) */
export const CLICKHOUSE_SETTINGS: Record<string, string | number> = {
	// a LEFT JOIN's missing row is NULL (not 0 or ''), as in DuckDB
	join_use_nulls: 1,
	// sum/min/max over no rows is NULL, as in DuckDB (count stays 0)
	aggregate_functions_null_for_empty: 1,
	// toMonday/toStartOfMonth of a Date32 stay Date32 (not Date, which ends in 2149 and starts in 1970)
	enable_extended_results_for_datetime_functions: 1,
	session_timezone: 'UTC',
	// a time of day (contact_preferences.local_start) is a Time64, as DuckDB's TIME
	enable_time_time64_type: 1
};

export const clickhouse: Dialect = {
	name: 'clickhouse',
	param: (name, type) => `{${name}:${CLICKHOUSE_TYPES[type]}}`,
	daysBetween: (a, b) => `toInt32(dateDiff('day', ${a}, ${b}))`,
	addDays: (d, n) => `addDays(${d}, ${n})`,
	utcDate: (ts) => `toDate32(${ts}, 'UTC')`,
	utcDayStart: (d) => `toDateTime64(${d}, 6, 'UTC')`,
	weekStart: (d) => `toMonday(${d})`,
	monthStart: (d) => `toStartOfMonth(${d})`,
	countIf: (pred) => `countIf(${pred})`,
	sumIf: (expr, pred) => `coalesce(sumIf(${expr}, ${pred}), 0)`,
	// ClickHouse has no bool_or; max of a Bool ignores NULL as bool_or does
	boolOr: (pred) => `max(toBool(${pred}))`,
	toDouble: (x) => `toFloat64(${x})`,
	// DuckDB's ::INTEGER of a double rounds half to even (2.5 → 2, 3.5 → 4); toInt32 alone would truncate
	toInt: (x) => `toInt32(roundBankers(${x}))`,
	boolToDouble: (x) => `toFloat64(${x})`,
	tsAddDays: (ts, n) => `addDays(${ts}, ${n})`,
	castTo: (x, type) => `CAST(${x} AS ${CLICKHOUSE_TYPES[type]})`
};
