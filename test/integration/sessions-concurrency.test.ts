/**
 * One browser's parallel requests read the same session at once: none may fail, and the
 * session's activity is still noted (and its idle limit still kept), on a real store.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { config } from '../../src/lib/server/config.ts';
import { createSession, readSession } from '../../src/lib/server/auth/sessions.ts';
import { addUser } from '../../src/lib/server/auth/users.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

const PW = 'correct horse battery';

async function lastSeen(userId: number): Promise<Date | null> {
	const [r] = await t.store.rows<{ last_seen_at: Date }>(`SELECT last_seen_at FROM sessions WHERE user_id = $u`, { u: BigInt(userId) });
	return r?.last_seen_at ?? null;
}

async function setIdleFor(userId: number, minutes: number): Promise<void> {
	await t.store.rows(`UPDATE sessions SET last_seen_at = now() - to_minutes($m::BIGINT) WHERE user_id = $u`, { m: BigInt(minutes), u: BigInt(userId) });
}

test('30 parallel reads of a session last seen 2 minutes ago all return its user and note the activity once', async () => {
	const u = await addUser(t.store, { username: 'dan', role: 'strategist', password: PW });
	const token = await createSession(t.store, u.user_id);
	await setIdleFor(u.user_id, 2);
	const now = new Date();
	const results = await Promise.allSettled(Array.from({ length: 30 }, () => readSession(t.store, token, now)));
	const failed = results.filter((r) => r.status === 'rejected');
	expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
	for (const r of results) expect((r as PromiseFulfilledResult<unknown>).value).toMatchObject({ user_id: u.user_id, username: 'dan', role: 'strategist' });
	const seen = await lastSeen(u.user_id);
	expect(Math.abs(seen!.getTime() - now.getTime())).toBeLessThan(5_000);
});

test('an idle-expired session still returns null, read once or 30 times at once, even just after its activity was noted', async () => {
	const idle = config().CUREWISE_SESSION_IDLE_MINUTES;
	const u = await addUser(t.store, { username: 'eve', role: 'leadership', password: PW });

	const token = await createSession(t.store, u.user_id);
	await setIdleFor(u.user_id, idle + 1);
	expect(await readSession(t.store, token, new Date())).toBeNull();
	expect(await lastSeen(u.user_id)).toBeNull();

	const token2 = await createSession(t.store, u.user_id);
	await setIdleFor(u.user_id, idle + 1);
	const results = await Promise.allSettled(Array.from({ length: 30 }, () => readSession(t.store, token2, new Date())));
	expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
	for (const r of results) expect((r as PromiseFulfilledResult<unknown>).value).toBeNull();

	// this process has just written the session's activity; the expiry still goes by the stored time
	const token3 = await createSession(t.store, u.user_id);
	await setIdleFor(u.user_id, 2);
	expect(await readSession(t.store, token3, new Date())).not.toBeNull();
	await setIdleFor(u.user_id, idle + 1);
	expect(await readSession(t.store, token3, new Date())).toBeNull();
});
