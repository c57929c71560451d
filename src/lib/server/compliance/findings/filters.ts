/**
 * The filters of the findings pages, from the URL (?audit=&from=&to=&pack=&rule=&kind=…&segment=&order=&sort=&page=),
 * checked by zod; and how the findings_*.sql files get them: the shared filter
 * (queries/compliance/findings_scope.sql) spliced in as query text, every value a bound parameter.
 */
import { z } from 'zod';
import { CHANNELS } from '../../../compliance/packs.ts';
import { SEGMENTS } from '../../../vocabulary.ts';
import { FINDING_KINDS, FINDINGS_ORDER_KEYS } from '../../../compliance/findings.ts';
import { auditNumberSchema, pageNumberSchema } from '../../../schemas.ts';
import { querySql } from '../../paths.ts';

export const isoDate = (what: string) =>
	z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what} is a date written YYYY-MM-DD` })
		.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().startsWith(d), { error: `${what} is not a real date` });
const ident = (what: string) => z.string().trim().regex(/^[\w.:-]{1,80}$/, { error: `${what} is an id of letters, digits, _ . : or - (at most 80)` });

/** the direction of a sort: ?sort=desc (the default) or asc */
export const sortDirectionSchema = z.enum(['desc', 'asc'], { error: 'sort is desc (largest, latest or last first) or asc (smallest, earliest or first first)' }).default('desc');

/** the filters of the findings pages, from the URL (?audit=&from=&to=&pack=&rule=&kind=…) */
export const findingsFilterSchema = z
	.object({
		audit: auditNumberSchema.optional(),
		from: isoDate('from').optional(),
		to: isoDate('to').optional(),
		pack: z
			.string()
			.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'pack is a pack id like regulation-f' })
			.optional(),
		rule: z
			.string()
			.regex(/^[a-z0-9_]{1,80}$/, { error: 'rule is a rule id like call_frequency_7_in_7' })
			.optional(),
		kind: z.enum(FINDING_KINDS, { error: `kind is one of ${FINDING_KINDS.join(', ')}` }).optional(),
		channel: z.enum(CHANNELS, { error: `channel is one of ${CHANNELS.join(', ')}` }).optional(),
		agent: ident('agent').optional(),
		template: ident('template').optional(),
		experiment: ident('experiment').optional(),
		arm: ident('arm').optional(),
		person: ident('person (a customer or account id)').optional(),
		/** the account segment (as the Overview's filter): the findings about debts of that segment */
		segment: z.enum(SEGMENTS, { error: `segment is one of ${SEGMENTS.join(', ')}` }).optional(),
		/** the column the list is sorted by (an allow-list: the SQL's ORDER BY is picked from it, never written from the URL) */
		order: z.enum(FINDINGS_ORDER_KEYS, { error: `order is the column to sort by, one of ${FINDINGS_ORDER_KEYS.join(', ')}` }).default('date'),
		sort: sortDirectionSchema,
		page: pageNumberSchema()
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, { error: 'from must not be after to', path: ['from'] })
	.refine((f) => !f.arm || f.experiment, { error: 'an arm needs its experiment (set experiment too)', path: ['arm'] });

export type FindingsFilter = z.infer<typeof findingsFilterSchema>;

export type FilterParse = { ok: true; filter: FindingsFilter } | { ok: false; problems: string[]; filter: FindingsFilter };

/** "field: what is wrong (got "…")" for each problem of a zod parse of URL values */
export function describeProblems(issues: readonly z.core.$ZodIssue[], raw: Record<string, string>): string[] {
	return issues.map((i) => {
		const field = i.path.length ? i.path.join('.') : 'filters';
		// "from is not a real date" rather than "from: from is not a real date"
		const what = i.message.startsWith(field + ' ') ? i.message : `${field}: ${i.message}`;
		return `${what} (got "${String(raw[String(i.path[0])] ?? '')}")`;
	});
}

/** the non-empty values of URL search params */
export const urlValues = (params: URLSearchParams): Record<string, string> => Object.fromEntries([...params].filter(([, v]) => v.trim() !== ''));

/**
 * The filters from URL search params. Empty values are left out; a bad value is reported as
 * "field: what is wrong" and the page falls back to no filter at all (filter holds the defaults).
 */
export function parseFindingsFilter(params: URLSearchParams): FilterParse {
	const raw = urlValues(params);
	const r = findingsFilterSchema.safeParse(raw);
	if (r.success) return { ok: true, filter: r.data };
	const problems = describeProblems(r.error.issues, raw);
	// the audit asked for, when it is itself valid; the other filters dropped
	const audit = findingsFilterSchema.safeParse(raw.audit ? { audit: raw.audit } : {});
	return { ok: false, problems, filter: audit.success ? audit.data : findingsFilterSchema.parse({}) };
}

/** the bound parameters of findings_scope.sql */
export const scopeArgs = (auditId: number, f: Omit<FindingsFilter, 'order' | 'sort' | 'page'>) => ({
	audit_id: auditId,
	from: f.from ?? null,
	to: f.to ?? null,
	pack: f.pack ?? null,
	rule: f.rule ?? null,
	kind: f.kind ?? null,
	channel: f.channel ?? null,
	agent: f.agent ?? null,
	template: f.template ?? null,
	experiment: f.experiment ?? null,
	arm: f.arm ?? null,
	person: f.person ?? null,
	segment: f.segment ?? null
});

/** a findings_*.sql with the shared filter (findings_scope.sql) spliced in: query text, never values */
export const scoped = (name: string, parts: Record<string, string> = {}) => {
	let sql = querySql('compliance/' + name).replace('{{findings_scope}}', querySql('compliance/findings_scope').replace(/;\s*$/, ''));
	for (const [k, v] of Object.entries(parts)) sql = sql.replaceAll(`{{${k}}}`, v);
	return sql;
};
