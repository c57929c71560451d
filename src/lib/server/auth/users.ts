/** Users: creation, listing, disabling, and sign-in throttled after repeated failures (auth/throttle.ts). */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../db/store.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.ts';
import { ROLES, type Role } from './roles.ts';
import { beginAttempt, clearUser } from './throttle.ts';
import { passwordProblem } from './password-policy.ts';

export const usernameSchema = z
	.string()
	.trim()
	.min(2, { error: 'the username needs at least 2 characters' })
	.max(64, { error: 'the username is longer than 64 characters' })
	.regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'the username may hold only lower-case letters, digits, dots, dashes and underscores' });
export const roleSchema = z.enum(ROLES, { error: `the role must be one of ${ROLES.join(', ')}` });
export const passwordSchema = z
	.string()
	.min(MIN_PASSWORD_LENGTH, { error: `the password needs at least ${MIN_PASSWORD_LENGTH} characters` })
	.max(200, { error: 'the password is longer than 200 characters' });

export interface User {
	user_id: number;
	username: string;
	role: Role;
	disabled: boolean;
	created_at: string;
	last_login_at: string | null;
}

export class UserError extends Error {}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
const toUser = (r: Record<string, unknown>): User => ({
	user_id: Number(r.user_id),
	username: String(r.username),
	role: r.role as Role,
	disabled: Boolean(r.disabled),
	created_at: iso(r.created_at)!,
	last_login_at: iso(r.last_login_at)
});

/** the user's row (with its password hash), or undefined */
const userRow = (store: Store, username: string) => store.kysely.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export async function findUser(store: Store, username: string): Promise<User | null> {
	const r = await userRow(store, username);
	return r ? toUser(r) : null;
}

export async function getUser(store: Store, userId: number): Promise<User | null> {
	const r = await store.kysely.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
	return r ? toUser(r) : null;
}

export async function listUsers(store: Store): Promise<User[]> {
	return (await store.kysely.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
}

export async function addUser(store: Store, input: { username: string; role: string; password: string }): Promise<User> {
	const parsed = z.object({ username: usernameSchema, role: roleSchema, password: passwordSchema }).safeParse(input);
	if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => i.message).join('; '));
	const { username, role, password } = parsed.data;
	const weak = passwordProblem(password, username);
	if (weak) throw new UserError(weak);
	if (await findUser(store, username)) throw new UserError(`a user named ${username} exists already`);
	await store.kysely
		.insertInto('users')
		.values({ user_id: sql<number>`nextval('user_seq')`, username, role, password_hash: await hashPassword(password), created_at: sql<Date>`now()` })
		.execute();
	return (await findUser(store, username))!;
}

export async function setPassword(store: Store, username: string, password: string): Promise<void> {
	const p = passwordSchema.safeParse(password);
	if (!p.success) throw new UserError(p.error.issues.map((i) => i.message).join('; '));
	const weak = passwordProblem(password, username);
	if (weak) throw new UserError(weak);
	await store.kysely
		.updateTable('users')
		.set({ password_hash: await hashPassword(password) })
		.where('username', '=', username)
		.execute();
	// a new password ends the user's throttling (in this process: a server started apart keeps its own)
	clearUser(username);
}

/**
 * A forgotten password replaced: the user must exist; the new password meets the same policy
 * as any other; the user's open sessions end (whoever used the old password is signed out) and
 * the sign-in throttle forgets the user. A disabled user stays disabled.
 */
export async function resetPassword(store: Store, username: string, password: string): Promise<{ user: User; sessionsEnded: number }> {
	const user = await findUser(store, username);
	if (!user) throw new UserError(`there is no user named ${username} ('curewise users list' shows who there is)`);
	await setPassword(store, user.username, password);
	const ended = await store.kysely.deleteFrom('sessions').where('user_id', '=', user.user_id).executeTakeFirst();
	return { user, sessionsEnded: Number(ended.numDeletedRows) };
}

export async function setDisabled(store: Store, username: string, disabled: boolean): Promise<User> {
	const user = await findUser(store, username);
	if (!user) throw new UserError(`there is no user named ${username}`);
	await store.kysely.updateTable('users').set({ disabled }).where('username', '=', username).execute();
	if (disabled) await store.kysely.deleteFrom('sessions').where('user_id', '=', user.user_id).execute();
	return (await findUser(store, username))!;
}

export type SignIn =
	| { ok: true; user: User }
	| { ok: false; reason: 'bad-credentials' | 'throttled' | 'disabled'; message: string; retry_after_ms?: number };

const BAD = 'The username or password is not right.';
// a hash to verify against when the user does not exist or the attempt must wait, so that every answer takes as long
let dummyHash: Promise<string> | null = null;

// one task at a time per key in this process: a user's sign-in updates (parallel sign-ins of one
// user would otherwise conflict in DuckDB: "Conflict on update"), and one (user, address)'s attempts
const locks = new Map<string, Promise<unknown>>();
function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
	const prev = locks.get(key) ?? Promise.resolve();
	const next = prev.then(fn, fn);
	const settled = next.catch(() => {});
	locks.set(key, settled);
	void settled.then(() => {
		if (locks.get(key) === settled) locks.delete(key);
	});
	return next;
}

/**
 * Checks a user name and password, throttled per (user, address), per user and per address
 * (src/lib/server/auth/throttle.ts): past the free attempts each further one waits a doubling
 * delay; an unknown user name is throttled and answered exactly as a known one, and every answer
 * verifies a password hash, so none is quicker.
 */
export function signIn(store: Store, username: string, password: string, now = new Date(), ip: string | null = null): Promise<SignIn> {
	const name = username.trim().toLowerCase();
	// the attempts of one user from one address are taken one after the other: parallel guesses
	// are counted one by one, and parallel right passwords (several tabs) all sign in
	return withLock(`attempt\u0000${name}\u0000${ip ?? ''}`, () => attemptSignIn(store, name, password, now, ip));
}

async function attemptSignIn(store: Store, name: string, password: string, now: Date, ip: string | null): Promise<SignIn> {
	const attempt = beginAttempt(name, ip, now.getTime());
	const row = await userRow(store, name);
	dummyHash ??= hashPassword('not a password at all');
	const hash = row && attempt.allowed ? String(row.password_hash) : await dummyHash;
	const good = (await verifyPassword(password, hash)) && Boolean(row) && attempt.allowed;
	if (!attempt.allowed) {
		const seconds = Math.ceil(attempt.retryAfterMs / 1000);
		return {
			ok: false,
			reason: 'throttled',
			message: `Too many failed attempts: wait ${seconds} second${seconds === 1 ? '' : 's'}, then try again.`,
			retry_after_ms: attempt.retryAfterMs
		};
	}
	attempt.release(good);
	if (!good) return { ok: false, reason: 'bad-credentials', message: BAD };
	const user = toUser(row!);
	if (user.disabled) return { ok: false, reason: 'disabled', message: 'This account is disabled. Ask an administrator.' };
	await withLock(`user\u0000${name}`, () =>
		store.kysely
			.updateTable('users')
			.set({ last_login_at: sql<Date>`CAST(${now.toISOString()} AS TIMESTAMPTZ)` })
			.where('user_id', '=', user.user_id)
			.execute()
	);
	return { ok: true, user };
}
