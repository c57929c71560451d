/** The audit trail (filtered as on the page) as CSV; the export itself is recorded. */
import { error } from '@sveltejs/kit';
import { searchObject, trailFilterSchema } from '$lib/schemas';
import { listTrail, recordAudit, trailCsv } from '$lib/server/audit/trail';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const parsed = trailFilterSchema.safeParse(searchObject(url.searchParams));
	if (!parsed.success) error(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	const store = await getStore();
	const records = await listTrail(store, { ...parsed.data, limit: 1_000_000 });
	await recordAudit(store, { actor: locals.user!.username, role: locals.user!.role, action: 'export', target: 'audit_trail', details: { ...parsed.data, rows: records.length }, ip: getClientAddress() });
	return new Response(trailCsv(records), {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="curewise_audit_trail.csv"' }
	});
};
