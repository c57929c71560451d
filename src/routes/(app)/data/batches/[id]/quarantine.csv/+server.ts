/** A batch's quarantined rows as CSV, to fix and import again. */
import { error } from '@sveltejs/kit';
import { batchIdSchema } from '$lib/schemas';
import { getBatch, quarantineCsv } from '$lib/server/data/batches';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const id = batchIdSchema.safeParse(params.id);
	if (!id.success) error(400, id.error.issues[0]?.message ?? 'bad batch id');
	const store = await getStore();
	const batch = await getBatch(store, id.data);
	if (!batch) error(404, `there is no import batch ${id.data}`);
	const name = `${(batch.file_name.replace(/\.[^.]+$/, '') || 'batch').replace(/[^\w.-]+/g, '_')}_quarantine_batch${batch.batch_id}.csv`;
	return new Response(await quarantineCsv(store, id.data), {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` }
	});
};
