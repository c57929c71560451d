import { fail, redirect } from '@sveltejs/kit';
import { login, loginFormSchema, safeNext } from '$lib/server/auth/flow';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const form = Object.fromEntries(await request.formData());
		const parsed = loginFormSchema.safeParse(form);
		const username = typeof form.username === 'string' ? form.username.slice(0, 64) : '';
		if (!parsed.success) return fail(400, { username, message: parsed.error.issues[0]?.message ?? 'Enter your username and password.' });
		const r = await login(await getStore(), cookies, parsed.data, {
			ip: getClientAddress(),
			userAgent: request.headers.get('user-agent'),
			secure: url.protocol === 'https:'
		});
		if (!r.ok) return fail(400, { username, message: r.message });
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
