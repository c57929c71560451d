/**
 * The DuckDB engine: the store's own file (src/lib/server/db/store.ts), as the app uses it today.
 * Closing the engine leaves the store open: it belongs to whoever opened it.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { duckdb } from '../../metrics/dialect.ts';
import type { Store } from '../db/store.ts';
import type { Engine, EngineRow } from './types.ts';

export function duckdbEngine(store: Store, where = 'the DuckDB store'): Engine {
	return {
		name: 'duckdb',
		dialect: duckdb,
		where,
		async query<T = EngineRow>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
			return store.rows<T>(sql, params as Record<string, DuckDBValue>);
		},
		async exec(sql: string) {
			const c = await store.connect();
			try {
				await c.run(sql);
			} finally {
				c.closeSync();
			}
		},
		async close() {}
	};
}

