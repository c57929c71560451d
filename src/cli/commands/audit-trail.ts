import { z } from 'zod';
import { verifyTrail } from '../../lib/server/audit/trail.ts';
import { Store } from '../../lib/server/db/store.ts';
import { parse, UsageError } from '../args.ts';

export const usage = `usage: curewise audit-trail verify [--db FILE] [--json]

Checks the audit trail's hash chain: every record must carry the hash of the one before and
match its own hash. Exit status 0 when the chain is intact, 1 when a record was edited or removed.`;

export async function run(argv: string[]): Promise<number> {
	const [sub, ...rest] = argv;
	if (sub !== 'verify') throw new UsageError(`say what to do: verify\n\n${usage}`);
	const { values } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean', default: false } }, z.object({ db: z.string().optional(), json: z.boolean() }), usage);
	const store = await Store.open({ path: values.db });
	try {
		const r = await verifyTrail(store);
		if (values.json) process.stdout.write(JSON.stringify(r) + '\n');
		else if (r.ok) process.stdout.write(`audit trail intact: ${r.records} records verified\n`);
		else process.stdout.write(`audit trail BROKEN at record ${r.broken!.seq}: ${r.broken!.reason} (${r.records} records)\n`);
		return r.ok ? 0 : 1;
	} finally {
		await store.close();
	}
}
