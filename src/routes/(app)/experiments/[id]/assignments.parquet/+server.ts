/** A launched experiment's assignments as Parquet, for the outreach platform. */
import { streamDownload } from '$lib/server/pages/download';
import { assignmentsDownload } from '$lib/server/pages/experiments';
import { heavyRequest } from '$lib/server/limits';
import { answered } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

// a heavy request (429 beyond the user's limit, each query time-limited); the file holds every
// assignment (the outreach platform needs them all), written by DuckDB and streamed
export const GET: RequestHandler = async ({ params, locals, getClientAddress }) =>
	answered(async () => {
		const store = await getStore();
		return streamDownload(await heavyRequest(locals.user, () => assignmentsDownload(store, params.id, 'parquet', { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() })));
	});
