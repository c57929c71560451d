/** Receives an uploaded file as a stream into a temporary file, then queues its import. */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { TableName } from '../../contract.ts';
import type { Store } from '../db/store.ts';
import type { ImportOptions } from './import.ts';
import { startImportJob, uploadDir, type ImportJob } from './jobs.ts';
import { rmSync } from 'node:fs';

export class UploadError extends Error {
	constructor(
		message: string,
		readonly status: number
	) {
		super(message);
	}
}

export async function receiveUpload(
	store: Store,
	body: ReadableStream<Uint8Array> | null,
	opts: { fileName: string; table?: TableName; maxBytes: number; actor?: ImportOptions['actor'] }
): Promise<ImportJob> {
	if (!body) throw new UploadError('the upload is empty: choose a file to import', 400);
	const dir = uploadDir();
	const path = join(dir, opts.fileName);
	let bytes = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _enc, cb) {
			bytes += chunk.length;
			if (bytes > opts.maxBytes) cb(new UploadError(`the file is larger than the upload limit of ${Math.round(opts.maxBytes / 1024 / 1024)} MB; import it with 'npx curewise import' instead`, 413));
			else cb(null, chunk);
		}
	});
	try {
		await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), limit, createWriteStream(path));
	} catch (e) {
		rmSync(dir, { recursive: true, force: true });
		if (e instanceof UploadError) throw e;
		// the cause goes to the server's log only: its message may name a path on the server
		console.error('upload failed:', e);
		throw new UploadError('the upload did not arrive whole: the connection broke or the file could not be written; try again', 400);
	}
	if (bytes === 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new UploadError(`${opts.fileName} is empty`, 400);
	}
	return startImportJob(store, { path, dir, fileName: opts.fileName, table: opts.table, actor: opts.actor });
}
