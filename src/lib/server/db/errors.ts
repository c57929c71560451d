/**
 * DuckDB's and Node's errors about the store's files, told apart and said for a person: a
 * store held by another process, a damaged store, a full disk. Each test matches DuckDB's own
 * words (captured in test/security/store-errors.test.ts): a damaged store's message says
 * "block", which a test for /lock/ once took for a lock held by another process.
 */
import { tmpdir } from 'node:os';
import { basename, resolve, sep } from 'node:path';

const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
const code = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '');

/** DuckDB: `Could not set lock on file "…": Conflicting lock is held in … (PID …)` */
export const isLockConflict = (e: unknown) => /Could not set lock on file|Conflicting lock is held/i.test(text(e));

/**
 * DuckDB: `The file "…" exists, but it is not a valid DuckDB database file!` (garbage, an empty
 * file, another program's file) and `Corrupt database file: computed checksum … does not match
 * stored checksum … in block at location …` (a damaged block)
 */
export const isDamagedStore = (e: unknown) =>
	/not a valid DuckDB database file|Corrupt database file|does not match stored checksum|database file is (corrupt|truncated)/i.test(text(e));

/**
 * Node: ENOSPC (`no space left on device, write`) or EDQUOT; DuckDB: `Could not write file "…":
 * No space left on device` (the store, its write-ahead log) and the spill folder's
 * `max_temp_directory_size`, which is the free space of its disk unless set
 */
export const isDiskFull = (e: unknown) =>
	code(e) === 'ENOSPC' || code(e) === 'EDQUOT' || /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT|max_temp_directory_size/i.test(text(e));

/** the file a write failed on: Node's error.path, or DuckDB's `Could not write file "…"` */
export function failedFile(e: unknown): string | null {
	if (e && typeof e === 'object' && typeof (e as { path?: unknown }).path === 'string') return (e as { path: string }).path;
	return /(?:write|open|create|extend|truncate) (?:to )?file "([^"]+)"/i.exec(text(e))?.[1] ?? null;
}

/**
 * what a full disk holds, named without a server path (the words go to the Data page): the
 * store (its file, write-ahead log and spill folder), the temporary folder, or a file's name
 */
export function fullDiskPlace(e: unknown, storePath?: string | null): string {
	const file = failedFile(e);
	if (!file) return storePath ? 'the store' : 'the store or the temporary folder';
	const abs = resolve(file);
	if (storePath && abs.startsWith(resolve(storePath))) return 'the store';
	if (/\.duckdb(\.wal|\.tmp)?$|\.duckdb\.tmp[/\\]/.test(abs)) return 'the store';
	if (abs.startsWith(resolve(tmpdir()) + sep)) return "the server's temporary folder";
	return basename(abs);
}

/** the first line of an error's message (DuckDB's add the query and hints below) */
export const firstLine = (e: unknown) => text(e).split('\n')[0]!.trim();

export class StoreBusyError extends Error {
	constructor(path: string) {
		super(
			`the store ${path} is open in another process (is the Curewise server running?). ` +
				`Stop it, or import through the Data page of the running server.`
		);
		this.name = 'StoreBusyError';
	}
}

export class StoreDamagedError extends Error {
	constructor(path: string, cause: unknown) {
		super(`the store ${path} is damaged or not a Curewise store: ${firstLine(cause)}; restore it from a backup`);
		this.name = 'StoreDamagedError';
	}
}

export class DiskFullError extends Error {
	constructor(where: string, cause: unknown) {
		super(`the disk holding ${where} is full: ${firstLine(cause)}; free space on it, then try again`);
		this.name = 'DiskFullError';
	}
}

/**
 * The error to show for a store that could not be opened (or migrated): held by another
 * process, damaged, on a full disk; null when it is none of these.
 */
export function storeOpenError(path: string, e: unknown): Error | null {
	if (isLockConflict(e)) return new StoreBusyError(path);
	if (isDiskFull(e)) return new DiskFullError(failedFile(e) ?? path, e);
	if (isDamagedStore(e)) return new StoreDamagedError(path, e);
	return null;
}
