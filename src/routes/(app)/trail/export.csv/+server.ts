/** The trail (filtered as on the page) as CSV; the export itself is recorded. */
import { error } from '@sveltejs/kit';
import { searchObject, trailFilterSchema } from '$lib/schemas';
import { listTrail, recordTrail, trailCsv } from '$lib/server/trail/trail';
import { heavyRequest, maxExportRows, ResultTooLargeError } from '$lib/server/limits';
import { answered } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

// a heavy request (429 beyond the user's limit, each query time-limited); more records than one
// CSV holds (CUREWISE_MAX_EXPORT_ROWS) get a 400 that says how to narrow them, never a cut file
export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const parsed = trailFilterSchema.safeParse(searchObject(url.searchParams));
	if (!parsed.success) error(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	const store = await getStore();
	return answered(() =>
		heavyRequest(locals.user, async () => {
			const max = maxExportRows();
			const records = await listTrail(store, { ...parsed.data, limit: max + 1 });
			if (records.length > max) throw new ResultTooLargeError('CSV', null, max, 'Narrow it with From and To (or an action or a person) and export each part.');
			await recordTrail(store, { actor: locals.user!.username, role: locals.user!.role, action: 'export', target: 'trail', details: { ...parsed.data, rows: records.length }, ip: getClientAddress() });
			return new Response(trailCsv(records), {
				headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="curewise_trail.csv"' }
			});
		})
	);
};
