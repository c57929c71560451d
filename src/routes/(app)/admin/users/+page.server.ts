import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { recordTrail } from '$lib/server/trail/trail';
import { addUser, listUsers, setDisabled, UserError, usernameSchema } from '$lib/server/auth/users';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ users: await listUsers(await getStore()) });

const toggleSchema = z.object({ username: usernameSchema, disabled: z.enum(['true', 'false']) });

export const actions: Actions = {
	add: async ({ request, locals, getClientAddress }) => {
		const form = Object.fromEntries(await request.formData());
		const store = await getStore();
		try {
			const user = await addUser(store, { username: String(form.username ?? ''), role: String(form.role ?? ''), password: String(form.password ?? '') });
			await recordTrail(store, { actor: locals.user!.username, role: locals.user!.role, action: 'user_added', target: user.username, details: { role: user.role }, ip: getClientAddress() });
			return { added: user.username };
		} catch (e) {
			if (e instanceof UserError) return fail(400, { message: e.message, username: String(form.username ?? '').slice(0, 64) });
			throw e;
		}
	},
	toggle: async ({ request, locals, getClientAddress }) => {
		const parsed = toggleSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { message: parsed.error.issues[0]?.message ?? 'bad request' });
		if (parsed.data.username === locals.user!.username) return fail(400, { message: 'You cannot disable your own account.' });
		const store = await getStore();
		try {
			const user = await setDisabled(store, parsed.data.username, parsed.data.disabled === 'true');
			await recordTrail(store, {
				actor: locals.user!.username,
				role: locals.user!.role,
				action: user.disabled ? 'user_disabled' : 'user_enabled',
				target: user.username,
				ip: getClientAddress()
			});
			return { changed: user.username };
		} catch (e) {
			if (e instanceof UserError) return fail(400, { message: e.message });
			throw e;
		}
	}
};
