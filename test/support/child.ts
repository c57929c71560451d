/** Test helper: a real Node process running a piece of TypeScript module code (through tsx). */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** the absolute path of a source module, for the child's `await import(…)` */
export const sourcePath = (relative: string) => JSON.stringify(new URL(`../../${relative}`, import.meta.url).pathname);

/** starts `node --import tsx` on `code` (an ES module body: top-level await allowed) */
export function spawnModule(code: string, opts: SpawnOptions = {}): ChildProcess {
	return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], opts);
}
