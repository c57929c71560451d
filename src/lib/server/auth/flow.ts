/** Sign-in and sign-out as the pages use them: checks, session, cookie and audit record in one place. */
import { z } from 'zod';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import { cookieOptions, createSession, endSession, SESSION_COOKIE, type SessionUser } from './sessions.ts';
import { signIn } from './users.ts';

export const loginFormSchema = z.object({
	username: z.string().trim().toLowerCase().min(1, { error: 'Enter your username.' }).max(64, { error: 'That username is too long.' }),
	password: z.string().min(1, { error: 'Enter your password.' }).max(200, { error: 'That password is too long.' })
});

/** a path inside this site to go to after signing in, else / */
export function safeNext(next: string | null): string {
	return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

/**
 * The cookies of a request, as far as signing in and out needs them: SvelteKit's `cookies`
 * (a route passes its own) has this shape; a server module does not import SvelteKit.
 */
export interface CookieJar {
	get(name: string): string | undefined;
	set(name: string, value: string, opts: ReturnType<typeof cookieOptions>): void;
	delete(name: string, opts: { path: string }): void;
}

export interface RequestMeta {
	ip: string | null;
	userAgent: string | null;
	secure: boolean;
}

export async function login(
	store: Store,
	cookies: CookieJar,
	form: { username: string; password: string },
	meta: RequestMeta
): Promise<{ ok: true } | { ok: false; message: string }> {
	const r = await signIn(store, form.username, form.password, new Date(), meta.ip);
	// every attempt is in the trail before it is answered
	if (!r.ok) {
		await recordTrail(store, { actor: form.username.slice(0, 64), action: 'sign_in_failed', details: { reason: r.reason }, ip: meta.ip });
		return { ok: false, message: r.message };
	}
	await recordTrail(store, { actor: r.user.username, role: r.user.role, action: 'sign_in', ip: meta.ip });
	const token = await createSession(store, r.user.user_id, meta);
	cookies.set(SESSION_COOKIE, token, cookieOptions(meta.secure));
	return { ok: true };
}

export async function logout(store: Store, cookies: CookieJar, user: SessionUser | null, ip: string | null): Promise<void> {
	await endSession(store, cookies.get(SESSION_COOKIE));
	cookies.delete(SESSION_COOKIE, { path: '/' });
	if (user) await recordTrail(store, { actor: user.username, role: user.role, action: 'sign_out', ip });
}
