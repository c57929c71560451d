/**
 * Signed checkpoints of the trail: the newest record's number and hash at a moment,
 * signed with the trail key's Ed25519 key (audit/key.ts). A checkpoint kept off the machine
 * (a file copied elsewhere, or sent to a webhook) lets verifyTrail find records removed from
 * the end of the trail, and a chain rewritten by someone who got hold of the key after the
 * checkpoint was taken.
 *
 * A checkpoint file holds one JSON object per line, newest last.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonical } from '../../canonical.ts';
import type { Store } from '../db/store.ts';
import { signText, verifySignature, type TrailKey } from './key.ts';
import { keyTrail, recordTrail } from './trail.ts';

export const CHECKPOINT_FORMAT = 'curewise-trail-checkpoint/1';
export const CHECKPOINT_ACTION = 'trail_checkpoint';

const checkpointSchema = z.object({
	format: z.literal(CHECKPOINT_FORMAT),
	seq: z.number().int().positive(),
	hash: z.string().regex(/^[0-9a-f]{64}$/),
	signed_at: z.string(),
	key_id: z.string(),
	public_key: z.string(),
	signature: z.string()
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

export class CheckpointError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CheckpointError';
	}
}

/** where checkpoints go and are read from unless told otherwise: CUREWISE_TRAIL_CHECKPOINTS (a file or an http(s) URL), else beside the store */
export function checkpointTarget(storePath: string): string {
	return process.env.CUREWISE_TRAIL_CHECKPOINTS || `${storePath}.trail-checkpoints.jsonl`;
}

export const isWebhook = (target: string) => /^https?:\/\//i.test(target);

function signedText(c: Omit<Checkpoint, 'signature'>): string {
	return canonical(c);
}

/**
 * Records a `trail_checkpoint` record, then signs the trail's head (that record). The
 * checkpoint itself is returned; see exportCheckpoint for where it goes.
 */
export async function makeCheckpoint(store: Store, actor: { username: string; role?: string | null }, target: string): Promise<Checkpoint> {
	const key = await keyTrail(store);
	const head = await recordTrail(store, { actor: actor.username, role: actor.role ?? null, action: CHECKPOINT_ACTION, target: isWebhook(target) ? new URL(target).origin : target });
	const unsigned: Omit<Checkpoint, 'signature'> = {
		format: CHECKPOINT_FORMAT,
		seq: head.seq,
		hash: head.hash,
		signed_at: new Date().toISOString(),
		key_id: key.id,
		public_key: key.publicKeyText
	};
	return { ...unsigned, signature: signText(key, signedText(unsigned)) };
}

/** appends the checkpoint to a file, or POSTs it as JSON to a webhook (which must answer 2xx) */
export async function exportCheckpoint(c: Checkpoint, target: string): Promise<void> {
	if (isWebhook(target)) {
		let res: Response;
		try {
			res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c), signal: AbortSignal.timeout(15_000) });
		} catch (e) {
			throw new CheckpointError(`the checkpoint could not be sent to ${new URL(target).origin}: ${e instanceof Error ? e.message : e}`);
		}
		if (!res.ok) throw new CheckpointError(`the checkpoint webhook ${new URL(target).origin} answered HTTP ${res.status}`);
		return;
	}
	appendFileSync(target, JSON.stringify(c) + '\n', { mode: 0o600 });
}

/**
 * The checkpoints in a file, each checked against the trail key's public key: a line that is
 * not a checkpoint, or not signed by this key, is an error naming the line.
 */
export function readCheckpoints(file: string, key: TrailKey | null): Checkpoint[] {
	if (!existsSync(file)) throw new CheckpointError(`there is no checkpoint file ${file}`);
	const out: Checkpoint[] = [];
	const lines = readFileSync(file, 'utf8').split('\n');
	for (const [i, line] of lines.entries()) {
		if (!line.trim()) continue;
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			throw new CheckpointError(`line ${i + 1} of ${file} is not JSON`);
		}
		const r = checkpointSchema.safeParse(parsed);
		if (!r.success) throw new CheckpointError(`line ${i + 1} of ${file} is not a trail checkpoint (${r.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; ')})`);
		const c = r.data;
		if (!key) throw new CheckpointError(`the checkpoints in ${file} cannot be checked: the trail key is not here (set CUREWISE_TRAIL_KEY or CUREWISE_TRAIL_KEY_FILE)`);
		// the key here decides, not the key the line names: a forged line carries its own public key
		const { signature, ...rest } = c;
		if (c.public_key !== key.publicKeyText || !verifySignature(key.publicKeyText, signedText(rest), signature)) {
			throw new CheckpointError(`line ${i + 1} of ${file} (record ${c.seq}, signed at ${c.signed_at}) is not signed by this trail key (${key.id}): it was forged or belongs to another store`);
		}
		out.push(c);
	}
	return out;
}

/** the default checkpoint file's checkpoints when it exists, else none (for the audit page) */
export function defaultCheckpoints(storePath: string, key: TrailKey | null): { file: string | null; checkpoints: Checkpoint[] } {
	const target = checkpointTarget(storePath);
	if (isWebhook(target) || !existsSync(target)) return { file: null, checkpoints: [] };
	return { file: target, checkpoints: readCheckpoints(target, key) };
}

/**
 * The server's checkpoints: one soon after start and then every `minutes`, each only when
 * the trail has grown since the last (its newest record is not a checkpoint). Failures are
 * logged and tried again at the next turn.
 */
export function scheduleCheckpoints(store: Store, minutes: number, log: (m: string) => void): () => void {
	if (minutes <= 0) return () => {};
	const target = checkpointTarget(store.path);
	let running = false;
	const turn = async () => {
		if (running) return;
		running = true;
		try {
			const last = await store.kysely.selectFrom('trail').select('action').orderBy('seq', 'desc').limit(1).executeTakeFirst();
			if (last && last.action !== CHECKPOINT_ACTION) await exportCheckpoint(await makeCheckpoint(store, { username: 'system' }, target), target);
		} catch (e) {
			log(`the trail checkpoint could not be written: ${e instanceof Error ? e.message : e}`);
		} finally {
			running = false;
		}
	};
	const first = setTimeout(turn, 5_000);
	const every = setInterval(turn, minutes * 60_000);
	first.unref();
	every.unref();
	return () => {
		clearTimeout(first);
		clearInterval(every);
	};
}
