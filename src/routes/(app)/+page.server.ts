import { storeOverview } from '$lib/server/data/overview';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ overview: await storeOverview(await getStore()) });
