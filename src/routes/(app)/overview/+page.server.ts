import { searchObject } from '$lib/schemas';
import { overview } from '$lib/server/kpi/overview';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => ({ overview: await overview(await getStore(), searchObject(url.searchParams)) });
