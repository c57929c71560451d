import { searchObject, trailFilterSchema } from '$lib/schemas';
import { listTrail, trailActions, verifyTrail } from '$lib/server/audit/trail';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const store = await getStore();
	const parsed = trailFilterSchema.safeParse(searchObject(url.searchParams));
	const filter = parsed.success ? parsed.data : {};
	return {
		filter,
		problems: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
		records: await listTrail(store, { ...filter, limit: 500 }),
		actions: await trailActions(store),
		verify: await verifyTrail(store)
	};
};
