/** A launched experiment's assignments as CSV (experiment_id, account_id, variant, assigned_at), for the outreach platform. */
import { streamDownload } from '$lib/server/pages/download';
import { assignmentsDownload } from '$lib/server/pages/experiments';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals, getClientAddress }) =>
	streamDownload(await assignmentsDownload(await getStore(), params.id, 'csv', { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() }));
