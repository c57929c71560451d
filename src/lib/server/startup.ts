/**
 * What the server starts beside its store (called once by the hook's init, src/hooks.server.ts):
 * the store is opened at once, and once it is open, the control socket, the trail's signed
 * checkpoints, the audit an import owes, the rebuild of summary tables an earlier release built,
 * and the warming of the Overview's chart cache. The store module itself imports none of these (store.ts), so opening
 * the store from the CLI or a test starts nothing, and no import cycle runs through it.
 */
import type { Store } from './db/store.ts';
import { getStore, whenStoreOpens } from './store.ts';

export function startServer(): void {
	whenStoreOpens(startBeside);
	// not awaited: the server listens at once; a store that cannot be opened now (held by an
	// import in another process) is opened by the first request instead, which then says why
	void getStore().catch((e) => console.error(`the store could not be opened at start: ${e instanceof Error ? e.message : e}`));
}

function startBeside(s: Store): void {
	// the control socket beside the store (<store>.sock): the 'curewise' commands that may run
	// while this server holds the store are sent there and run here (control/server.ts)
	void import('./control/server.ts').then((m) => m.startControlSocket(s)).catch(() => {});
	// signed checkpoints of the trail, on the schedule CUREWISE_TRAIL_CHECKPOINT_MINUTES sets
	void Promise.all([import('./trail/checkpoints.ts'), import('./config.ts')])
		.then(([{ scheduleCheckpoints }, { config }]) => scheduleCheckpoints(s, config().CUREWISE_TRAIL_CHECKPOINT_MINUTES, (m) => console.error(m)))
		.catch(() => {});
	// the audit an import owes (a process killed between an import and its audit): run in the
	// background, said in the log and recorded in the trail (compliance/owed.ts)
	void Promise.all([import('./compliance/owed.ts'), import('./config.ts')])
		.then(([{ auditOwedAtStart }, { config }]) => auditOwedAtStart(s, (m) => console.error(m), { enabled: config().CUREWISE_AUDIT_OWED_AT_START }))
		.catch((e) => console.error(`the owed audit could not run: ${e instanceof Error ? e.message : e}`));
	// warm the Overview's chart cache in the background (the line it prints when done tells the
	// benchmark the server is warm); summaries built by an earlier release's SQL are rebuilt
	// first (the raw tables answer meanwhile)
	void import('./kpi/summary-tables.ts')
		.then((m) => m.ensureSummaries(s, (msg) => console.error(msg)))
		.catch(() => null)
		.then(() => import('./kpi/warm.ts'))
		.then((w) => w.warmChartCache(s, (m) => console.error(m)))
		.then((ms) => {
			if (ms) console.log(`chart cache warmed in ${ms} ms`);
		})
		.catch(() => {});
}
