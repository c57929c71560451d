/** POST the file as the raw body, its name in X-File-Name (and optionally X-Table): starts an import job. */
import { error, json } from '@sveltejs/kit';
import { uploadHeadersSchema } from '$lib/schemas';
import { config } from '$lib/server/config';
import { receiveUpload, UploadError } from '$lib/server/ingest/upload';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const headers = uploadHeadersSchema.safeParse({
		fileName: decodeURIComponent(request.headers.get('x-file-name') ?? ''),
		table: request.headers.get('x-table') || undefined
	});
	if (!headers.success) error(400, headers.error.issues.map((i) => i.message).join('; '));
	try {
		const job = await receiveUpload(await getStore(), request.body, {
			...headers.data,
			maxBytes: config().CUREWISE_MAX_UPLOAD_MB * 1024 * 1024,
			actor: { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() }
		});
		return json({ job_id: job.id }, { status: 202 });
	} catch (e) {
		if (e instanceof UploadError) error(e.status, e.message);
		throw e;
	}
};
