/**
 * Turns the contract catalogue into the SQL that types and checks a staged file: one
 * expression per column that types the raw text, and one per rule that yields the reason
 * in plain words (or NULL). Identifiers come only from the catalogue; values never reach
 * the SQL text.
 */
import type { Column, TableDef } from '../../contract.ts';
import { maxChars } from './limits.ts';

export const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** raw text of column c as staged (NULL when the file lacks the column) */
export const rawRef = (c: string) => q('r_' + c);

/** text columns are stored as read: their raw text is the column itself, kept once */
export const passThrough = (c: Column) => c.type === 'text' || c.type === 'timezone';

/** where a column's raw text is while staging (read from the file) */
export const stagedRaw = (c: Column) => (passThrough(c) ? q(c.name) : rawRef(c.name));

/**
 * where a column's raw text is once staged: an enum's raw text is kept only where it differs
 * from the typed value (invalid, or in other letter case), which saves most of the copy
 */
export const storedRaw = (c: Column) => (c.type === 'enum' ? `coalesce(${rawRef(c.name)}, ${q(c.name)})` : stagedRaw(c));

/** what the stage keeps of an enum's raw text (see storedRaw) */
export const enumRawKept = (c: Column, typed: string) => `CASE WHEN ${rawRef(c.name)} IS DISTINCT FROM ${typed} THEN ${rawRef(c.name)} END AS ${rawRef(c.name)}`;

const TS_NO_OFFSET_RE = String.raw`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?`;

/**
 * The raw value (an empty field reads as NULL), while staging or once staged. Values are
 * not trimmed: an export's " retail" is not the enum value retail, and the reason says so.
 */
const v = (c: Column, present: boolean, staged = false) => (present ? (staged ? stagedRaw(c) : storedRaw(c)) : 'NULL::VARCHAR');

/** a raw value quoted for a message, cut to 60 characters */
const shown = (c: Column) => `'"' || left(${storedRaw(c)}, 60) || '"'`;

/** SQL typing one column's raw text; NULL when empty or invalid (invalid rows are quarantined) */
export function typedExpr(c: Column, present: boolean): string {
	const x = v(c, present, true);
	let typed: string;
	switch (c.type) {
		case 'text':
			typed = x;
			break;
		case 'enum':
			// list_contains, not IN: DuckDB turns a long IN list into a join, which loses the row order
			typed = `CASE WHEN list_contains([${(c.values ?? []).map(lit).join(', ')}], lower(${x})) THEN lower(${x}) END`;
			break;
		case 'date':
			typed = `CASE WHEN length(${x}) = 10 THEN TRY_CAST(${x} AS DATE) END`;
			break;
		case 'timestamptz':
			// an offset or Z is required: cheap string tests on the hot path, the full pattern only in the reason
			typed =
				`CASE WHEN length(${x}) >= 17 AND (right(${x}, 1) IN ('Z', 'z') OR contains(substr(${x}, 17), '+') OR contains(substr(${x}, 17), '-')) ` +
				`THEN coalesce(TRY_CAST(${x} AS TIMESTAMPTZ), TRY_CAST(regexp_replace(${x}, '^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2})([Zz+-])', '\\1T\\2:00\\3') AS TIMESTAMPTZ)) END`;
			break;
		case 'decimal':
			typed = `CASE WHEN NOT contains(${x}, '.') OR length(${x}) - strpos(${x}, '.') BETWEEN 1 AND 2 THEN TRY_CAST(${x} AS DECIMAL(18,2)) END`;
			break;
		case 'int':
			typed = `TRY_CAST(${x} AS INTEGER)`;
			break;
		case 'bool':
			typed = `CASE WHEN list_contains(['true', 't', '1', 'yes', 'y'], lower(${x})) THEN true WHEN list_contains(['false', 'f', '0', 'no', 'n'], lower(${x})) THEN false END`;
			break;
		case 'time':
			typed = `CASE WHEN regexp_full_match(${x}, '\\d{1,2}:\\d{2}(:\\d{2})?') THEN TRY_CAST(${x} AS TIME) END`;
			break;
		case 'timezone':
			// checked against the zone list in columnChecks: a join here would lose the file's row order
			typed = x;
			break;
		case 'region':
			typed = `CASE WHEN regexp_full_match(upper(${x}), '[A-Z]{2}-[A-Z0-9]{1,3}') THEN upper(${x}) END`;
			break;
		case 'currency':
			typed = `CASE WHEN regexp_full_match(upper(${x}), '[A-Z]{3}') THEN upper(${x}) END`;
			break;
	}
	return c.default !== undefined ? `CASE WHEN ${x} IS NULL THEN ${c.default} ELSE ${typed} END` : typed;
}

const typeWords: Record<Column['type'], string> = {
	text: 'text',
	enum: 'value',
	date: 'a date (YYYY-MM-DD)',
	timestamptz: 'a timestamp with a UTC offset (e.g. 2026-03-02T14:05:00-05:00)',
	decimal: 'a decimal number with at most 2 fraction digits',
	int: 'a whole number',
	bool: 'a boolean (true or false)',
	time: 'a time of day (HH:MM:SS)',
	timezone: 'a known IANA time zone (e.g. America/New_York)',
	region: 'an ISO 3166-2 subdivision (e.g. US-MA)',
	currency: 'an ISO 4217 currency code (e.g. USD)'
};

/** one broken rule: when `when` is true, `say` gives the reason in plain words */
export interface Check {
	when: string;
	say: string;
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** bytes first (cheap: DuckDB keeps a string's length), characters only for a value that may be over */
const longerThan = (raw: string, max: number) => `strlen(${raw}) > ${max} AND length(${raw}) > ${max}`;

/**
 * A value longer than its column's limit (limits.ts), with the row's line given by the
 * quarantine: `agent_id is 1,048,576 characters long; the limit is 1,000`
 */
export function lengthCheck(column: string, raw: string, max: number): Check {
	return {
		when: longerThan(raw, max),
		say: `${lit(column + ' is ')} || format('{:,}', length(${raw})) || ${lit(` characters long; the limit is ${thousands(max)}`)}`
	};
}

/**
 * A raw value as the quarantine keeps it: one over its limit is cut there and says so, so the
 * quarantine stays small, and the cut value, still too long, is quarantined again if imported
 */
export const quarantinedRaw = (raw: string, max: number) =>
	`CASE WHEN ${longerThan(raw, max)} THEN left(${raw}, ${max}) || ' …[cut: ' || format('{:,}', length(${raw})) || ' characters]' ELSE ${raw} END`;

/** the checks of one column, over raw (r_x) and typed (x) columns */
export function columnChecks(c: Column, present: boolean): Check[] {
	const out: Check[] = [];
	const x = v(c, present);
	const name = q(c.name);
	if (c.required) out.push({ when: `${x} IS NULL`, say: lit(c.name + ' is missing') });
	if (!present) return out;
	out.push(lengthCheck(c.name, x, maxChars(c)));
	const invalid = `${x} IS NOT NULL AND ${name} IS NULL`;
	if (c.type === 'timestamptz') {
		out.push({
			when: invalid,
			say:
				`${lit(c.name + ' ')} || ${shown(c)} || ` +
				`CASE WHEN regexp_full_match(${x}, '${TS_NO_OFFSET_RE}') THEN ' has no UTC offset' ELSE ${lit(' is not ' + typeWords.timestamptz)} END`
		});
	} else if (c.type === 'enum') {
		out.push({ when: invalid, say: `${lit(c.name + ' ')} || ${shown(c)} || ${lit(' is not one of ' + (c.values ?? []).join(', '))}` });
	} else if (c.type === 'timezone') {
		out.push({ when: `${x} IS NOT NULL AND ${x} NOT IN (SELECT name FROM cw_zones)`, say: `${lit(c.name + ' ')} || ${shown(c)} || ${lit(' is not ' + typeWords.timezone)}` });
	} else if (c.type !== 'text') {
		out.push({ when: invalid, say: `${lit(c.name + ' ')} || ${shown(c)} || ${lit(' is not ' + typeWords[c.type])}` });
	}
	if (c.min !== undefined && c.max !== undefined) {
		out.push({ when: `${name} NOT BETWEEN ${c.min} AND ${c.max}`, say: `${lit(`${c.name} `)} || ${name} || ${lit(` is outside ${c.min}–${c.max}`)}` });
	}
	if (c.greaterThan !== undefined) {
		out.push({ when: `${name} <= ${c.greaterThan}`, say: `${lit(`${c.name} `)} || ${name} || ${lit(` is not greater than ${c.greaterThan}`)}` });
	}
	return out;
}

export interface CheckPlan {
	/** SELECT list typing every contract column that is not staged as it is */
	typed: string[];
	/** every check, over typed and ref_ columns */
	checks: Check[];
	/** LEFT JOINs for references, over the typed cte aliased t */
	joins: string[];
	/** the columns the joins add */
	refColumns: string[];
}

export function checkPlan(table: TableDef, present: Set<string>): CheckPlan {
	// a text column present in the file is already staged under its own name
	const typed = table.columns
		.filter((c) => !(passThrough(c) && present.has(c.name)))
		.map((c) => `${typedExpr(c, present.has(c.name))} AS ${q(c.name)}`);
	const checks = table.columns.flatMap((c) => columnChecks(c, present.has(c.name)));
	const joins: string[] = [];
	const refColumns: string[] = [];
	table.references.forEach((r, i) => {
		const alias = `ref${i}`;
		const found = `${alias}.${q('ref_found_' + r.column)}`;
		const cols = [`${q(r.key)} AS ${q('ref_found_' + r.column)}`, ...r.expose.map((e) => `${q(e)} AS ${q('ref_' + e)}`)];
		joins.push(`LEFT JOIN (SELECT ${cols.join(', ')} FROM ${q(r.table)}) ${alias} ON t.${q(r.column)} = ${found}`);
		refColumns.push(found, ...r.expose.map((e) => `${alias}.${q('ref_' + e)}`));
		checks.push({
			when: `t.${q(r.column)} IS NOT NULL AND ${q('ref_found_' + r.column)} IS NULL`,
			say: `${lit(r.column + ' "')} || t.${q(r.column)} || ${lit('" does not exist in ' + r.table)}`
		});
	});
	for (const rule of table.rules) checks.push({ when: `coalesce((${rule.broken}), false)`, say: rule.message });
	return { typed, checks, joins, refColumns };
}

/** true when any check fails (cheap: no strings built) */
export const anyBroken = (checks: Check[]) => checks.map((c) => `coalesce(${c.when}, false)`).join(' OR ') || 'false';

/** the list of reasons (only evaluate for broken rows) */
export const reasonList = (checks: Check[]) =>
	`list_filter([${checks.map((c) => `CASE WHEN ${c.when} THEN ${c.say} END`).join(',\n\t\t')}]::VARCHAR[], x -> x IS NOT NULL)`;
