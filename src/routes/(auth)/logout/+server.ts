import { redirect } from '@sveltejs/kit';
import { logout } from '$lib/server/auth/flow';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ cookies, locals, getClientAddress }) => {
	await logout(await getStore(), cookies, locals.user, getClientAddress());
	redirect(303, '/login');
};
