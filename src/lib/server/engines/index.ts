/**
 * Opens the engine the configuration names (CUREWISE_ENGINE, CUREWISE_ENGINE_URL;
 * src/lib/server/config.ts): the DuckDB store itself (the default), a PostgreSQL server
 * (postgres://…) or PGlite in a folder (pglite:FOLDER; pglite:memory for an empty one in memory),
 * or ClickHouse embedded through chdb (chdb:FOLDER; chdb:memory for a temporary folder).
 * The app's pages do not read from it yet (docs/engines.md says what does).
 */
import type { Config } from '../config.ts';
import type { Store } from '../db/store.ts';
import { duckdbEngine } from './duckdb.ts';
import { pgliteEngine, pgServerEngine } from './postgres.ts';
import { chdbEngine } from './clickhouse.ts';
import type { Engine } from './types.ts';

export type { Engine, EngineName, EngineRow } from './types.ts';
export { duckdbEngine } from './duckdb.ts';
export { pgliteEngine, pgServerEngine } from './postgres.ts';
export { chdbEngine } from './clickhouse.ts';

export async function openEngine(c: Pick<Config, 'CUREWISE_ENGINE' | 'CUREWISE_ENGINE_URL'>, store: Store): Promise<Engine> {
	if (c.CUREWISE_ENGINE === 'duckdb') return duckdbEngine(store);
	const url = c.CUREWISE_ENGINE_URL;
	if (c.CUREWISE_ENGINE === 'clickhouse') {
		// chdb:FOLDER, or chdb:memory (and no address) for a temporary folder removed on close
		const dir = url?.startsWith('chdb:') ? url.slice('chdb:'.length) : 'memory';
		return chdbEngine(dir === 'memory' ? {} : { dir });
	}
	if (!url) throw new Error('CUREWISE_ENGINE=postgres needs CUREWISE_ENGINE_URL: postgres://user:password@host:port/database, or pglite: and a folder');
	if (url.startsWith('pglite:')) {
		const dir = url.slice('pglite:'.length);
		return pgliteEngine(dir === 'memory' ? {} : { dataDir: dir });
	}
	return pgServerEngine(url);
}
