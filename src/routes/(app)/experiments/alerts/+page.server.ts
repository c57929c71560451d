import { error, fail } from '@sveltejs/kit';
import { canActOnExperiments } from '$lib/server/auth/roles';
import { acknowledge, alertsPage } from '$lib/server/pages/experiment-alerts';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ ...(await alertsPage(await getStore())), canAct: canActOnExperiments(locals.user!.role) });

export const actions: Actions = {
	acknowledge: async ({ request, locals }) => {
		const u = locals.user!;
		if (!canActOnExperiments(u.role)) error(403, `Your role (${u.role}) reads alerts but cannot acknowledge them.`);
		const r = await acknowledge(await getStore(), request, { username: u.username, role: u.role });
		return r.ok ? r.data : fail(r.status, r.data);
	}
};
