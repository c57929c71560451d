/**
 * What a password must not be, beyond its length (src/lib/server/auth/password.ts: at least 12
 * characters), in the manner of NIST SP 800-63B §5.1.1.2: no repeated or sequential characters,
 * not the user name, not a common password with digits or symbols added. No composition rules
 * (a long phrase of plain words is a good password). Written here rather than taken from a
 * library: the well-kept estimators (zxcvbn and its ports) ship megabytes of dictionaries for a
 * check that runs when an administrator creates a user.
 */

/** passwords and password stems attackers try first (lower case, with look-alike digits read as letters) */
const COMMON_STEMS = new Set([
	'password', 'passwort', 'qwerty', 'qwertyuiop', 'asdfghjkl', 'azerty', 'letmein', 'welcome', 'admin', 'administrator',
	'iloveyou', 'changeme', 'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess', 'trustno', 'master',
	'secret', 'login', 'starwars', 'whatever', 'superman', 'batman', 'shadow', 'michael', 'abc', 'curewise', 'collections'
]);

const SEQUENCES = ['01234567890123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', '1q2w3e4r5t6y7u8i9o0p'];
const LOOK_ALIKES: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/** the first problem with a password for this user, in words; null when it is acceptable */
export function passwordProblem(password: string, username?: string): string | null {
	const p = password.toLowerCase();
	if (!p.trim()) return 'the password is only spaces';
	if (/^(.{1,6})\1+$/su.test(password)) return 'the password repeats the same few characters';
	if (new Set(password).size < 5) return 'the password needs at least 5 different characters';
	const name = username?.trim().toLowerCase();
	if (name && name.length >= 3 && (p.includes(name) || p.includes([...name].reverse().join('')))) return 'the password must not contain the user name';
	for (const s of SEQUENCES) if (s.includes(p) || [...s].reverse().join('').includes(p)) return 'the password is a sequence of characters in keyboard or alphabetical order';
	// a common password with digits or symbols around it, or letters swapped for look-alikes (Passw0rd2026!)
	const core = p.replace(/^[^a-z]+|[^a-z]+$/g, '');
	const plain = [...core].map((c) => LOOK_ALIKES[c] ?? c).join('').replace(/[^a-z]/g, '');
	for (const stem of [core, plain, core.replace(/[^a-z]/g, '')]) if (COMMON_STEMS.has(stem)) return 'the password is a common one with a few characters added';
	return null;
}
