/**
 * The server's one store, opened on first use (CUREWISE_DB or ./data/curewise.duckdb).
 *
 * This module only opens the store: what the server runs beside it once it is open (the control
 * socket, the trail's checkpoints, the summary tables' rebuild and the Overview's cache warming)
 * is started by startup.ts, which the server's hook calls. That keeps this module at the bottom of
 * the import graph: every server module may import it without loading the Overview.
 */
import { Store } from './db/store.ts';
import { sweepTempDirsAndSay } from './tempfiles.ts';
import { withoutQueryTimeLimit } from './db/query-limit.ts';

type OnOpen = (store: Store) => void;
const g = globalThis as unknown as { __curewiseStore?: Promise<Store>; __curewiseOnOpen?: OnOpen };

export function getStore(): Promise<Store> {
	// the store is opened, and its background work started, outside the time limit of the request
	// that happens to ask first (db/query-limit.ts): a summary rebuild must not be cut
	if (!g.__curewiseStore) void withoutQueryTimeLimit(async () => openStore());
	return g.__curewiseStore!;
}

/**
 * What to start each time the store is opened (startup.ts sets it before the first getStore).
 * A store that could not be opened is opened again by a later request, which then starts it.
 */
export function whenStoreOpens(start: OnOpen): void {
	g.__curewiseOnOpen = start;
}

function openStore(): void {
	// uploads and downloads cut short by a killed server leave customer data in the temporary folder
	sweepTempDirsAndSay();
	g.__curewiseStore = Store.open().catch((e) => {
		g.__curewiseStore = undefined;
		throw e;
	});
	const start = g.__curewiseOnOpen;
	if (start) void g.__curewiseStore.then(start).catch(() => {});
}
