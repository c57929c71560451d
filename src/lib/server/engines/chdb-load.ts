/**
 * Loads chdb (ClickHouse embedded in the process, about 570 MB on disk) only when the ClickHouse
 * engine is asked for. It is not a dependency in package.json (docs/engines.md): `npm run
 * install:chdb` puts it in the project's .cache/chdb, and `npm test` does so when it is missing.
 * A chdb installed in node_modules by hand is used too.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** the part of chdb's API the engine uses (chdb 3.4.0, index.d.ts) */
export interface ChdbSession {
	query(query: string, format?: string): string;
	queryBind(query: string, args: object, format?: string): string;
	close(): void;
}
export interface ChdbModule {
	Session: new (path?: string) => ChdbSession;
}

export const CHDB_VERSION = '3.4.0';
export const CHDB_MISSING = 'ClickHouse needs the chdb package (about 570 MB): run `npm run install:chdb`';

/** where chdb is looked for: the project's .cache/chdb, then node_modules */
export function chdbPaths(root = process.cwd()): string[] {
	return [join(root, '.cache', 'chdb', 'node_modules', 'chdb'), join(root, 'node_modules', 'chdb')];
}

const loaded = new Map<string, ChdbModule>();

/** chdb, or an Error saying how to install it */
export function loadChdb(root = process.cwd()): ChdbModule {
	const known = loaded.get(root);
	if (known) return known;
	const require = createRequire(join(root, 'package.json'));
	for (const dir of chdbPaths(root)) {
		if (!existsSync(join(dir, 'package.json'))) continue;
		try {
			const chdb = require(dir) as ChdbModule;
			loaded.set(root, chdb);
			return chdb;
		} catch (e) {
			throw new Error(`${CHDB_MISSING} (chdb in ${dir} did not load: ${e instanceof Error ? e.message : String(e)})`);
		}
	}
	throw new Error(CHDB_MISSING);
}

/** whether chdb is installed where loadChdb looks */
export const chdbInstalled = (root = process.cwd()) => chdbPaths(root).some((d) => existsSync(join(d, 'package.json')));
