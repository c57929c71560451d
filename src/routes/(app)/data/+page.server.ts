import { listBatches } from '$lib/server/data/batches';
import { storeOverview } from '$lib/server/data/overview';
import { getStore } from '$lib/server/store';
import { TABLE_NAMES } from '$lib/contract';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const store = await getStore();
	return { batches: await listBatches(store), overview: await storeOverview(store), tables: TABLE_NAMES };
};
