import { searchObject, trailFilterSchema, type TrailFilterInput } from '$lib/schemas';
import { listTrail, trailActions, verifyTrail } from '$lib/server/trail/trail';
import { CheckpointError, defaultCheckpoints } from '$lib/server/trail/checkpoints';
import { loadTrailKey, TrailKeyError } from '$lib/server/trail/key';
import { getStore } from '$lib/server/store';
import { config } from '$lib/server/config';
import { timeLimited } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import type { PageServerLoad } from './$types';

/** the most records the page lists (the newest); the CSV has up to CUREWISE_MAX_EXPORT_ROWS */
const SHOWN = 500;

// every query time-limited (a 503 page that says so)
export const load: PageServerLoad = async ({ url, setHeaders }) => pageWork(setHeaders, () => timeLimited(() => trailPage(url)));

async function trailPage(url: URL) {
	const store = await getStore();
	const parsed = trailFilterSchema.safeParse(searchObject(url.searchParams));
	const filter = parsed.success ? parsed.data : {};
	return {
		trail: await verifyWithCheckpoints(store),
		checkpointMinutes: config().CUREWISE_TRAIL_CHECKPOINT_MINUTES,
		filter,
		problems: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
		...(await newest(store, filter)),
		actions: await trailActions(store)
	};
}

/** the newest SHOWN records under the filter, and whether there are more (the page says so) */
async function newest(store: Awaited<ReturnType<typeof getStore>>, filter: TrailFilterInput) {
	const records = await listTrail(store, { ...filter, limit: SHOWN + 1 });
	return { records: records.slice(0, SHOWN), shown: SHOWN, more: records.length > SHOWN };
}

/** the chain, keyed, and the signed checkpoints in the default checkpoint file (audit/checkpoints.ts) */
async function verifyWithCheckpoints(store: Awaited<ReturnType<typeof getStore>>) {
	try {
		const key = loadTrailKey(store.path);
		const { file, checkpoints } = defaultCheckpoints(store.path, key);
		return { verify: await verifyTrail(store, { key, checkpoints }), checkpointFile: file, problem: null };
	} catch (e) {
		if (e instanceof CheckpointError || e instanceof TrailKeyError) return { verify: null, checkpointFile: null, problem: e.message };
		throw e;
	}
}
