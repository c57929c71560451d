import { searchObject } from '$lib/schemas';
import { overviewPage } from '$lib/server/kpi/overview';
import { pageWork, timeLimited } from '$lib/server/limits';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

// every query time-limited (a 503 page that says so); not counted as a heavy request: the page's
// own charts are, and the tiles read the summary tables
export const load: PageServerLoad = async ({ url, locals, setHeaders }) =>
	pageWork(setHeaders, async () => timeLimited(async () => overviewPage(await getStore(), searchObject(url.searchParams), locals.user?.role ?? null)));
