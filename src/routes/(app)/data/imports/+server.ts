/** POST the file as the raw body, its name in X-File-Name (and optionally X-Table): starts an import job. */
import { error, json } from '@sveltejs/kit';
import { uploadHeadersSchema } from '$lib/schemas';
import { config } from '$lib/server/config';
import { discardBody, receiveUpload, UploadError } from '$lib/server/ingest/upload';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const headers = uploadHeadersSchema.safeParse({
		fileName: decodeURIComponent(request.headers.get('x-file-name') ?? ''),
		table: request.headers.get('x-table') || undefined
	});
	if (!headers.success) {
		// the body is read and thrown away, so that the client gets the answer rather than a reset connection
		discardBody(request.body);
		error(400, headers.error.issues.map((i) => i.message).join('; '));
	}
	// a file over the limit is refused before it is read when the request says its length (413)
	const length = request.headers.get('content-length');
	try {
		const job = await receiveUpload(await getStore(), request.body, {
			...headers.data,
			maxBytes: config().CUREWISE_MAX_UPLOAD_MB * 1024 * 1024,
			declaredBytes: length && /^\d+$/.test(length) ? Number(length) : null,
			actor: { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() }
		});
		return json({ job_id: job.id }, { status: 202 });
	} catch (e) {
		// a body not yet read (the store could not be opened) is thrown away too
		discardBody(request.body);
		if (e instanceof UploadError) error(e.status, e.message);
		throw e;
	}
};
