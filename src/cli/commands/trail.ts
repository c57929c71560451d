import { z } from 'zod';
import { CheckpointError, checkpointTarget, exportCheckpoint, isWebhook, makeCheckpoint, readCheckpoints } from '../../lib/server/trail/checkpoints.ts';
import { loadTrailKey, TrailKeyError } from '../../lib/server/trail/key.ts';
import { verifyTrail } from '../../lib/server/trail/trail.ts';
import { existsSync } from 'node:fs';
import { parse, UsageError } from '../args.ts';
import { localIo, type Io } from '../io.ts';

export const usage = `usage: curewise trail verify [--db FILE] [--checkpoints FILE] [--json]
       curewise trail checkpoint [--db FILE] [--to FILE|URL] [--json]

verify      checks the trail: every record must carry the hash of the one before and
            match its own hash, keyed with the trail key (CUREWISE_TRAIL_KEY, or the file
            CUREWISE_TRAIL_KEY_FILE, or <store>.trail-key); and every signed checkpoint in
            --checkpoints (default: CUREWISE_TRAIL_CHECKPOINTS or <store>.trail-checkpoints.jsonl,
            when it exists) must match its record, so that a removed tail or a rewritten chain
            is found. Exit status 0 when intact, 1 when not.
checkpoint  records a checkpoint in the trail, signs the trail's newest record with the trail
            key and appends it to --to (a file) or POSTs it as JSON to --to (an http(s) URL);
            default CUREWISE_TRAIL_CHECKPOINTS or <store>.trail-checkpoints.jsonl. Keep the
            checkpoints where a person who can change the store cannot (another machine).

The running server writes a checkpoint every CUREWISE_TRAIL_CHECKPOINT_MINUTES (default 60)
to the same place. While the server runs on the store, verify is run by the server (through
its control socket, <store>.sock); checkpoint needs the store not to be open in another process.`;

const schema = z.object({ db: z.string().optional(), json: z.boolean(), checkpoints: z.string().optional(), to: z.string().optional() });

export async function run(argv: string[], io: Io = localIo): Promise<number> {
	const [sub, ...rest] = argv;
	if (sub !== 'verify' && sub !== 'checkpoint') throw new UsageError(`say what to do: verify or checkpoint\n\n${usage}`);
	const { values } = parse(
		rest,
		{ db: { type: 'string' }, json: { type: 'boolean', default: false }, checkpoints: { type: 'string' }, to: { type: 'string' } },
		schema,
		usage
	);
	if (sub === 'verify' && values.to) throw new UsageError(`--to is for checkpoint\n\n${usage}`);
	if (sub === 'checkpoint' && values.checkpoints) throw new UsageError(`--checkpoints is for verify; checkpoint takes --to\n\n${usage}`);
	const say = (text: string, json: unknown) => io.out(values.json ? JSON.stringify(json) + '\n' : text + '\n');
	// verify only reads: it neither creates a key nor keys the trail
	return io.withStore({ path: values.db, keyTrail: sub !== 'verify' }, async (store) => {
		try {
			if (sub === 'checkpoint') {
				const target = values.to ?? checkpointTarget(store.path);
				const c = await makeCheckpoint(store, { username: 'cli' }, target);
				await exportCheckpoint(c, target);
				say(`checkpoint of record ${c.seq} (key ${c.key_id}) ${isWebhook(target) ? 'sent to' : 'appended to'} ${isWebhook(target) ? new URL(target).origin : target}`, c);
				return 0;
			}
			const key = loadTrailKey(store.path);
			const explicit = values.checkpoints;
			const file = explicit ?? checkpointTarget(store.path);
			const checkpoints = explicit || (!isWebhook(file) && existsSync(file)) ? readCheckpoints(file, key) : [];
			const r = await verifyTrail(store, { key, checkpoints });
			const where = checkpoints.length ? `, ${checkpoints.length} signed checkpoint${checkpoints.length === 1 ? '' : 's'} matched (${file})` : ', no checkpoints to check against';
			const plain = r.plain_records ? ` (${r.plain_records} from before the trail was keyed, checked unkeyed)` : '';
			if (r.ok) say(`trail intact: ${r.records} records verified${plain}${key ? ` with key ${key.id}` : ''}${where}`, r);
			else say(`trail BROKEN at record ${r.broken!.seq}: ${r.broken!.reason} (${r.records} records)`, r);
			return r.ok ? 0 : 1;
		} catch (e) {
			if (e instanceof CheckpointError || e instanceof TrailKeyError) {
				say(`${sub === 'verify' ? 'trail cannot be verified' : 'no checkpoint was exported'}: ${e.message}`, { ok: false, error: e.message });
				return 1;
			}
			throw e;
		}
	});
}
