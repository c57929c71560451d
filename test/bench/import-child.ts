// Imports the files named on the command line into --db in its own process and prints one
// JSON line per file with its duration, then the process's peak memory. Used by bench.ts.
import { Store } from '../../src/lib/server/db/store.ts';
import { importPaths } from '../../src/lib/server/ingest/index.ts';

const [db, ...files] = process.argv.slice(2);
const store = await Store.open({ path: db });
await importPaths(store, files, {
	source: 'cli',
	onResult: (r) => process.stdout.write(JSON.stringify({ kind: 'result', ...r }) + '\n'),
	onSummaries: (r) => process.stdout.write(JSON.stringify({ kind: 'summaries', ...r }) + '\n'),
	onAudit: (r) => process.stdout.write(JSON.stringify({ kind: 'audit', ...r }) + '\n')
});
await store.close();
process.stdout.write(JSON.stringify({ kind: 'memory', max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
