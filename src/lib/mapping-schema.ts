/**
 * Mappings (docs/mappings.md): a YAML file in mappings/ that says how one source file, an export
 * that does not follow the data contract, becomes one or more of the contract's tables. This
 * module is the file's zod schema and the checks that need only the contract (a target column
 * that the table does not have, a required column left out); the checks that need the source
 * file (its columns, the DuckDB expressions) are in src/lib/server/ingest/mapping-sql.ts.
 *
 * Every message names the field as a path (`tables.accounts.columns.region.expr: …`); the
 * loader puts the file's name in front. Shared by server and browser: no I/O here.
 */
import { z } from 'zod';
import { ANNOTATION_COLUMNS, tableDef, TABLE_NAMES, type ColumnType, type TableName } from './contract.ts';

/** a mapping's name: its file in mappings/ without .yaml */
export const MAPPING_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const mappingNameSchema = z
	.string()
	.regex(MAPPING_NAME, { error: 'a mapping is named by its file in mappings/ without .yaml: lower-case letters, digits, - and _' });

/** names a mapping gives to new columns (unpivot, let): usable in expressions without quotes */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const identifier = z.string().regex(IDENT, { error: 'a name of letters, digits and _ that does not start with a digit' });

/** "unknown field "colums"; a table has unpivot, let, where, columns, extra" */
const strict = <S extends z.ZodRawShape>(shape: S, what: string) =>
	z.strictObject(shape, {
		error: (iss) =>
			iss.code === 'unrecognized_keys'
				? `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}; ${what} has ${Object.keys(shape).join(', ')}`
				: undefined
	});

const literal = z.union([z.string(), z.number(), z.boolean()], { error: 'expected text, a number or true/false' });

const columnObject = strict(
	{
		/** a column of the source (or a name made by unpivot or let), taken as it is: a rename */
		from: z.string().min(1).optional(),
		/** a DuckDB SQL expression over the source's columns (and the unpivot and let names) */
		expr: z.string().min(1).optional(),
		/** the same value on every row */
		value: literal.optional(),
		/** a value map: the source's value (as text) → the value written; others are kept as they are, or become `default` */
		values: z.record(z.string(), z.union([literal, z.null()])).optional(),
		/** with values: what a value that the map does not name becomes (null: empty) */
		default: z.union([literal, z.null()]).optional(),
		/** the source's text is a date or time in this strptime format (e.g. %d/%m/%Y, %m/%d/%Y %H:%M) */
		date_format: z.string().min(1).optional(),
		/** the time zone of a date or time that has no offset (an IANA name, e.g. Asia/Taipei) */
		timezone: z.string().min(1).optional()
	},
	'a column'
).superRefine((c, ctx) => {
	const kinds = (['from', 'expr', 'value'] as const).filter((k) => c[k] !== undefined);
	if (kinds.length !== 1) {
		ctx.addIssue({
			code: 'custom',
			message: kinds.length === 0 ? 'say where the value comes from: from (a source column), expr (an expression) or value (a constant)' : `give one of ${kinds.join(' and ')}, not both`
		});
	}
	if (c.default !== undefined && c.values === undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: 'default is for a value map: give values too' });
});

/** a column's spec: a plain text is the source column of that name (a rename) */
export const columnSpecSchema = z.preprocess((v) => (typeof v === 'string' ? { from: v } : v), columnObject);
export type ColumnSpec = z.infer<typeof columnObject>;

const unpivotSchema = strict(
	{
		/** the new column that holds each group's label (`as`) */
		name: identifier,
		/** the new columns that hold each group's values, in the order of each group's columns */
		values: z.array(identifier).min(1),
		/** the groups: each source row becomes one row per group */
		on: z
			.array(
				strict(
					{
						as: z.union([z.string().min(1), z.number()]).transform(String),
						columns: z.array(z.string().min(1)).min(1)
					},
					'a group'
				)
			)
			.min(1)
	},
	'unpivot'
).superRefine((u, ctx) => {
	for (const [i, g] of u.on.entries()) {
		if (g.columns.length !== u.values.length) {
			ctx.addIssue({
				code: 'custom',
				path: ['on', i, 'columns'],
				message: `the group "${g.as}" has ${g.columns.length} column${g.columns.length === 1 ? '' : 's'}, but values names ${u.values.length} (${u.values.join(', ')})`
			});
		}
	}
	const labels = u.on.map((g) => g.as);
	const twice = labels.find((l, i) => labels.indexOf(l) !== i);
	if (twice !== undefined) ctx.addIssue({ code: 'custom', path: ['on'], message: `two groups are labelled "${twice}"` });
	const names = [u.name, ...u.values].map((n) => n.toLowerCase());
	const dup = names.find((n, i) => names.indexOf(n) !== i);
	if (dup) ctx.addIssue({ code: 'custom', path: ['values'], message: `the name ${dup} is used twice` });
});
export type UnpivotSpec = z.infer<typeof unpivotSchema>;

const tableSpecSchema = strict(
	{
		/** wide to long: groups of source columns become rows */
		unpivot: unpivotSchema.optional(),
		/** named expressions computed in order, each over the source, unpivot and the names before it; windows go here */
		let: z.record(identifier, z.string().min(1)).optional(),
		/** which rows become rows of the table: a condition over the columns, the unpivot and let names */
		where: z.string().min(1).optional(),
		/** the contract's columns */
		columns: z.record(z.string(), columnSpecSchema),
		/** columns kept in the table's `extra` (JSON), under these names */
		extra: z.record(z.string(), columnSpecSchema).optional()
	},
	'a table'
);
export type TableSpec = z.infer<typeof tableSpecSchema>;

export const SOURCE_FORMATS = ['csv', 'parquet'] as const;

export const mappingSchema = strict(
	{
		/** what the mapping imports, in a few words (the Data page lists it) */
		title: z.string().min(1),
		description: z.string().optional(),
		source: strict(
			{
				/** default: from the file (Parquet by its extension or content, else CSV) */
				format: z.enum(SOURCE_FORMATS).optional(),
				/** a CSV file's separator; default: detected */
				delimiter: z.string().length(1, { error: 'a delimiter is one character' }).optional()
			},
			'source'
		).optional(),
		tables: z
			.record(z.string(), tableSpecSchema)
			.superRefine((r, ctx) => {
				for (const k of Object.keys(r)) {
					if (!(TABLE_NAMES as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `unknown table "${k}"; the contract's tables are ${TABLE_NAMES.join(', ')}` });
				}
			})
			.transform((r) => r as Partial<Record<TableName, TableSpec>>)
	},
	'a mapping'
);
export type Mapping = z.infer<typeof mappingSchema>;

/** the field of an issue as a path: tables.accounts.columns.region.expr */
export const fieldPath = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** one message per zod issue: "tables.accounts.columns.region: …" */
export function describeMappingIssues(error: z.ZodError): string[] {
	return error.issues.map((i) => {
		const msg = i.message.replace(/^Invalid input: expected (\w+), received undefined$/, 'is missing (expected $1)');
		return `${i.path.length ? fieldPath(i.path) + ': ' : ''}${msg}`;
	});
}

/** contract column types that a date_format or a timezone can be given for */
const TEMPORAL: readonly ColumnType[] = ['date', 'timestamptz', 'time'];
const EXTRA_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The problems that the contract alone shows: a target column the table does not have, a
 * required column (without a default) not mapped, an extra column named like a contract column,
 * a date_format or timezone on a column that is not a date or time, a let name given twice.
 */
export function contractProblems(m: Mapping): string[] {
	const out: string[] = [];
	const tables = Object.keys(m.tables) as TableName[];
	if (tables.length === 0) out.push(`tables: name at least one table of the data contract (${TABLE_NAMES.join(', ')})`);
	for (const t of tables) {
		const spec = m.tables[t]!;
		const def = tableDef(t);
		const names = def.columns.map((c) => c.name);
		const at = `tables.${t}`;
		for (const [col, c] of Object.entries(spec.columns)) {
			const target = def.columns.find((x) => x.name === col);
			if (!target) {
				out.push(`${at}.columns.${col}: ${t} has no column ${col} (its columns: ${names.join(', ')}); a column outside the contract goes under extra`);
				continue;
			}
			if (c.date_format !== undefined && !TEMPORAL.includes(target.type)) out.push(`${at}.columns.${col}.date_format: ${col} is not a date or time column`);
			if (c.timezone !== undefined && !TEMPORAL.includes(target.type)) out.push(`${at}.columns.${col}.timezone: ${col} is not a date or time column`);
		}
		const missing = def.columns.filter((c) => c.required && c.default === undefined && !(c.name in spec.columns)).map((c) => c.name);
		if (missing.length) out.push(`${at}.columns: the contract's required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not mapped`);
		for (const x of Object.keys(spec.extra ?? {})) {
			if (names.includes(x)) out.push(`${at}.extra.${x}: ${x} is a column of ${t}: map it under columns`);
			else if (x === 'extra' || (ANNOTATION_COLUMNS as readonly string[]).includes(x)) out.push(`${at}.extra.${x}: the importer reserves the name ${x}`);
			else if (!EXTRA_NAME.test(x)) out.push(`${at}.extra.${x}: an extra column's name is lower-case letters, digits and _ (it is a key of the extra JSON)`);
		}
		const lets = Object.keys(spec.let ?? {}).map((n) => n.toLowerCase());
		const made = spec.unpivot ? [spec.unpivot.name, ...spec.unpivot.values].map((n) => n.toLowerCase()) : [];
		for (const n of lets) if (made.includes(n)) out.push(`${at}.let.${n}: unpivot already makes a column ${n}`);
		const dup = lets.find((n, i) => lets.indexOf(n) !== i);
		if (dup) out.push(`${at}.let: the name ${dup} is given twice (names are matched without regard to case)`);
	}
	return out;
}
