/** The server's one store, opened on first use (CUREWISE_DB or ./data/curewise.duckdb). */
import { Store } from './db/store.ts';

const g = globalThis as unknown as { __curewiseStore?: Promise<Store> };

export function getStore(): Promise<Store> {
	g.__curewiseStore ??= Store.open().catch((e) => {
		g.__curewiseStore = undefined;
		throw e;
	});
	return g.__curewiseStore;
}
