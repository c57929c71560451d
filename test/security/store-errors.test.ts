/**
 * A store that cannot be opened, or a disk that is full, is reported as what it is (issue 17,
 * item 5): a damaged store was reported as "open in another process" (DuckDB's message says
 * "block", which matched /lock/), and a full disk during an import as "cannot be read as CSV".
 *
 * Real DuckDB files: a store held by another process, a file of garbage, a store with a damaged
 * block. The full disk is a 1 MB tmpfs when this test may mount one (root); the messages DuckDB
 * and Node gave on it are also checked as text below, so the words are tested everywhere.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { sourcePath, spawnModule } from '../support/child.ts';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DiskFullError, Store, StoreBusyError, StoreDamagedError } from '../../src/lib/server/db/store.ts';
import { fullDiskPlace, isDamagedStore, isDiskFull, isLockConflict, storeOpenError } from '../../src/lib/server/db/errors.ts';
import { importFile } from '../../src/lib/server/ingest/import.ts';
import { receiveUpload } from '../../src/lib/server/ingest/upload.ts';

const root = mkdtempSync(join(tmpdir(), 'curewise-store-errors-test-'));
const children: ChildProcess[] = [];
let mounted: string | null = null;

afterAll(() => {
	for (const c of children) c.kill('SIGKILL');
	if (mounted) spawnSync('umount', [mounted]);
	rmSync(root, { recursive: true, force: true });
});

const openError = (path: string) => Store.open({ path, memoryLimit: '1GB' }).then(
	async (s) => {
		await s.close();
		return null;
	},
	(e: unknown) => e as Error
);

describe('opening the store', () => {
	test('held by another process: "open in another process"', async () => {
		const path = join(root, 'held.duckdb');
		const child = spawnModule(
			`const { Store } = await import(${sourcePath('src/lib/server/db/store.ts')});
			 await Store.open({ path: ${JSON.stringify(path)} });
			 process.stdout.write('HELD\\n');
			 setInterval(() => {}, 1000);`,
			{ stdio: ['ignore', 'pipe', 'inherit'] }
		);
		children.push(child);
		await new Promise<void>((resolve, reject) => {
			child.stdout!.on('data', (d: Buffer) => String(d).includes('HELD') && resolve());
			child.once('exit', (code) => reject(new Error(`the holding process ended (${code})`)));
		});
		const e = await openError(path);
		child.kill('SIGKILL');
		expect(e).toBeInstanceOf(StoreBusyError);
		expect(e!.message).toBe(
			`the store ${path} is open in another process (is the Curewise server running?). Stop it, or import through the Data page of the running server.`
		);
	});

	test('a file of garbage bytes is "damaged or not a Curewise store", with DuckDB\'s reason', async () => {
		const path = join(root, 'garbage.duckdb');
		writeFileSync(path, Buffer.from('this is not a store; '.repeat(1000)));
		const e = await openError(path);
		expect(e).toBeInstanceOf(StoreDamagedError);
		expect(e!.message).toBe(
			`the store ${path} is damaged or not a Curewise store: IO Error: The file "${path}" exists, but it is not a valid DuckDB database file!; restore it from a backup`
		);
	});

	test('a store with a damaged block is damaged, not "open in another process" (DuckDB says "block")', async () => {
		const path = join(root, 'damaged.duckdb');
		const s = await Store.open({ path, memoryLimit: '1GB' });
		await s.close();
		const fd = openSync(path, 'r+');
		writeSync(fd, Buffer.alloc(8192, 0x41), 0, 8192, 4096);
		closeSync(fd);
		const e = await openError(path);
		expect(e).toBeInstanceOf(StoreDamagedError);
		expect(e!.message).toMatch(
			new RegExp(`^the store ${path} is damaged or not a Curewise store: IO Error: Corrupt database file: computed checksum \\d+ does not match stored checksum \\d+ in block at location 4096; restore it from a backup$`)
		);
		expect(e!.message).not.toMatch(/another process/);
	});
});

/** the messages DuckDB 1.5 and Node 20 gave, captured on a 1 MB tmpfs and from the cases above */
const captured = {
	lock: 'IO Error: Could not set lock on file "/srv/data/curewise.duckdb": Conflicting lock is held in /usr/bin/node (PID 28227). See also https://duckdb.org/docs/stable/connect/concurrency',
	garbage: 'IO Error: The file "/srv/data/curewise.duckdb" exists, but it is not a valid DuckDB database file!',
	block: 'IO Error: Corrupt database file: computed checksum 10953484875242101244 does not match stored checksum 4702111234474983745 in block at location 12288',
	openFull: 'IO Error: Could not write file "/srv/data/curewise.duckdb": No space left on device',
	commitFull: 'TransactionContext Error: Failed to commit: Could not write file "/srv/data/curewise.duckdb.wal": No space left on device',
	checkpointFull: 'FATAL Error: Failed to create checkpoint because of error: Could not write file "/srv/data/curewise.duckdb": No space left on device'
};

describe('the words, from the messages DuckDB and Node give', () => {
	test('each is told apart', () => {
		expect(isLockConflict(captured.lock)).toBe(true);
		for (const m of [captured.garbage, captured.block, captured.openFull, captured.commitFull]) expect(isLockConflict(m), m).toBe(false);
		expect(isDamagedStore(captured.garbage) && isDamagedStore(captured.block)).toBe(true);
		expect(isDamagedStore(captured.lock) || isDamagedStore(captured.openFull)).toBe(false);
		for (const m of [captured.openFull, captured.commitFull, captured.checkpointFull]) expect(isDiskFull(m), m).toBe(true);
		const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: join(tmpdir(), 'curewise-upload-1-abcdef', 'a.csv') });
		expect(isDiskFull(enospc)).toBe(true);
		expect(isDiskFull(captured.lock) || isDiskFull(captured.block)).toBe(false);
	});

	test('said for a person', () => {
		const p = '/srv/data/curewise.duckdb';
		expect(storeOpenError(p, new Error(captured.lock))).toBeInstanceOf(StoreBusyError);
		expect(storeOpenError(p, new Error(captured.block))?.message).toBe(
			`the store ${p} is damaged or not a Curewise store: ${captured.block}; restore it from a backup`
		);
		const full = storeOpenError(p, new Error(captured.openFull));
		expect(full).toBeInstanceOf(DiskFullError);
		expect(full!.message).toBe(`the disk holding ${p} is full: ${captured.openFull}; free space on it, then try again`);
		expect(storeOpenError(p, new Error('IO Error: Cannot open file "x": Permission denied'))).toBeNull();
		// where the disk is full, named without a path (these words reach the Data page)
		expect(fullDiskPlace(captured.commitFull, p)).toBe('the store');
		expect(fullDiskPlace(captured.commitFull)).toBe('the store');
		expect(fullDiskPlace(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', path: join(tmpdir(), 'x', 'a.csv') }))).toBe("the server's temporary folder");
	});
});

/** a 1 MB tmpfs, when this process may mount one */
function tinyDisk(): string | null {
	if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
	const dir = join(root, 'tiny');
	mkdirSync(dir);
	if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status !== 0) return null;
	return (mounted = dir);
}
const tiny = tinyDisk();
const emptyTiny = () => {
	for (const f of readdirSync(tiny!)) rmSync(join(tiny!, f), { recursive: true, force: true });
};
/** fills the tiny disk with a file, and returns a function that removes it */
function fill(): () => void {
	const path = join(tiny!, 'filler');
	const fd = openSync(path, 'w');
	try {
		for (;;) writeSync(fd, Buffer.alloc(4096));
	} catch (e) {
		expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
	} finally {
		closeSync(fd);
	}
	return () => rmSync(path);
}

describe.skipIf(!tiny)('on a full disk (a 1 MB tmpfs)', () => {
	test('a store cannot be created: "the disk holding … is full"', async () => {
		emptyTiny();
		const unfill = fill();
		const path = join(tiny!, 'new.duckdb');
		const e = await openError(path);
		unfill();
		expect(e).toBeInstanceOf(DiskFullError);
		expect(e!.message).toBe(`the disk holding ${path} is full: IO Error: Could not write file "${path}": No space left on device; free space on it, then try again`);
	});

	test('an import that fills the disk says so, not that the file cannot be read as CSV', async () => {
		emptyTiny();
		const store = await Store.open({ path: join(tiny!, 'store.duckdb'), memoryLimit: '1GB' });
		const file = join(root, 'accounts.csv');
		let csv = 'account_id,customer_id,segment,product,region,timezone,opened_on\n';
		for (let i = 0; i < 60_000; i++) csv += `A${i},C${i},retail,card,US-MA,America/New_York,2024-01-01\n`;
		writeFileSync(file, csv);
		try {
			const r = await importFile(store, { path: file, source: 'cli' });
			expect(r.status).toBe('rejected');
			expect(r.error).toBe('importing accounts.csv failed: the disk holding the store is full; free space on it, then import the file again');
		} finally {
			await store.close().catch(() => {});
		}
	});

	test('an upload onto a full temporary folder: 507, saying so, and nothing left behind', async () => {
		emptyTiny();
		const tmp = process.env.TMPDIR;
		process.env.TMPDIR = tiny!;
		try {
			const piece = new Uint8Array(64 * 1024).fill(97);
			let n = 0;
			const body = new ReadableStream<Uint8Array>({
				pull(c) {
					if (n++ < 32) c.enqueue(piece);
					else c.close();
				}
			});
			const e = await receiveUpload(null as never, body, { fileName: 'accounts.csv', maxBytes: 1e9 }).catch((x: { status: number; message: string }) => x);
			expect(e).toMatchObject({
				status: 507,
				message: "the disk holding the server's temporary folder is full, so accounts.csv could not be received: ask an administrator to free space there, then try again"
			});
			expect(readdirSync(tiny!)).toEqual([]);
		} finally {
			process.env.TMPDIR = tmp;
		}
	});
});
