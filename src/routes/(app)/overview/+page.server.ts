import { searchObject } from '$lib/schemas';
import { overviewPage } from '$lib/server/kpi/overview';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => overviewPage(await getStore(), searchObject(url.searchParams));
