import { config } from '$lib/server/config';
import { listBatches } from '$lib/server/data/batches';
import { storeOverview } from '$lib/server/data/overview';
import { getStore } from '$lib/server/store';
import { TABLE_NAMES } from '$lib/contract';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const store = await getStore();
	return {
		batches: await listBatches(store),
		overview: await storeOverview(store),
		tables: TABLE_NAMES,
		// the page refuses a larger file before sending it, with the server's message (src/lib/upload-limit.ts)
		maxUploadBytes: config().CUREWISE_MAX_UPLOAD_MB * 1024 * 1024
	};
};
