import { searchObject } from '$lib/schemas';
import { overviewPage } from '$lib/server/kpi/overview';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => overviewPage(await getStore(), searchObject(url.searchParams), locals.user?.role ?? null);
