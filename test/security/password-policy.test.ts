/**
 * The password policy (issue 17, item 5): beyond 12 characters, no repeated or sequential
 * characters, not the user name, not a common password dressed up; a long phrase passes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomPassword } from '../../src/lib/server/auth/password.ts';
import { passwordProblem } from '../../src/lib/server/auth/password-policy.ts';
import { addUser, setPassword, UserError } from '../../src/lib/server/auth/users.ts';
import { tempStore, type TempStore } from '../support/store.ts';

describe('what is refused, and why', () => {
	test.each([
		['aaaaaaaaaaaa', 'the password repeats the same few characters'],
		['            ', 'the password is only spaces'],
		['abcabcabcabc', 'the password repeats the same few characters'],
		['aaaaaaaaaaab', 'the password needs at least 5 different characters'],
		['123456789012', 'the password is a sequence of characters in keyboard or alphabetical order'],
		['qwertyuiopas', 'the password is a sequence of characters in keyboard or alphabetical order'],
		['zyxwvutsrqpo', 'the password is a sequence of characters in keyboard or alphabetical order'],
		['Password1234', 'the password is a common one with a few characters added'],
		['Passw0rd2026!', 'the password is a common one with a few characters added'],
		['2026-welcome!!', 'the password is a common one with a few characters added'],
		['my name is annabel', 'the password must not contain the user name']
	])('%j: %s', (password, problem) => {
		expect(passwordProblem(password, 'annabel')).toBe(problem);
	});

	test('long phrases and random passwords pass', () => {
		for (const ok of ['correct horse battery', 'tea at four by the river', 'e2e-password-not-secret']) expect(passwordProblem(ok, 'annabel'), ok).toBeNull();
		for (let i = 0; i < 50; i++) expect(passwordProblem(randomPassword(), 'admin')).toBeNull();
	});
});

describe('adding a user and setting a password apply it', () => {
	let t: TempStore;
	beforeAll(async () => {
		t = await tempStore();
	});
	afterAll(() => t.close());

	test('with a message that says what is wrong', async () => {
		await expect(addUser(t.store, { username: 'ann', role: 'admin', password: 'aaaaaaaaaaaa' })).rejects.toThrow(new UserError('the password repeats the same few characters'));
		await expect(addUser(t.store, { username: 'annabel', role: 'admin', password: 'annabel-is-my-name' })).rejects.toThrow('the password must not contain the user name');
		await addUser(t.store, { username: 'annabel', role: 'admin', password: 'correct horse battery' });
		await expect(setPassword(t.store, 'annabel', 'Password2026!')).rejects.toThrow('the password is a common one with a few characters added');
	});
});
