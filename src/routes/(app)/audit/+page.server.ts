import { searchObject, trailFilterSchema } from '$lib/schemas';
import { listTrail, trailActions, verifyTrail } from '$lib/server/audit/trail';
import { CheckpointError, defaultCheckpoints } from '$lib/server/audit/checkpoints';
import { loadTrailKey, TrailKeyError } from '$lib/server/audit/key';
import { getStore } from '$lib/server/store';
import { config } from '$lib/server/config';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const store = await getStore();
	const parsed = trailFilterSchema.safeParse(searchObject(url.searchParams));
	const filter = parsed.success ? parsed.data : {};
	return {
		trail: await verifyWithCheckpoints(store),
		checkpointMinutes: config().CUREWISE_TRAIL_CHECKPOINT_MINUTES,
		filter,
		problems: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
		records: await listTrail(store, { ...filter, limit: 500 }),
		actions: await trailActions(store)
	};
};

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
