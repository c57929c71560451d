import { error } from '@sveltejs/kit';
import { batchIdSchema } from '$lib/schemas';
import { getBatch, quarantinedRows } from '$lib/server/data/batches';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const id = batchIdSchema.safeParse(params.id);
	if (!id.success) error(400, id.error.issues[0]?.message ?? 'bad batch id');
	const store = await getStore();
	const batch = await getBatch(store, id.data);
	if (!batch) error(404, `There is no import batch ${id.data}.`);
	return { batch, rows: await quarantinedRows(store, id.data, 1000) };
};
