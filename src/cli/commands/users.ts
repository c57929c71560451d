import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { z } from 'zod';
import { recordAudit } from '../../lib/server/audit/trail.ts';
import { randomPassword } from '../../lib/server/auth/password.ts';
import { ROLES } from '../../lib/server/auth/roles.ts';
import { addUser, findUser, listUsers, roleSchema, setDisabled, setPassword, UserError, usernameSchema } from '../../lib/server/auth/users.ts';
import { Store } from '../../lib/server/db/store.ts';
import { parse, UsageError } from '../args.ts';

export const usage = `usage: curewise users add --username NAME --role ROLE [--db FILE]   (password from standard input)
       curewise users list [--db FILE] [--json]
       curewise users disable --username NAME [--db FILE]
       curewise users enable --username NAME [--db FILE]
       curewise users demo [--db FILE]

Roles: ${ROLES.join(', ')}. 'demo' gives the demo store one user per role (named after the
role) with a new random password each time, and prints the passwords.`;

const actor = () => ({ actor: `cli:${userInfo().username}`, role: null });

function readPassword(): string {
	if (process.stdin.isTTY) throw new UsageError(`give the password on standard input, e.g. printf '%s' "$PASSWORD" | curewise users add …`);
	return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

export async function run(argv: string[]): Promise<number> {
	const [sub, ...rest] = argv;
	const { values } = parse(
		rest,
		{ db: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean', default: false } },
		z.object({ db: z.string().optional(), username: usernameSchema.optional(), role: roleSchema.optional(), json: z.boolean() }),
		usage
	);
	if (!['add', 'list', 'disable', 'enable', 'demo'].includes(sub ?? '')) throw new UsageError(`say what to do: add, list, disable, enable or demo\n\n${usage}`);
	if ((sub === 'add' || sub === 'disable' || sub === 'enable') && !values.username) throw new UsageError(`--username is needed\n\n${usage}`);
	if (sub === 'add' && !values.role) throw new UsageError(`--role is needed (${ROLES.join(', ')})\n\n${usage}`);
	const password = sub === 'add' ? readPassword() : '';
	const store = await Store.open({ path: values.db });
	try {
		if (sub === 'add') {
			const u = await addUser(store, { username: values.username!, role: values.role!, password });
			await recordAudit(store, { ...actor(), action: 'user_added', target: u.username, details: { role: u.role } });
			process.stdout.write(`added ${u.username} (${u.role})\n`);
		} else if (sub === 'list') {
			const users = await listUsers(store);
			if (values.json) process.stdout.write(JSON.stringify(users, null, 2) + '\n');
			else for (const u of users) process.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(12)} ${u.disabled ? 'disabled' : 'active'}\n`);
		} else if (sub === 'disable' || sub === 'enable') {
			const u = await setDisabled(store, values.username!, sub === 'disable');
			await recordAudit(store, { ...actor(), action: sub === 'disable' ? 'user_disabled' : 'user_enabled', target: u.username });
			process.stdout.write(`${u.username} is ${u.disabled ? 'disabled' : 'active'}\n`);
		} else {
			const [{ n }] = (await store.rows<{ n: number }>(`SELECT count(*) AS n FROM import_batches WHERE source NOT IN ('demo', 'launch')`)) as [{ n: number }];
			if (n > 0) {
				process.stderr.write(`this store holds imported data, not just the demo: no demo users were made; add users with 'curewise users add'\n`);
				return 1;
			}
			process.stdout.write('demo users (new passwords):\n');
			for (const role of ROLES) {
				const pw = randomPassword();
				if (await findUser(store, role)) await setPassword(store, role, pw);
				else await addUser(store, { username: role, role, password: pw });
				process.stdout.write(`  ${role.padEnd(11)} password ${pw}\n`);
			}
			await recordAudit(store, { ...actor(), action: 'demo_users_reset', details: { users: [...ROLES] } });
		}
		return 0;
	} catch (e) {
		if (e instanceof UserError) {
			process.stderr.write(`curewise users ${sub}: ${e.message}\n`);
			return 1;
		}
		throw e;
	} finally {
		await store.close();
	}
}
