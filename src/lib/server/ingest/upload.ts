/**
 * Receives an uploaded file as a stream into a temporary folder, then queues its import.
 *
 * A file over the limit is answered 413 with a message that says the limit and the file's
 * size: at once when the request says its length (nothing is written), else when the body
 * passes the limit (the part written is removed). Either way the rest of the body is read and
 * thrown away, so the client receives the answer; a connection closed with data unread is
 * reset, and the browser then only says that the server could not be reached.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { TableName } from '../../contract.ts';
import { uploadTooLarge } from '../../upload-limit.ts';
import { isDiskFull } from '../db/errors.ts';
import type { Store } from '../db/store.ts';
import { CurewiseError } from '../errors.ts';
import { makeTempDir, removeTempDir } from '../tempfiles.ts';
import type { ImportOptions } from './import.ts';
import type { LoadedMapping } from './mapping.ts';
import { startImportJob, type ImportJob } from './jobs.ts';

/** an upload that cannot be received: 400 empty or broken, 413 too large, 507 the disk is full */
export class UploadError extends CurewiseError {
	declare readonly status: 400 | 413 | 507;
	constructor(message: string, status: 400 | 413 | 507) {
		super(status, message);
		this.name = 'UploadError';
	}
}

/**
 * Reads a request body to its end and throws it away, in the background: for an answer given
 * before the body was read (the server's read of the request then ends the body's wait for it).
 */
export function discardBody(body: ReadableStream<Uint8Array> | null): void {
	if (!body || body.locked) return;
	void body.pipeTo(new WritableStream()).catch(() => {});
}

/** reads the rest of a body, counting it; resolves with the bytes read (null: the client went away) */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<number | null> {
	let bytes = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return bytes;
			bytes += value.byteLength;
		}
	} catch {
		return null;
	}
}

function write(file: WriteStream, chunk: Uint8Array): Promise<void> {
	return new Promise((resolve, reject) => {
		file.write(chunk, (e) => (e ? reject(e) : resolve()));
	});
}

/** closes the file without finishing it (its folder is removed next) */
function abandon(file: WriteStream): Promise<void> {
	return new Promise((resolve) => {
		if (file.closed) return resolve();
		file.once('close', () => resolve());
		file.destroy();
	});
}

function close(file: WriteStream): Promise<void> {
	return new Promise((resolve, reject) => {
		if (file.errored) return reject(file.errored);
		file.end((e?: Error | null) => (e ? reject(e) : resolve()));
	});
}

export async function receiveUpload(
	store: Store,
	body: ReadableStream<Uint8Array> | null,
	opts: {
		fileName: string;
		table?: TableName;
		/** import the file through this mapping (docs/mappings.md) */
		mapping?: LoadedMapping;
		maxBytes: number;
		/** the request's Content-Length, when it has one */
		declaredBytes?: number | null;
		actor?: ImportOptions['actor'];
	}
): Promise<ImportJob> {
	if (!body) throw new UploadError('the upload is empty: choose a file to import', 400);
	if (opts.declaredBytes != null && opts.declaredBytes > opts.maxBytes) {
		// refused before anything is written; the body is read and thrown away meanwhile
		discardBody(body);
		throw new UploadError(uploadTooLarge(opts.fileName, opts.declaredBytes, opts.maxBytes), 413);
	}
	const dir = makeTempDir('upload');
	try {
		const path = join(dir, opts.fileName);
		const file = createWriteStream(path);
		// a write error is awaited by the write or close that meets it; this keeps it from being unhandled
		file.on('error', () => {});
		const reader = body.getReader();
		let bytes = 0;
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				bytes += value.byteLength;
				if (bytes > opts.maxBytes) {
					// stop writing at the limit, remove what was written, read the rest to learn the size
					await abandon(file);
					removeTempDir(dir);
					const rest = await drain(reader);
					throw new UploadError(uploadTooLarge(opts.fileName, rest === null ? null : bytes + rest, opts.maxBytes), 413);
				}
				await write(file, value);
			}
			await close(file);
		} catch (e) {
			await abandon(file);
			if (e instanceof UploadError) throw e;
			// a failed write (a full disk): the rest of the body is thrown away meanwhile, so that the client gets the answer
			void drain(reader);
			// the cause goes to the server's log only: its message may name a path on the server
			console.error('upload failed:', e);
			if (isDiskFull(e)) {
				throw new UploadError(`the disk holding the server's temporary folder is full, so ${opts.fileName} could not be received: ask an administrator to free space there, then try again`, 507);
			}
			throw new UploadError('the upload did not arrive whole: the connection broke or the file could not be written; try again', 400);
		}
		if (bytes === 0) throw new UploadError(`${opts.fileName} is empty`, 400);
		// from here the import job owns the folder, and removes it when the import ends
		return startImportJob(store, { path, dir, fileName: opts.fileName, table: opts.table, mapping: opts.mapping, actor: opts.actor });
	} catch (e) {
		removeTempDir(dir);
		throw e;
	}
}
