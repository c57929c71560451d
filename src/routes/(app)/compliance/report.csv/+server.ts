/**
 * The findings of an audit as CSV (ISO dates, the findings list's filters), streamed from DuckDB
 * chunk by chunk (never built as one string); ?numbered=1 gives the report's order and numbers
 * (grouped by account, the column n first). The export is recorded in the trail.
 */
import { error } from '@sveltejs/kit';
import { findingsCsvDownload, downloadResponse } from '$lib/server/compliance/report/download';
import { parseReportRequest } from '$lib/server/compliance/report/params';
import { heavyRequest } from '$lib/server/limits';
import { answered, httpError } from '$lib/http.server';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { RequestHandler } from './$types';

// a heavy request (429 beyond the user's limit, the count and the first chunk time-limited);
// more findings than one CSV holds (CUREWISE_MAX_EXPORT_ROWS) get a 400 that says how to narrow them
export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const { store, parsed, audit } = await findingsRequest(url).catch(httpError);
	return answered(async () => {
		if (!parsed.ok) error(400, `The CSV was not made: ${parsed.problems.join('; ')}.`);
		const { options } = parseReportRequest(url.searchParams, 'The CSV');
		if (!audit) error(404, 'No audit has finished on this store yet: run one from the Compliance page, then export its findings.');
		const who = { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() };
		return downloadResponse(await heavyRequest(locals.user, () => findingsCsvDownload(store, audit, parsed.filter, options.numbered ? 'report' : 'list', who)));
	});
};
