/**
 * The trail: an append-only record of sign-ins, imports, experiment decisions, alert
 * acknowledgements, policy changes, exports and views of account timelines. Each record
 * carries the hash of the one before and of its own content, keyed with the trail key
 * (audit/key.ts: HMAC-SHA256 under a secret kept outside the store), so an edit or a deletion
 * breaks the chain, verifyTrail finds it, and nobody without the key can recompute it.
 * Signed checkpoints (audit/checkpoints.ts), kept off the machine, find a removed tail.
 * Nothing in the product updates or deletes the trail.
 *
 * Stores written before the trail was keyed hold plain SHA-256 records; the first keyed record
 * is `trail_keyed`, which names the key and how many plain records come before it (its own
 * keyed hash covers that count, so nobody can move the line).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../db/store.ts';
import { ensureTrailKey, hmacHex, keyFilePath, loadTrailKey, TrailKeyError, type TrailKey } from './key.ts';
import type { Checkpoint } from './checkpoints.ts';
import { canonical } from '../../canonical.ts';
import { csvText } from '../csv.ts';
import { requestIp } from './context.ts';

export interface TrailEvent {
	actor: string;
	role?: string | null;
	action: string;
	target?: string | null;
	details?: Record<string, unknown> | null;
	ip?: string | null;
}

export interface TrailRecord {
	seq: number;
	recorded_at: string;
	actor: string;
	role: string | null;
	action: string;
	target: string | null;
	details: string | null;
	ip: string | null;
	prev_hash: string;
	hash: string;
}

export const GENESIS = '0'.repeat(64);


/** the action of the first keyed record */
export const KEYED_ACTION = 'trail_keyed';

/** a record's hash: keyed (HMAC-SHA256) when a key is given, plain SHA-256 for records written before the trail was keyed */
export function recordHash(r: Omit<TrailRecord, 'hash'>, key: TrailKey | null): string {
	const text = canonical([r.seq, r.recorded_at, r.actor, r.role ?? '', r.action, r.target ?? '', r.details ?? '', r.ip ?? '', r.prev_hash]);
	return key ? hmacHex(key, text) : createHash('sha256').update(text).digest('hex');
}

// per store: its key, once the trail is known to be keyed
const keyed = new WeakMap<Store, TrailKey>();

async function lastRecord(store: Store): Promise<{ seq: number; hash: string } | undefined> {
	const last = await store.kysely.selectFrom('trail').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
	return last && { seq: Number(last.seq), hash: last.hash };
}

async function insert(store: Store, full: TrailRecord): Promise<void> {
	await store.kysely
		.insertInto('trail')
		.values({ ...full, recorded_at: sql<Date>`CAST(${full.recorded_at} AS TIMESTAMPTZ)` })
		.execute();
}

/**
 * The store's trail key, created beside the store when there is none; the first time a
 * trail is keyed, a `trail_keyed` record seals the plain records before it. Called when a
 * store is opened and before every record.
 */
async function keyFor(store: Store): Promise<TrailKey> {
	const known = keyed.get(store);
	if (known) return known;
	const seal = await store.kysely.selectFrom('trail').select(['seq', 'details']).where('action', '=', KEYED_ACTION).orderBy('seq').limit(1).executeTakeFirst();
	// a keyed trail whose key is gone gets no new key: that would hide whatever happened to it
	const key = seal ? loadTrailKey(store.path) : ensureTrailKey(store.path);
	if (!key) {
		throw new TrailKeyError(
			`the trail of ${store.path} is keyed (record ${seal!.seq}, ${seal!.details}) and its key is not here: ` +
				`set CUREWISE_TRAIL_KEY or CUREWISE_TRAIL_KEY_FILE, or put the key file back at ${keyFilePath(store.path)}`
		);
	}
	if (!seal) {
		const last = await lastRecord(store);
		const rec: Omit<TrailRecord, 'hash'> = {
			seq: (last?.seq ?? 0) + 1,
			recorded_at: new Date().toISOString(),
			actor: 'system',
			role: null,
			action: KEYED_ACTION,
			target: null,
			details: canonical({ key_id: key.id, plain_records: last?.seq ?? 0 }),
			ip: null,
			prev_hash: last?.hash ?? GENESIS
		};
		await insert(store, { ...rec, hash: recordHash(rec, key) });
	}
	keyed.set(store, key);
	return key;
}

// one writer per process: records are chained in order
const g = globalThis as unknown as { __curewiseAudit?: Promise<unknown> };

function serial<T>(run: () => Promise<T>): Promise<T> {
	const p = (g.__curewiseAudit ?? Promise.resolve()).catch(() => {}).then(run);
	g.__curewiseAudit = p;
	return p;
}

/** makes sure the store's trail is keyed (creating the key and the `trail_keyed` seal if need be); Store.open calls it */
export function keyTrail(store: Store): Promise<TrailKey> {
	return serial(() => keyFor(store));
}

export function recordTrail(store: Store, e: TrailEvent): Promise<TrailRecord> {
	return serial(async () => {
		const key = await keyFor(store);
		const last = await lastRecord(store);
		const rec: Omit<TrailRecord, 'hash'> = {
			seq: (last?.seq ?? 0) + 1,
			recorded_at: new Date().toISOString(),
			actor: e.actor,
			role: e.role ?? null,
			action: e.action,
			target: e.target ?? null,
			details: e.details ? canonical(e.details) : null,
			// the address given, else that of the request being answered (src/lib/server/trail/context.ts)
			ip: e.ip ?? requestIp(),
			prev_hash: last?.hash ?? GENESIS
		};
		const full: TrailRecord = { ...rec, hash: recordHash(rec, key) };
		await insert(store, full);
		return full;
	});
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/** a row of trail as a record (timestamps as ISO text, as hashed) */
export function toRecord(r: Record<string, unknown>): TrailRecord {
	return {
		seq: Number(r.seq),
		recorded_at: iso(r.recorded_at),
		actor: String(r.actor),
		role: (r.role as string | null) ?? null,
		action: String(r.action),
		target: (r.target as string | null) ?? null,
		details: (r.details as string | null) ?? null,
		ip: (r.ip as string | null) ?? null,
		prev_hash: String(r.prev_hash),
		hash: String(r.hash)
	};
}

export interface VerifyResult {
	ok: boolean;
	records: number;
	/** the first record whose hash or link does not match, and why */
	broken: { seq: number; reason: string } | null;
	/** records written before the trail was keyed (plain SHA-256; stores of an earlier release) */
	plain_records: number;
	/** the id of the key the keyed records were checked with */
	key_id: string | null;
	/** checkpoints checked, and the newest of them */
	checkpoints: { checked: number; latest: { seq: number; signed_at: string } | null };
}

export interface VerifyOptions {
	/** the key to check with; by default the store's (audit/key.ts), never created here */
	key?: TrailKey | null;
	/** signed checkpoints to check the trail against (audit/checkpoints.ts) */
	checkpoints?: Checkpoint[];
}

export async function verifyTrail(store: Store, opts: VerifyOptions = {}): Promise<VerifyResult> {
	const key = opts.key === undefined ? loadTrailKey(store.path) : opts.key;
	const rows = (await store.kysely.selectFrom('trail').selectAll().orderBy('seq').execute()).map(toRecord);
	const sealIndex = rows.findIndex((r) => r.action === KEYED_ACTION);
	const cps = opts.checkpoints ?? [];
	const latest = cps.reduce<Checkpoint | null>((a, c) => (!a || c.seq > a.seq ? c : a), null);
	const result = (broken: VerifyResult['broken']): VerifyResult => ({
		ok: broken === null,
		records: rows.length,
		broken,
		plain_records: sealIndex < 0 ? rows.length : sealIndex,
		key_id: key?.id ?? null,
		checkpoints: { checked: broken ? 0 : cps.length, latest: latest && !broken ? { seq: latest.seq, signed_at: latest.signed_at } : null }
	});
	if (sealIndex >= 0 && !key) {
		return result({ seq: rows[sealIndex]!.seq, reason: 'this record and those after it are keyed, and the trail key is not here (set CUREWISE_TRAIL_KEY or CUREWISE_TRAIL_KEY_FILE)' });
	}
	if (sealIndex < 0 && key && rows.length > 0) {
		return result({ seq: rows[0]!.seq, reason: `no record carries the trail key's seal (${KEYED_ACTION}): the trail was rewritten without the key, or the key belongs to another store` });
	}
	if (sealIndex >= 0 && key) {
		let sealed: { key_id?: unknown };
		try {
			sealed = JSON.parse(rows[sealIndex]!.details ?? '{}');
		} catch {
			sealed = {};
		}
		if (sealed.key_id !== key.id) {
			return result({ seq: rows[sealIndex]!.seq, reason: `the trail was keyed with another key (id ${String(sealed.key_id)}); the key here (${key.source}) is ${key.id}` });
		}
	}
	let prev = GENESIS;
	let expectedSeq = 1;
	for (const [i, r] of rows.entries()) {
		if (r.seq !== expectedSeq) return result({ seq: r.seq, reason: `record ${expectedSeq} is missing` });
		if (r.prev_hash !== prev) return result({ seq: r.seq, reason: 'its link to the record before does not match' });
		const { hash, ...rest } = r;
		const keyedRecord = sealIndex >= 0 && i >= sealIndex;
		if (recordHash(rest, keyedRecord ? key : null) !== hash) {
			return result({ seq: r.seq, reason: keyedRecord ? 'its content does not match its keyed hash (edited, or written without the trail key)' : 'its content does not match its hash (edited)' });
		}
		prev = hash;
		expectedSeq++;
	}
	// a removed tail or a rewritten chain: the signed checkpoints saw records that are gone or different
	const bySeq = new Map(rows.map((r) => [r.seq, r]));
	for (const c of [...cps].sort((a, b) => a.seq - b.seq)) {
		const r = bySeq.get(c.seq);
		if (!r) return result({ seq: c.seq, reason: `record ${c.seq} is missing: the checkpoint signed at ${c.signed_at} saw it (records were removed from the end of the trail)` });
		if (r.hash !== c.hash) return result({ seq: c.seq, reason: `record ${c.seq} differs from the checkpoint signed at ${c.signed_at}: the chain was rewritten` });
	}
	return result(null);
}

export interface TrailFilter {
	action?: string;
	actor?: string;
	from?: string;
	to?: string;
	limit?: number;
}

export async function listTrail(store: Store, f: TrailFilter = {}): Promise<TrailRecord[]> {
	// a day starts at midnight UTC
	const midnight = (day: string) => sql<Date>`timezone('UTC', CAST(${day} AS DATE)::TIMESTAMP)`;
	const nextMidnight = (day: string) => sql<Date>`timezone('UTC', (CAST(${day} AS DATE) + 1)::TIMESTAMP)`;
	let q = store.kysely.selectFrom('trail').selectAll();
	if (f.action != null) q = q.where('action', '=', f.action);
	if (f.actor != null) q = q.where('actor', '=', f.actor);
	if (f.from != null) q = q.where('recorded_at', '>=', midnight(f.from));
	if (f.to != null) q = q.where('recorded_at', '<', nextMidnight(f.to));
	const rows = await q
		.orderBy('seq', 'desc')
		.limit(f.limit ?? 500)
		.execute();
	return rows.map(toRecord);
}

export async function trailActions(store: Store): Promise<string[]> {
	return (await store.kysely.selectFrom('trail').select('action').distinct().orderBy('action').execute()).map((r) => r.action);
}

export function trailCsv(records: TrailRecord[]): string {
	const cols = ['seq', 'recorded_at', 'actor', 'role', 'action', 'target', 'details', 'ip', 'prev_hash', 'hash'] as const;
	return csvText(cols, records.map((r) => cols.map((c) => (r[c] == null ? null : String(r[c])))));
}
