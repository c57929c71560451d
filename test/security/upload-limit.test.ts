/**
 * An upload over the size limit is answered 413 with a message that says the limit and the
 * file's size (issue 17, item 5): it used to reset the connection, and the Data page then said
 * "the server could not be reached".
 *
 * Over real HTTP: a Node server that turns requests into a Request with SvelteKit's own
 * getRequest (as the built server, adapter-node, does; BODY_SIZE_LIMIT=Infinity, as npm start
 * sets it), calls the upload endpoint's POST and writes its answer with setResponse. The store
 * is a real DuckDB file; the temporary folder is this test's own (TMPDIR).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const MB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'curewise-upload-limit-test-'));
const temp = join(root, 'tmp');
const env = { ...process.env };

let server: http.Server;
let base: string;

beforeAll(async () => {
	const { mkdirSync } = await import('node:fs');
	mkdirSync(temp);
	// set before the server's modules read them (config() keeps what it read first)
	process.env.TMPDIR = temp;
	process.env.CUREWISE_DB = join(root, 'store.duckdb');
	process.env.CUREWISE_MAX_UPLOAD_MB = '1';
	const { POST } = await import('../../src/routes/(app)/data/imports/+server.ts');
	const { getRequest, setResponse } = await import('@sveltejs/kit/node');
	const { isHttpError } = await import('@sveltejs/kit');
	server = http.createServer(async (req, res) => {
		const request = await getRequest({ request: req, base, bodySizeLimit: Infinity });
		let response: Response;
		try {
			const event = { request, locals: { user: { username: 'ada', role: 'admin' } }, getClientAddress: () => '127.0.0.1' };
			response = await POST(event as unknown as Parameters<typeof POST>[0]);
		} catch (e) {
			// what SvelteKit answers for error(status, message) from an endpoint
			if (!isHttpError(e)) throw e;
			response = Response.json({ message: e.body.message }, { status: e.status });
		}
		await setResponse(res, response);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server?.closeAllConnections();
	await new Promise((r) => server?.close(r));
	const { getStore } = await import('../../src/lib/server/store.ts');
	// the store was opened by the one upload that got through; its import has ended
	await (await getStore()).close().catch(() => {});
	process.env = env;
	rmSync(root, { recursive: true, force: true });
});

interface Answer {
	status: number;
	body: string;
	/** bytes of the body the client had written when the answer came */
	sentWhenAnswered: number;
}

/**
 * POSTs `size` bytes in 64 KB pieces, with a Content-Length or chunked (none); with `waitAfter`,
 * writes that many bytes and waits for the answer before sending the rest. Rejects when the
 * connection is reset or closed before an answer.
 */
function upload(fileName: string, size: number, withLength: boolean, waitAfter = Infinity): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName), 'x-table': 'accounts' };
		if (withLength) headers['content-length'] = String(size);
		const req = http.request(base + '/data/imports', { method: 'POST', headers });
		let sent = 0;
		let answered = false;
		req.on('response', (res) => {
			answered = true;
			const sentWhenAnswered = sent;
			pump();
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), sentWhenAnswered }));
			res.on('error', reject);
		});
		req.on('error', reject);
		const piece = Buffer.alloc(64 * 1024, 'a');
		function pump() {
			while (sent < size) {
				if (sent >= waitAfter && !answered) return;
				const n = Math.min(piece.length, size - sent);
				sent += n;
				if (!req.write(piece.subarray(0, n))) return void req.once('drain', pump);
			}
			if (!req.writableEnded) req.end();
		}
		pump();
	});
}

const uploadDirs = () => readdirSync(temp).filter((n) => n.startsWith('curewise-upload-'));

describe('an upload over CUREWISE_MAX_UPLOAD_MB', () => {
	test('with a Content-Length: 413 at once, saying the limit and the size, and nothing is written', async () => {
		// the client sends 64 KB and waits for the answer before it sends the rest
		const r = await upload('accounts_big.csv', 3 * MB, true, 64 * 1024);
		expect(r.status).toBe(413);
		expect(JSON.parse(r.body).message).toBe(
			'accounts_big.csv is 3.0 MB; the upload limit is 1 MB: import it on the server with npx curewise import, or ask an administrator to raise CUREWISE_MAX_UPLOAD_MB'
		);
		expect(r.sentWhenAnswered).toBe(64 * 1024);
		expect(uploadDirs()).toEqual([]);
		// the connection was not left stuck: the next upload is answered
		expect((await upload('accounts_big2.csv', 2 * MB + 1, true)).status).toBe(413);
	});

	test('sent without a length (chunked): 413 once the rest is read, the part written is removed', async () => {
		const r = await upload('accounts_streamed.csv', 5 * MB + 17, false);
		expect(r.status).toBe(413);
		expect(JSON.parse(r.body).message).toMatch(/^accounts_streamed\.csv is 5\.0 MB; the upload limit is 1 MB: /);
		expect(uploadDirs()).toEqual([]);
	});

	test('one byte over the limit says the size in bytes (1.0 MB would read as the limit itself)', async () => {
		const r = await upload('accounts_edge.csv', MB + 1, false);
		expect(r.status).toBe(413);
		expect(JSON.parse(r.body).message).toMatch(/^accounts_edge\.csv is 1,048,577 bytes; the upload limit is 1 MB/);
	});

	test('a file at the limit is received and imported, and its folder is removed when the import ends', async () => {
		const header = 'account_id,customer_id,segment,product,region,timezone,opened_on\n';
		const row = (i: number) => `A${String(i).padStart(6, '0')},C${i},retail,card,US-MA,America/New_York,2024-01-01\n`;
		// exactly the limit: the header, rows, and blank lines to fill up
		const body = Buffer.alloc(MB, '\n');
		let at = body.write(header);
		for (let i = 0; at + row(i).length <= MB; i++) at += body.write(row(i), at);
		const r = await new Promise<Answer>((resolve, reject) => {
			const req = http.request(base + '/data/imports', {
				method: 'POST',
				headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'accounts_ok.csv', 'content-length': String(body.length) }
			});
			req.on('response', (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), sentWhenAnswered: body.length }));
			});
			req.on('error', reject);
			req.end(body);
		});
		expect(r.status).toBe(202);
		const { getJob } = await import('../../src/lib/server/ingest/jobs.ts');
		const id = JSON.parse(r.body).job_id as string;
		for (let i = 0; i < 600 && getJob(id)?.state !== 'done'; i++) await new Promise((res) => setTimeout(res, 100));
		expect(getJob(id)?.result?.status).toBe('imported');
		expect(uploadDirs()).toEqual([]);
	});
});

describe('a request the endpoint refuses before reading its body', () => {
	test('a bad file name gets its 400, not a reset', async () => {
		const r = await upload('report.pdf', 2 * MB, true);
		expect(r.status).toBe(400);
		expect(JSON.parse(r.body).message).toContain('only CSV (.csv, .txt) and Parquet (.parquet) files can be imported');
	});
});
