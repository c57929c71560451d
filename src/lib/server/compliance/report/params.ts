/**
 * The report's parameters, from the URL: the findings pages' filters (its scope: period, pack,
 * rule, kind, channel, agent, template, experiment, arm, person, audit) and the report's own, each
 * checked by zod. A bad value is a FindingsError 400 that names the field, what it takes and what
 * it got: a report over another scope than asked would pass for the one asked.
 */
import { z } from 'zod';
import { FindingsError } from '../findings/audits.ts';
import { describeProblems, findingsFilterSchema, urlValues, type FindingsFilter } from '../findings/filters.ts';

/** the most findings a PDF lists by default; past it the download is a zip with the full list */
export const PDF_DEFAULT_MAX_FINDINGS = 5_000;
/** the most a user may ask a PDF to list (about 30 findings a page: 1,700 pages) */
export const PDF_MAX_FINDINGS = 50_000;
/** the findings the web report shows (the rest in the downloads, numbered the same way) */
export const WEB_REPORT_ROWS = 500;

export const reportOptionsSchema = z.object({
	/** at most this many findings in the PDF; past it, the PDF says so on its first page and comes in a zip with the full list */
	max_findings: z.coerce
		.number({ error: `max_findings is a whole number of findings, from 1 to ${PDF_MAX_FINDINGS.toLocaleString('en-US')}` })
		.int({ error: `max_findings is a whole number of findings, from 1 to ${PDF_MAX_FINDINGS.toLocaleString('en-US')}` })
		.min(1, { error: `max_findings is a whole number of findings, from 1 to ${PDF_MAX_FINDINGS.toLocaleString('en-US')}` })
		.max(PDF_MAX_FINDINGS, { error: `max_findings is at most ${PDF_MAX_FINDINGS.toLocaleString('en-US')} (a larger list is in the zip's CSV and Parquet)` })
		.default(PDF_DEFAULT_MAX_FINDINGS),
	/** numbered=1: the CSV in the report's order and numbers (grouped by account, with the column n) */
	numbered: z.enum(['1'], { error: 'numbered is 1 (the report’s numbers and order) or left out (oldest first)' }).optional()
});
export type ReportOptions = z.infer<typeof reportOptionsSchema>;

export interface ReportRequest {
	filter: FindingsFilter;
	options: ReportOptions;
}

/** the report's filters and options from the URL; any bad value a FindingsError 400 naming each */
export function parseReportRequest(params: URLSearchParams, what = 'The report'): ReportRequest {
	const raw = urlValues(params);
	const { max_findings, numbered, ...rest } = raw;
	const o = reportOptionsSchema.safeParse({ max_findings, numbered });
	const f = findingsFilterSchema.safeParse(rest);
	const problems = [...(o.success ? [] : describeProblems(o.error.issues, raw)), ...(f.success ? [] : describeProblems(f.error.issues, raw))];
	if (problems.length || !o.success || !f.success) throw new FindingsError(400, `${what} was not made: ${problems.join('; ')}.`);
	return { filter: f.data, options: o.data };
}
