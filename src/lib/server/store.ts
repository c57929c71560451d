/** The server's one store, opened on first use (CUREWISE_DB or ./data/curewise.duckdb). */
import { Store } from './db/store.ts';
import { sweepTempDirsAndSay } from './tempfiles.ts';
import { withoutQueryTimeLimit } from './db/query-limit.ts';

const g = globalThis as unknown as { __curewiseStore?: Promise<Store> };

export function getStore(): Promise<Store> {
	// the store is opened, and its background work started, outside the time limit of the request
	// that happens to ask first (db/query-limit.ts): a summary rebuild must not be cut
	if (!g.__curewiseStore) void withoutQueryTimeLimit(async () => openStore());
	return g.__curewiseStore!;
}

function openStore(): void {
	// uploads and downloads cut short by a killed server leave customer data in the temporary folder
	sweepTempDirsAndSay();
	g.__curewiseStore = Store.open().catch((e) => {
		g.__curewiseStore = undefined;
		throw e;
	});
	// the control socket beside the store (<store>.sock): the 'curewise' commands that may run
	// while this server holds the store are sent there and run here (control/server.ts)
	void g.__curewiseStore.then((s) => import('./control/server.ts').then((m) => m.startControlSocket(s))).catch(() => {});
	// warm the Overview's chart cache in the background once the store is open
	// (the line it prints when done tells the benchmark the server is warm)
	// signed checkpoints of the trail, on the schedule CUREWISE_TRAIL_CHECKPOINT_MINUTES sets
	void g.__curewiseStore
		.then(async (s) => {
			const [{ scheduleCheckpoints }, { config }] = await Promise.all([import('./trail/checkpoints.ts'), import('./config.ts')]);
			scheduleCheckpoints(s, config().CUREWISE_TRAIL_CHECKPOINT_MINUTES, (m) => console.error(m));
		})
		.catch(() => {});
	void g.__curewiseStore
		.then(async (s) => {
			// summaries built by an earlier release's SQL are rebuilt first (the raw tables answer meanwhile)
			await import('./kpi/summaries.ts').then((m) => m.ensureSummaries(s, (msg) => console.error(msg))).catch(() => null);
			return import('./kpi/warm.ts').then((w) => w.warmChartCache(s, (m) => console.error(m)));
		})
		.then((ms) => {
			if (ms) console.log(`chart cache warmed in ${ms} ms`);
		})
		.catch(() => {});
}
