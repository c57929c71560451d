/** A batch's quarantined rows as CSV, to fix and import again. */
import { error } from '@sveltejs/kit';
import { batchIdSchema } from '$lib/schemas';
import { createReadStream, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { recordTrail } from '$lib/server/trail/trail';
import { getBatch, quarantineCsvFile } from '$lib/server/data/batches';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals, getClientAddress }) => {
	const id = batchIdSchema.safeParse(params.id);
	if (!id.success) error(400, id.error.issues[0]?.message ?? 'bad batch id');
	const store = await getStore();
	const batch = await getBatch(store, id.data);
	if (!batch) error(404, `there is no import batch ${id.data}`);
	const name = `${(batch.file_name.replace(/\.[^.]+$/, '') || 'batch').replace(/[^\w.-]+/g, '_')}_quarantine_batch${batch.batch_id}.csv`;
	const { path, dir } = await quarantineCsvFile(store, id.data);
	await recordTrail(store, {
		actor: locals.user!.username,
		role: locals.user!.role,
		action: 'export',
		target: `quarantine of batch ${batch.batch_id}`,
		details: { file: batch.file_name, rows: batch.rows_quarantined },
		ip: getClientAddress()
	});
	const file = createReadStream(path).on('close', () => rmSync(dir, { recursive: true, force: true }));
	return new Response(Readable.toWeb(file) as ReadableStream, {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` }
	});
};
