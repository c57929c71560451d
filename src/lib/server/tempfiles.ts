/**
 * The server's temporary folders: an upload being received (`upload`), a batch's quarantined
 * rows (`quarantine`), an experiment's assignments (`assignments`) or a report's findings (`export`) being written for a
 * download. Each is named after the process that made it, `curewise-<kind>-<pid>-XXXXXX` in
 * the system's temporary folder, so that a folder left behind by a process that was killed
 * (customer data, mid-upload) can be told from one in use: `sweepTempDirs` removes the folders
 * of processes that are no longer running. The server sweeps when it first opens the store, and
 * so does `curewise import`.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMP_KINDS = ['upload', 'quarantine', 'assignments', 'export'] as const;
export type TempKind = (typeof TEMP_KINDS)[number];

const NAME = new RegExp(`^curewise-(?:${TEMP_KINDS.join('|')})-(\\d+)-[A-Za-z0-9]{6}$`);
/** the names earlier releases gave, without the process id */
const OLD_NAME = new RegExp(`^curewise-(?:${TEMP_KINDS.join('|')})-[A-Za-z0-9]{6}$`);
/** a folder named by an earlier release is removed once it is this old (no upload or import runs a day) */
export const OLD_TEMP_DIR_MAX_AGE_MS = 24 * 3600_000;

/** a new, empty folder for one upload or download; its owner removes it when done or failed */
export function makeTempDir(kind: TempKind): string {
	return mkdtempSync(join(tmpdir(), `curewise-${kind}-${process.pid}-`));
}

export function removeTempDir(dir: string): void {
	rmSync(dir, { recursive: true, force: true });
}

/** whether a process with this id is running (EPERM: it is, under another user) */
export function processAlive(pid: number): boolean {
	if (pid === process.pid) return true;
	if (!Number.isSafeInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Removes the temporary folders left by Curewise processes that are no longer running (and,
 * after a day, the folders of earlier releases, whose names carry no process id). A folder
 * with this process's own id that is older than this process was left by an earlier one that
 * had the same id (a container restarted). Returns the folders removed.
 */
export function sweepTempDirs(root: string = tmpdir(), now: number = Date.now()): string[] {
	const started = now - process.uptime() * 1000;
	let names: string[];
	try {
		names = readdirSync(root);
	} catch {
		return [];
	}
	const removed: string[] = [];
	for (const name of names) {
		const m = NAME.exec(name);
		if (!m && !OLD_NAME.test(name)) continue;
		const dir = join(root, name);
		let modified: number;
		try {
			const st = lstatSync(dir);
			// a link or a file under our name is not ours: left alone
			if (!st.isDirectory()) continue;
			modified = st.mtimeMs;
		} catch {
			continue;
		}
		const pid = m ? Number(m[1]) : null;
		const leftOver = pid === null ? now - modified > OLD_TEMP_DIR_MAX_AGE_MS : pid === process.pid ? modified < started : !processAlive(pid);
		if (!leftOver) continue;
		try {
			rmSync(dir, { recursive: true, force: true });
			removed.push(dir);
		} catch {
			/* another user's, or removed meanwhile */
		}
	}
	return removed;
}

/** sweeps, and says on stderr what was removed (the server's log, the CLI's messages) */
export function sweepTempDirsAndSay(log: (msg: string) => void = (m) => console.error(m)): string[] {
	const removed = sweepTempDirs();
	if (removed.length) log(`removed ${removed.length} temporary folder${removed.length > 1 ? 's' : ''} left by Curewise processes that were stopped (uploads or downloads cut short)`);
	return removed;
}
