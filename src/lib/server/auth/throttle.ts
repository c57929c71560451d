/**
 * Sign-in throttling: growing delays per (user, address), per user and per address, instead of a
 * lock that anyone could hold on someone else's account.
 *
 * Each key counts the failed attempts (an attempt is counted when it starts, before the password
 * is checked, so that parallel guesses are counted one by one; a success gives its count back).
 * Once a key's free attempts are used up, each further attempt must wait a delay that doubles (2 s,
 * 4 s, 8 s, … up to 15 minutes) after the previous one; an attempt made sooner is refused without checking
 * the password. A key is forgotten 15 minutes after its last attempt.
 *
 * - (user, address): 5 free attempts: one address guessing one user's password;
 * - user: 20 free attempts from all addresses together: a guess spread over many addresses;
 * - address: 20 free attempts over all user names: one address trying many users.
 * An attacker at one address therefore slows down that address and its pairs, not the real user
 * at another address (until the user's own limit of 20, which takes many addresses).
 *
 * The state lives in the server's memory (one process serves the store): a restart forgets it.
 * User names are keyed as typed (lower-cased), whether or not such a user exists, so that the
 * answers do not tell which users exist.
 */

export const THROTTLE = {
	pairFree: 5,
	userFree: 20,
	addressFree: 20,
	firstDelayMs: 2_000,
	maxDelayMs: 15 * 60_000,
	forgetMs: 15 * 60_000
} as const;

interface KeyState {
	count: number;
	last: number;
	notBefore: number;
}

const state = new Map<string, KeyState>();

function keysOf(username: string, ip: string | null): { key: string; free: number }[] {
	const u = username.trim().toLowerCase();
	const a = ip ?? 'unknown';
	return [
		{ key: `pair\u0000${u}\u0000${a}`, free: THROTTLE.pairFree },
		{ key: `user\u0000${u}`, free: THROTTLE.userFree },
		{ key: `addr\u0000${a}`, free: THROTTLE.addressFree }
	];
}

/** the wait after `count` failed attempts: none before the free ones are used up, then 2 s, 4 s, 8 s, … */
const delayAfter = (count: number, free: number) => (count < free ? 0 : Math.min(THROTTLE.firstDelayMs * 2 ** (count - free), THROTTLE.maxDelayMs));

function current(key: string, now: number): KeyState {
	const s = state.get(key);
	if (s && now - s.last < THROTTLE.forgetMs) return s;
	const fresh = { count: 0, last: now, notBefore: 0 };
	state.set(key, fresh);
	return fresh;
}

export type Attempt = { allowed: true; release: (succeeded: boolean) => void } | { allowed: false; retryAfterMs: number };

/**
 * Asks to try a password now. Synchronous: parallel requests are counted one after the other.
 * When allowed, the caller must call release(succeeded) once the password is checked.
 */
export function beginAttempt(username: string, ip: string | null, nowMs = Date.now()): Attempt {
	const keys = keysOf(username, ip);
	const states = keys.map((k) => current(k.key, nowMs));
	const wait = Math.max(...states.map((s) => s.notBefore - nowMs));
	if (wait > 0) return { allowed: false, retryAfterMs: wait };
	keys.forEach((k, i) => {
		const s = states[i]!;
		s.count++;
		s.last = nowMs;
		s.notBefore = nowMs + delayAfter(s.count, k.free);
	});
	let done = false;
	return {
		allowed: true,
		release(succeeded) {
			if (done || !succeeded) return;
			done = true;
			// a success clears the user's keys; the address gives back this attempt only
			state.delete(keys[0]!.key);
			state.delete(keys[1]!.key);
			const a = state.get(keys[2]!.key);
			if (a) {
				a.count = Math.max(0, a.count - 1);
				a.notBefore = a.last + delayAfter(a.count, keys[2]!.free);
			}
		}
	};
}

/** forgets every key (tests; an administrator's password reset clears the user's keys through clearUser) */
export function resetThrottle(): void {
	state.clear();
}

/** clears a user's throttling (an administrator set a new password) */
export function clearUser(username: string): void {
	const u = username.trim().toLowerCase();
	for (const k of [...state.keys()]) if (k.startsWith(`pair\u0000${u}\u0000`) || k === `user\u0000${u}`) state.delete(k);
}
