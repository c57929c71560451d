/**
 * The audit report as a PDF rendered on the server (page numbers, the scope in every page's
 * header, the store's as-of date and the audit in every footer). ?max_findings=N (default 5,000)
 * is the most findings it lists; past it the answer is a zip of the PDF, whose first page says
 * so, with every finding as CSV and Parquet. The scope is the findings list's filters, checked by
 * zod: a bad value is a 400 that names it. Recorded in the trail.
 */
import { error } from '@sveltejs/kit';
import { downloadResponse, reportPdfDownload } from '$lib/server/compliance/report/download';
import { parseReportRequest } from '$lib/server/compliance/report/params';
import { heavyRequest } from '$lib/server/limits';
import { answered, httpError } from '$lib/http.server';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const { store, audit } = await findingsRequest(url).catch(httpError);
	return answered(async () => {
		const { filter, options } = parseReportRequest(url.searchParams, 'The PDF');
		if (!audit) error(404, 'No audit has finished on this store yet: run one from the Compliance page, then come back for its report.');
		const who = { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() };
		return downloadResponse(await heavyRequest(locals.user, () => reportPdfDownload(store, audit, filter, options, who)));
	});
};
