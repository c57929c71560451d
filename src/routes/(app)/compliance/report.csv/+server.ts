/** The findings of an audit as CSV (ISO dates, the findings list's filters); the export is recorded in the trail. */
import { error } from '@sveltejs/kit';
import { exportFindingsCsv } from '$lib/server/compliance/findings/csv';
import { heavyRequest } from '$lib/server/limits';
import { answered, httpError } from '$lib/http.server';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { RequestHandler } from './$types';

// a heavy request (429 beyond the user's limit, each query time-limited); more findings than one
// CSV holds (CUREWISE_MAX_EXPORT_ROWS) get a 400 that says how to narrow them
export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const { store, parsed, audit } = await findingsRequest(url).catch(httpError);
	if (!parsed.ok) error(400, `The CSV was not made: ${parsed.problems.join('; ')}`);
	if (!audit) error(404, 'No audit has finished on this store yet: run one from the Compliance page, then export its findings.');
	return answered(() =>
		heavyRequest(locals.user, async () => {
			const { csv } = await exportFindingsCsv(store, audit.audit_id, parsed.filter, { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() });
			return new Response(csv, {
				headers: {
					'content-type': 'text/csv; charset=utf-8',
					'content-disposition': `attachment; filename="curewise_findings_audit_${audit.audit_id}.csv"`,
					'cache-control': 'no-store'
				}
			});
		})
	);
};
