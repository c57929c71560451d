/**
 * A process that holds a store the way the running server does (open for writing, so that no
 * other process can open it) and serves its control socket: `node --import tsx
 * test/support/control-holder.ts STORE [--no-socket]`. Prints "ready <socket>" when it
 * answers (--no-socket: holds the store only, like a long import). SIGTERM closes the socket
 * and the store.
 */
import { startControlSocket } from '../../src/lib/server/control/server.ts';
import { Store } from '../../src/lib/server/db/store.ts';

const store = await Store.open({ path: process.argv[2], memoryLimit: '1GB' });
const socket = process.argv.includes('--no-socket') ? null : await startControlSocket(store, { log: (m) => process.stderr.write(m + '\n') });
process.stdout.write(`ready ${socket?.path ?? 'none'}\n`);
const keep = setInterval(() => {}, 1 << 30);
process.once('SIGTERM', () => {
	clearInterval(keep);
	void (async () => {
		await socket?.close();
		await store.close();
		process.exit(0);
	})();
});
