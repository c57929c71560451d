/**
 * Server-side sessions: the cookie holds a random token; the store keeps only its SHA-256.
 * A session ends after CUREWISE_SESSION_IDLE_MINUTES without a request, and at the latest
 * CUREWISE_SESSION_MAX_HOURS after sign-in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../db/store.ts';
import { config } from '../config.ts';
import type { Role } from './roles.ts';

export const SESSION_COOKIE = 'cw_session';

export interface SessionUser {
	user_id: number;
	username: string;
	role: Role;
}

const sha = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(store: Store, userId: number, meta: { ip?: string | null; userAgent?: string | null } = {}): Promise<string> {
	const token = randomBytes(32).toString('base64url');
	await store.kysely
		.insertInto('sessions')
		.values({
			token_hash: sha(token),
			user_id: userId,
			created_at: sql<Date>`now()`,
			last_seen_at: sql<Date>`now()`,
			ip: meta.ip ?? null,
			user_agent: meta.userAgent?.slice(0, 300) ?? null
		})
		.execute();
	return token;
}

/** the session's user, or null when there is none or it expired (an expired session is removed) */
export async function readSession(store: Store, token: string | undefined, now = new Date()): Promise<SessionUser | null> {
	if (!token || token.length > 100) return null;
	const h = sha(token);
	const s = await store.kysely
		.selectFrom('sessions as s')
		.innerJoin('users as u', 'u.user_id', 's.user_id')
		.select(['s.user_id', 's.created_at', 's.last_seen_at', 'u.username', 'u.role', 'u.disabled'])
		.where('s.token_hash', '=', h)
		.executeTakeFirst();
	if (!s) return null;
	const { CUREWISE_SESSION_IDLE_MINUTES: idle, CUREWISE_SESSION_MAX_HOURS: max } = config();
	const expired = s.disabled || now.getTime() - s.last_seen_at.getTime() > idle * 60_000 || now.getTime() - s.created_at.getTime() > max * 3_600_000;
	if (expired) {
		noted(store).delete(h);
		// parallel requests of the same expired session may all delete it; one delete is enough
		await deleteSession(store, h).catch(ignoreConflict);
		return null;
	}
	// note the activity at most once a minute
	if (now.getTime() - s.last_seen_at.getTime() > NOTE_EVERY_MS) await noteActivity(store, h, now);
	return { user_id: Number(s.user_id), username: s.username, role: s.role };
}

const deleteSession = (store: Store, h: string) => store.kysely.deleteFrom('sessions').where('token_hash', '=', h).execute();

const NOTE_EVERY_MS = 60_000;

/**
 * When this process last wrote each session's last_seen_at, and the write while it runs.
 * A browser's parallel requests cross the minute together; without this each would update
 * the same row at once. It only spares writes: the expiry check reads the stored time.
 */
interface Noted {
	at: number;
	write: Promise<void> | null;
}
const notedByStore = new WeakMap<Store, Map<string, Noted>>();

function noted(store: Store): Map<string, Noted> {
	let m = notedByStore.get(store);
	if (!m) notedByStore.set(store, (m = new Map()));
	return m;
}

/** DuckDB refuses a second concurrent write of the same row; the first one stands */
const isConflict = (e: unknown) => /Conflict on update|TransactionContext/.test(e instanceof Error ? e.message : String(e));

function ignoreConflict(e: unknown): void {
	if (!isConflict(e)) throw e;
}

async function noteActivity(store: Store, h: string, now: Date): Promise<void> {
	const m = noted(store);
	const prev = m.get(h);
	// written (or being written) by this process within the minute: nothing to add
	if (prev && now.getTime() - prev.at <= NOTE_EVERY_MS) return;
	const entry: Noted = { at: now.getTime(), write: null };
	entry.write = store.kysely
		.updateTable('sessions')
		.set({ last_seen_at: sql<Date>`CAST(${now.toISOString()} AS TIMESTAMPTZ)` })
		.where('token_hash', '=', h)
		.execute()
		.then(
			() => undefined,
			(e: unknown) => {
				// another write of the same row (another process, or a sign-out) noted the activity
				// or ended the session; any other failure lets the next request try again
				if (isConflict(e)) return;
				if (m.get(h) === entry) m.delete(h);
				throw e;
			}
		)
		.finally(() => (entry.write = null));
	m.set(h, entry);
	// entries older than the minute only take memory
	if (m.size > 1000) for (const [k, v] of m) if (!v.write && now.getTime() - v.at > NOTE_EVERY_MS) m.delete(k);
	await entry.write;
}

export async function endSession(store: Store, token: string | undefined): Promise<void> {
	if (!token) return;
	const h = sha(token);
	noted(store).delete(h);
	await deleteSession(store, h);
}

export function cookieOptions(secure: boolean) {
	const { CUREWISE_SESSION_MAX_HOURS: max } = config();
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: max * 3600 };
}
