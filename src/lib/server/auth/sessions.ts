/**
 * Server-side sessions: the cookie holds a random token; the store keeps only its SHA-256.
 * A session ends after CUREWISE_SESSION_IDLE_MINUTES without a request, and at the latest
 * CUREWISE_SESSION_MAX_HOURS after sign-in.
 */
import { createHash, randomBytes } from 'node:crypto';
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
	await store.rows(`INSERT INTO sessions VALUES ($h, $u, now(), now(), $ip, $ua)`, {
		h: sha(token),
		u: BigInt(userId),
		ip: meta.ip ?? null,
		ua: meta.userAgent?.slice(0, 300) ?? null
	});
	return token;
}

/** the session's user, or null when there is none or it expired (an expired session is removed) */
export async function readSession(store: Store, token: string | undefined, now = new Date()): Promise<SessionUser | null> {
	if (!token || token.length > 100) return null;
	const h = sha(token);
	const [s] = await store.rows<{ user_id: number; created_at: Date; last_seen_at: Date; username: string; role: Role; disabled: boolean }>(
		`SELECT s.user_id, s.created_at, s.last_seen_at, u.username, u.role, u.disabled
		 FROM sessions s JOIN users u USING (user_id) WHERE s.token_hash = $h`,
		{ h }
	);
	if (!s) return null;
	const { CUREWISE_SESSION_IDLE_MINUTES: idle, CUREWISE_SESSION_MAX_HOURS: max } = config();
	const expired = s.disabled || now.getTime() - s.last_seen_at.getTime() > idle * 60_000 || now.getTime() - s.created_at.getTime() > max * 3_600_000;
	if (expired) {
		await store.rows(`DELETE FROM sessions WHERE token_hash = $h`, { h });
		return null;
	}
	// note the activity at most once a minute
	if (now.getTime() - s.last_seen_at.getTime() > 60_000) {
		await store.rows(`UPDATE sessions SET last_seen_at = $now::TIMESTAMPTZ WHERE token_hash = $h`, { now: now.toISOString(), h });
	}
	return { user_id: s.user_id, username: s.username, role: s.role };
}

export async function endSession(store: Store, token: string | undefined): Promise<void> {
	if (token) await store.rows(`DELETE FROM sessions WHERE token_hash = $h`, { h: sha(token) });
}

export function cookieOptions(secure: boolean) {
	const { CUREWISE_SESSION_MAX_HOURS: max } = config();
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: max * 3600 };
}
