/**
 * Sign-in that cannot be raced (issue 17, item 1): attempts counted one by one even in parallel,
 * growing delays per (user, address), per user and per address instead of a lock anyone could
 * hold on someone else, the same answers and times for unknown and known users, every attempt in
 * the trail before its answer, and no error under parallel sign-ins.
 */
import type { Cookies } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listTrail } from '../../src/lib/server/trail/trail.ts';
import { login } from '../../src/lib/server/auth/flow.ts';
import { resetThrottle, THROTTLE } from '../../src/lib/server/auth/throttle.ts';
import { addUser, setPassword, signIn } from '../../src/lib/server/auth/users.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const PW = 'correct horse battery';
const WRONG = 'not the password at all';
let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
	resetThrottle();
	await addUser(t.store, { username: 'ann', role: 'admin', password: PW });
});
afterEach(() => t.close());

const A = '203.0.113.7';
const B = '198.51.100.20';
const at = (ms: number) => new Date(Date.parse('2026-06-01T10:00:00Z') + ms);
const cookies = (): Cookies => {
	const jar = new Map<string, string>();
	return { get: (n: string) => jar.get(n), set: (n: string, v: string) => void jar.set(n, v), delete: (n: string) => void jar.delete(n), getAll: () => [], serialize: () => '' } as unknown as Cookies;
};
const meta = (ip: string) => ({ ip, userAgent: 'test', secure: false });

describe('growing delays, never a lock', () => {
	test('five free attempts, then each waits a doubling delay; the right password after the delay works', async () => {
		const r: string[] = [];
		for (let i = 0; i < THROTTLE.pairFree; i++) r.push((await signIn(t.store, 'ann', WRONG, at(0), A)).ok ? 'ok' : 'bad');
		expect(r).toEqual(Array(THROTTLE.pairFree).fill('bad'));
		// the 6th at once: wait 2 s, even with the right password
		expect(await signIn(t.store, 'ann', PW, at(100), A)).toMatchObject({ ok: false, reason: 'throttled', message: 'Too many failed attempts: wait 2 seconds, then try again.' });
		// after the delay: the right password works and clears the count
		expect(await signIn(t.store, 'ann', PW, at(2_100), A)).toMatchObject({ ok: true });
		expect(await signIn(t.store, 'ann', WRONG, at(2_200), A)).toMatchObject({ reason: 'bad-credentials' });
	});

	test('the delay doubles with each further failure, up to 15 minutes', async () => {
		let now = 0;
		const waits: number[] = [];
		for (let i = 0; i < 16; i++) {
			const r = await signIn(t.store, 'ann', WRONG, at(now), A);
			if (r.ok === false && r.reason === 'throttled') {
				waits.push(r.retry_after_ms!);
				now += r.retry_after_ms!;
				i--;
				continue;
			}
			now += 1;
		}
		expect(waits.slice(0, 4)).toEqual([1999, 3999, 7999, 15999]);
		expect(Math.max(...waits)).toBeLessThanOrEqual(THROTTLE.maxDelayMs);
	});

	test('an attacker at one address does not keep the user out at another', async () => {
		for (let i = 0; i < 10; i++) await signIn(t.store, 'ann', WRONG, at(i), A);
		expect(await signIn(t.store, 'ann', PW, at(20), A)).toMatchObject({ reason: 'throttled' });
		expect(await signIn(t.store, 'ann', PW, at(20), B)).toMatchObject({ ok: true });
	});

	test('one address trying many user names is slowed down too', async () => {
		const reasons: string[] = [];
		for (let i = 0; i < THROTTLE.addressFree + 2; i++) {
			const r = await signIn(t.store, `user${i}`, WRONG, at(i), A);
			reasons.push(r.ok ? 'ok' : r.reason);
		}
		expect(reasons.filter((r) => r === 'throttled').length).toBeGreaterThan(0);
		expect(reasons.slice(0, THROTTLE.addressFree)).toEqual(Array(THROTTLE.addressFree).fill('bad-credentials'));
	});

	test('an administrator\'s new password ends the user\'s delays', async () => {
		for (let i = 0; i < 8; i++) await signIn(t.store, 'ann', WRONG, at(0), A);
		await setPassword(t.store, 'ann', 'a brand new passphrase');
		expect(await signIn(t.store, 'ann', 'a brand new passphrase', at(0), A)).toMatchObject({ ok: true });
	});
});

describe('nothing tells whether a user exists', () => {
	test('an unknown user gets the same answers, throttled the same way, as a known user with a wrong password', async () => {
		const seq = async (name: string, ip: string) => {
			const out: unknown[] = [];
			for (let i = 0; i < 9; i++) out.push(await signIn(t.store, name, WRONG, at(i * 10), ip));
			return out;
		};
		expect(await seq('nobody', B)).toEqual(await seq('ann', A));
	});

	test('every answer checks a password hash: a throttled or unknown attempt is not quicker', async () => {
		for (let i = 0; i < 8; i++) await signIn(t.store, 'ann', WRONG, at(0), A);
		const time = async (name: string, ip: string, when: number) => {
			const ms: number[] = [];
			for (let i = 0; i < 5; i++) {
				const t0 = performance.now();
				await signIn(t.store, name, WRONG, at(when), ip);
				ms.push(performance.now() - t0);
			}
			return ms.sort((a, b) => a - b)[2]!;
		};
		const wrong = await time('ann', '192.0.2.1', 0);
		const unknown = await time('nobody', '192.0.2.2', 0);
		const throttled = await time('ann', A, 1);
		// scrypt takes tens of milliseconds; an answer without it takes about one
		expect(unknown).toBeGreaterThan(wrong / 3);
		expect(throttled).toBeGreaterThan(wrong / 3);
	});
});

describe('parallel sign-ins', () => {
	test('twenty parallel wrong passwords: counted one by one, no error, every attempt in the trail', async () => {
		const t0 = Date.now();
		const rs = await Promise.all(Array.from({ length: 20 }, () => login(t.store, cookies(), { username: 'ann', password: WRONG }, meta(A))));
		expect(rs.every((r) => !r.ok)).toBe(true);
		// the free attempts were checked; the rest waited
		expect(rs.filter((r) => !r.ok && r.message === 'The username or password is not right.').length).toBe(THROTTLE.pairFree);
		expect((await listTrail(t.store, { action: 'sign_in_failed' })).length).toBe(20);
		// the right password a second after the burst began still waits (on the clock of the burst: a
		// slow machine must not let the delay run out before this line)
		expect((await signIn(t.store, 'ann', PW, new Date(t0 + 1000), A)).ok).toBe(false);
	});

	test('ten parallel right passwords: all signed in, no error', async () => {
		const rs = await Promise.all(Array.from({ length: 10 }, () => login(t.store, cookies(), { username: 'ann', password: PW }, meta(A))));
		expect(rs.map((r) => r.ok)).toEqual(Array(10).fill(true));
		expect((await listTrail(t.store, { action: 'sign_in' })).length).toBe(10);
	});
});
