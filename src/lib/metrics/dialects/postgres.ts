/**
 * The PostgreSQL dialect of the metric SQL (the functions of the Dialect interface, dialect.ts),
 * written by hand, not by a transpiler (issue 19: a transpiler turned DuckDB's day difference
 * into an expression that answered 0 where DuckDB answered 1). It runs on PostgreSQL 15 and later
 * and on PGlite (src/lib/server/engines/postgres.ts). The differences from DuckDB it handles are
 * listed in docs/engines.md. Pure.
 */
import type { Dialect, ParamType } from '../dialect.ts';

const PG_TYPES: Record<ParamType, string> = { date: 'date', timestamp: 'timestamptz', text: 'text', int: 'integer', bool: 'boolean' };

export const postgres: Dialect = {
	name: 'postgres',
	// every parameter carries its type: PostgreSQL cannot infer one from `$1 IS NULL` alone
	param: (name, type) => `$${name}::${PG_TYPES[type]}`,
	// date − date is already a whole number of days (integer) in PostgreSQL
	daysBetween: (a, b) => `((${b}) - (${a}))::integer`,
	// date + integer is a date; date + bigint does not exist, so the days are made an integer
	addDays: (d, n) => `((${d}) + (${n})::integer)`,
	// independent of the session's time zone: the instant seen in UTC, then its day
	utcDate: (ts) => `((${ts}) AT TIME ZONE 'UTC')::date`,
	utcDayStart: (d) => `((${d})::timestamp AT TIME ZONE 'UTC')`,
	// date_trunc of a date would go through timestamptz (the session's zone): truncate a timestamp without one
	weekStart: (d) => `date_trunc('week', (${d})::timestamp)::date`,
	monthStart: (d) => `date_trunc('month', (${d})::timestamp)::date`,
	countIf: (pred) => `count(*) FILTER (WHERE ${pred})`,
	sumIf: (expr, pred) => `coalesce(sum(${expr}) FILTER (WHERE ${pred}), 0)`,
	boolOr: (pred) => `bool_or(${pred})`,
	toDouble: (x) => `(${x})::double precision`,
	toInt: (x) => `(${x})::integer`,
	// a boolean casts to integer (1, 0), not to double precision
	boolToDouble: (x) => `((${x})::integer)::double precision`,
	tsAddDays: (ts, n) => `((${ts}) + (${n}) * interval '1 day')`,
	castTo: (x, type) => `CAST(${x} AS ${PG_TYPES[type]})`
};

export interface Positional {
	/** the statement with `$1`, `$2`, … in place of the names */
	text: string;
	/** the values, in the order of the positions */
	values: unknown[];
}

/**
 * A statement written with named parameters (`$as_of`, as every dialect writes them) made
 * positional for a PostgreSQL driver (pg, PGlite): each distinct name gets one position, in the
 * order of its first use; a name used twice is bound once. String literals ('…'), quoted names
 * ("…"), dollar-quoted strings and comments are left as they are. A name the statement uses and
 * `params` lacks is an error that names it (a parameter left out would otherwise run as NULL);
 * parameters the statement does not use are ignored, as the DuckDB store does.
 */
export function positional(sql: string, params: Record<string, unknown> = {}): Positional {
	const index = new Map<string, number>();
	const values: unknown[] = [];
	let out = '';
	let i = 0;
	while (i < sql.length) {
		const c = sql[i]!;
		const next = sql[i + 1];
		if (c === "'" || c === '"') {
			const end = closing(sql, i, c);
			out += sql.slice(i, end);
			i = end;
		} else if (c === '-' && next === '-') {
			const end = sql.indexOf('\n', i);
			const stop = end < 0 ? sql.length : end;
			out += sql.slice(i, stop);
			i = stop;
		} else if (c === '/' && next === '*') {
			const end = sql.indexOf('*/', i + 2);
			const stop = end < 0 ? sql.length : end + 2;
			out += sql.slice(i, stop);
			i = stop;
		} else if (c === '$') {
			const dollarTag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i));
			const named = /^\$([A-Za-z_]\w*)/.exec(sql.slice(i));
			if (dollarTag) {
				// a dollar-quoted string: $$…$$ or $tag$…$tag$
				const end = sql.indexOf(dollarTag[0], i + dollarTag[0].length);
				const stop = end < 0 ? sql.length : end + dollarTag[0].length;
				out += sql.slice(i, stop);
				i = stop;
			} else if (named && !/\w/.test(sql[i - 1] ?? '')) {
				const name = named[1]!;
				if (!Object.hasOwn(params, name)) throw new Error(`the statement uses the parameter $${name}, which was not given (given: ${Object.keys(params).join(', ') || 'none'})`);
				let pos = index.get(name);
				if (pos === undefined) {
					values.push(params[name]);
					pos = values.length;
					index.set(name, pos);
				}
				out += `$${pos}`;
				i += named[0].length;
			} else {
				out += c;
				i++;
			}
		} else {
			out += c;
			i++;
		}
	}
	return { text: out, values };
}

/** the index just after the quote that closes the one at `start` (a doubled quote is part of the text) */
function closing(sql: string, start: number, q: string): number {
	let i = start + 1;
	while (i < sql.length) {
		if (sql[i] === q) {
			if (sql[i + 1] === q) i += 2;
			else return i + 1;
		} else i++;
	}
	return sql.length;
}
