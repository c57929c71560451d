import { z } from 'zod';
import { recordTrail } from '../../lib/server/trail/trail.ts';
import { randomPassword } from '../../lib/server/auth/password.ts';
import { ROLES } from '../../lib/server/auth/roles.ts';
import { addUser, findUser, listUsers, resetPassword, roleSchema, setDisabled, setPassword, UserError, usernameSchema } from '../../lib/server/auth/users.ts';
import { parse, UsageError } from '../args.ts';
import { cliActor, localIo, type Io } from '../io.ts';

export const usage = `usage: curewise users add --username NAME --role ROLE [--db FILE]   (password from standard input)
       curewise users reset-password --username NAME [--generate] [--db FILE]   (password from standard input, or --generate)
       curewise users list [--db FILE] [--json]
       curewise users disable --username NAME [--db FILE]
       curewise users enable --username NAME [--db FILE]
       curewise users demo [--db FILE]

Roles: ${ROLES.join(', ')}. 'reset-password' gives a user a new password (read from standard
input, or made and printed with --generate) and ends the user's open sessions. 'demo' gives the
demo store one user per role (named after the role) with a new random password each time, and
prints the passwords; it refuses on a store that holds imported data.
While the server runs on the store, every command but 'demo' is run by the server (through
its control socket, <store>.sock) and recorded in its trail.`;

const SUBCOMMANDS = ['add', 'reset-password', 'list', 'disable', 'enable', 'demo'];

function readPassword(io: Io, sub: string): string {
	const text = io.input();
	if (text === null)
		throw new UsageError(
			`give the password on standard input, e.g. printf '%s' "$PASSWORD" | curewise users ${sub} …` + (sub === 'reset-password' ? `, or --generate to have one made and printed` : '')
		);
	return text.replace(/\r?\n$/, '');
}

export async function run(argv: string[], io: Io = localIo): Promise<number> {
	const [sub, ...rest] = argv;
	const { values } = parse(
		rest,
		{ db: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean', default: false }, generate: { type: 'boolean', default: false } },
		z.object({ db: z.string().optional(), username: usernameSchema.optional(), role: roleSchema.optional(), json: z.boolean(), generate: z.boolean() }),
		usage
	);
	if (!SUBCOMMANDS.includes(sub ?? '')) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(', ')}\n\n${usage}`);
	if ((sub === 'add' || sub === 'reset-password' || sub === 'disable' || sub === 'enable') && !values.username) throw new UsageError(`--username is needed\n\n${usage}`);
	if (sub === 'add' && !values.role) throw new UsageError(`--role is needed (${ROLES.join(', ')})\n\n${usage}`);
	if (values.generate && sub !== 'reset-password') throw new UsageError(`--generate goes with reset-password\n\n${usage}`);
	const password = sub === 'add' || (sub === 'reset-password' && !values.generate) ? readPassword(io, sub) : sub === 'reset-password' ? randomPassword() : '';
	const actor = { actor: cliActor(io), role: null };
	const out = (s: string) => io.out(s + '\n');
	return io.withStore({ path: values.db }, async (store) => {
		try {
			if (sub === 'add') {
				const u = await addUser(store, { username: values.username!, role: values.role!, password });
				await recordTrail(store, { ...actor, action: 'user_added', target: u.username, details: { role: u.role } });
				out(`added ${u.username} (${u.role})`);
			} else if (sub === 'reset-password') {
				const { user, sessionsEnded } = await resetPassword(store, values.username!, password);
				await recordTrail(store, { ...actor, action: 'user_password_reset', target: user.username, details: { sessions_ended: sessionsEnded } });
				const ended = sessionsEnded ? `; ${sessionsEnded} open session${sessionsEnded === 1 ? '' : 's'} ended` : '';
				out(`${user.username} has a new password${values.generate ? `: ${password}` : ''}${ended}`);
				if (user.disabled) out(`(${user.username} is disabled: curewise users enable --username ${user.username} lets them sign in)`);
			} else if (sub === 'list') {
				const users = await listUsers(store);
				if (values.json) out(JSON.stringify(users, null, 2));
				else for (const u of users) out(`${u.username.padEnd(24)} ${u.role.padEnd(12)} ${u.disabled ? 'disabled' : 'active'}`);
			} else if (sub === 'disable' || sub === 'enable') {
				const u = await setDisabled(store, values.username!, sub === 'disable');
				await recordTrail(store, { ...actor, action: sub === 'disable' ? 'user_disabled' : 'user_enabled', target: u.username });
				out(`${u.username} is ${u.disabled ? 'disabled' : 'active'}`);
			} else {
				const imported = await store.kysely
					.selectFrom('import_batches')
					.select((eb) => eb.fn.countAll().as('n'))
					.where('source', 'not in', ['demo', 'launch'])
					.executeTakeFirstOrThrow();
				if (Number(imported.n) > 0) {
					io.err(
						`this store holds imported data, not just the demo: its users keep their passwords and no demo users were made.\n` +
							`Give a user a new password with 'curewise users reset-password --username NAME --generate' (it works while the server runs), add one with 'curewise users add'.\n`
					);
					return 1;
				}
				out('demo users (new passwords):');
				for (const role of ROLES) {
					const pw = randomPassword();
					if (await findUser(store, role)) await setPassword(store, role, pw);
					else await addUser(store, { username: role, role, password: pw });
					out(`  ${role.padEnd(11)} password ${pw}`);
				}
				await recordTrail(store, { ...actor, action: 'demo_users_reset', details: { users: [...ROLES] } });
			}
			return 0;
		} catch (e) {
			if (e instanceof UserError) {
				io.err(`curewise users ${sub}: ${e.message}\n`);
				return 1;
			}
			throw e;
		}
	});
}
