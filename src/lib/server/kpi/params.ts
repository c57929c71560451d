/**
 * The parameters of a KPI request (a period, an optional as-of date, filters and the contact
 * threshold), validated by zod with messages that say what is wrong; what the CLI, the Overview
 * and its endpoints pass to values.ts.
 */
import { z } from 'zod';
import { CHANNELS, FILTER_KEYS, SEGMENTS, TONES, type FilterKey } from '../../vocabulary.ts';
import { DEFAULT_CONTACT_THRESHOLD } from '../../fatigue.ts';

const ident = (what: string) => z.string().regex(/^[\w.:-]{1,80}$/, { error: `${what} is an id of letters, digits, _ . : or -` });

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'dates are written YYYY-MM-DD' })
	// 2026-02-30 is not a day of the calendar (Date.parse would roll it over to 2 March)
	.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().slice(0, 10) === d, { error: 'not a real date' })
	// bounded requests: a period from year 1 to 9999 ran 33 s and answered 62 MB
	.refine((d) => inRange(d), { error: 'dates are between 1900-01-01 and 2100-12-31' });
function inRange(d: string) {
	return d >= '1900-01-01' && d <= '2100-12-31';
}

/** the longest period a view may ask for: ten years, by days */
export const MAX_PERIOD_DAYS = 3653;
const periodDays = (from: string, to: string) => Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86_400_000) + 1;

export const kpiParamsSchema = z
	.object({
		from: isoDate,
		to: isoDate,
		as_of: isoDate.optional(),
		segment: z.enum(SEGMENTS, { error: `segment must be ${SEGMENTS.slice(0, -1).join(', ')} or ${SEGMENTS.at(-1)}` }).optional(),
		product: z.string().regex(/^[\w-]{1,40}$/, { error: 'product is a word like card' }).optional(),
		region: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'region is an ISO 3166-2 code like US-MA' }).optional(),
		vulnerable: z.boolean().optional(),
		channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }).optional(),
		tone: z.enum(TONES, { error: `tone must be one of ${TONES.join(', ')}` }).optional(),
		template: ident('template').optional(),
		agent: ident('agent').optional(),
		experiment: ident('experiment').optional(),
		arm: ident('arm').optional(),
		contact_threshold: z
			.number({ error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.int({ error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.min(1, { error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.max(100, { error: 'contact_threshold is a whole number of contacts a week, 1 to 100' })
			.default(DEFAULT_CONTACT_THRESHOLD)
	})
	.refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['from'] })
	.refine((p) => !inRange(p.from) || !inRange(p.to) || periodDays(p.from, p.to) <= MAX_PERIOD_DAYS, { error: `a period is at most ${MAX_PERIOD_DAYS} days (ten years)`, path: ['to'] })
	.refine((p) => !p.arm || p.experiment, { error: 'an arm needs its experiment', path: ['arm'] });

export type KpiParams = z.input<typeof kpiParamsSchema>;

/** the parameters after validation (defaults filled in) */
export type ParsedKpiParams = z.infer<typeof kpiParamsSchema>;

export type KpiFilters = Partial<Record<FilterKey, string | boolean>>;

/** the filters a request set, as the answer shows them */
export const shownFilters = (p: ParsedKpiParams): KpiFilters => Object.fromEntries(FILTER_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]!]));
