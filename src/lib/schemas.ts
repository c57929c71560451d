/** zod schemas for what crosses the HTTP boundary (shared by server and browser). */
import { z } from 'zod';
import { tableNameSchema } from './contract.ts';
import { mappingNameSchema } from './mapping-schema.ts';

export const uploadHeadersSchema = z.object({
	fileName: z
		.string({ error: 'the upload has no file name' })
		.trim()
		.min(1, { error: 'the upload has no file name' })
		.max(255, { error: 'the file name is longer than 255 characters' })
		// eslint-disable-next-line no-control-regex
		.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: 'the file name holds a control character (such as %00): rename the file' })
		.regex(/\.(csv|txt|parquet|pq)$/i, { error: 'only CSV (.csv, .txt) and Parquet (.parquet) files can be imported' })
		.transform((s) => s.split(/[\\/]/).pop() ?? s),
	table: tableNameSchema.optional(),
	/** a mapping of mappings/ (docs/mappings.md) that turns the file into the contract's tables */
	mapping: mappingNameSchema.optional()
}).refine((h) => !(h.table && h.mapping), { error: 'choose a table or a mapping, not both: a mapping says which tables the file becomes', path: ['mapping'] });

export const batchIdSchema = z.coerce
	.number({ error: 'the batch id must be a number' })
	.int({ error: 'the batch id must be a whole number' })
	.positive({ error: 'the batch id must be positive' });

export const jobIdSchema = z.uuid({ error: 'not an import job id' });

/** whether YYYY-MM-DD is a day of the calendar (Date.parse takes 2026-02-31 and rolls it over to 3 March) */
export const isRealDate = (d: string) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().slice(0, 10) === d;

/** an audit number from the address: a positive whole number the store's BIGINT can hold */
export const auditNumberSchema = z.coerce
	.number({ error: 'audit is an audit number' })
	.int({ error: 'audit is a whole number' })
	.positive({ error: 'audit is a positive number' })
	.max(Number.MAX_SAFE_INTEGER, { error: 'audit is an audit number' });

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'dates are written YYYY-MM-DD' })
	.refine(isRealDate, { error: 'not a real date' });

/** the trail's filters, from the URL */
export const trailFilterSchema = z.object({
	action: z
		.string()
		.regex(/^[a-z_]{1,40}(\.[a-z_]{1,40})?$/, { error: 'an action is a word like sign_in or experiment.launch' })
		.optional(),
	actor: z
		.string()
		.max(64, { error: 'the actor is at most 64 characters' })
		.regex(/^[\w.@-]*$/, { error: 'the actor may hold letters, digits, dots, dashes, @ and underscores' })
		.optional(),
	from: isoDate.optional(),
	to: isoDate.optional()
});
export type TrailFilterInput = z.infer<typeof trailFilterSchema>;

// ---------------------------------------------------------------------------------------------
// bounded requests (issue 17, item 2): page numbers, formats and result sizes have limits that
// the messages name; CUREWISE_MAX_EXPORT_ROWS bounds an export (src/lib/server/config.ts)

const int = (n: number) => n.toLocaleString('en-US');

/** the most rows a table on a page shows (the Overview's breakdown: the largest; its CSV has all) */
export const MAX_TABLE_ROWS = 2_000;

/** the last page a paged list opens (50 findings a page: the first million; filters reach the rest) */
export const MAX_PAGE = 20_000;

/** a page number from the address, 1 to max, 1 when left out */
export const pageNumberSchema = (max: number = MAX_PAGE) => {
	const error = `page must be a whole number between 1 and ${int(max)}`;
	return z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error }).default(1);
};

/** what a chart's data is sent as (/overview/data/<query>?format=) */
export const CHART_FORMATS = ['arrow', 'json', 'csv'] as const;
export const chartFormatSchema = z.enum(CHART_FORMATS, { error: `format must be one of ${CHART_FORMATS.join(', ')}` }).optional();

/** URL search params as an object, empty values left out */
export const searchObject = (params: URLSearchParams) => Object.fromEntries([...params].filter(([, v]) => v !== ''));
