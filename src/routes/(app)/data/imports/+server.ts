/**
 * POST the file as the raw body, its name in X-File-Name (and optionally X-Table, or X-Mapping:
 * a mapping of mappings/ that turns the file into the contract's tables): starts an import job.
 * GET lists the mappings an upload can name (docs/mappings.md).
 */
import { error, json } from '@sveltejs/kit';
import { uploadHeadersSchema } from '$lib/schemas';
import { config } from '$lib/server/config';
import { listMappings, loadMapping, MappingError, type LoadedMapping } from '$lib/server/ingest/mapping';
import { discardBody, receiveUpload, UploadError } from '$lib/server/ingest/upload';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => {
	return json({ mappings: listMappings() }, { headers: { 'cache-control': 'no-store' } });
};

export const POST: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const headers = uploadHeadersSchema.safeParse({
		fileName: decodeURIComponent(request.headers.get('x-file-name') ?? ''),
		table: request.headers.get('x-table') || undefined,
		mapping: request.headers.get('x-mapping') || undefined
	});
	if (!headers.success) {
		// the body is read and thrown away, so that the client gets the answer rather than a reset connection
		discardBody(request.body);
		error(400, headers.error.issues.map((i) => i.message).join('; '));
	}
	// a mapping is one of the folder's files, looked up by name (never a path); one that is not
	// valid is refused before the file is sent, with what is wrong in it
	let mapping: LoadedMapping | undefined;
	if (headers.data.mapping) {
		try {
			mapping = loadMapping(headers.data.mapping);
		} catch (e) {
			discardBody(request.body);
			if (e instanceof MappingError) error(400, e.messages.join('; '));
			throw e;
		}
	}
	// a file over the limit is refused before it is read when the request says its length (413)
	const length = request.headers.get('content-length');
	try {
		const job = await receiveUpload(await getStore(), request.body, {
			...headers.data,
			mapping,
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
