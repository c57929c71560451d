/** A file written into a temporary folder, streamed as a download; the folder is removed when the stream closes. */
import { createReadStream, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';

export function streamDownload(file: { path: string; dir: string; name: string; contentType: string }): Response {
	const size = statSync(file.path).size;
	const stream = createReadStream(file.path).on('close', () => rmSync(file.dir, { recursive: true, force: true }));
	return new Response(Readable.toWeb(stream) as ReadableStream, {
		headers: {
			'content-type': file.contentType,
			'content-length': String(size),
			'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]+/g, '_')}"`,
			'cache-control': 'no-store'
		}
	});
}
