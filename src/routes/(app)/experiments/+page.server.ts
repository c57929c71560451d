import { canActOnExperiments } from '$lib/server/auth/roles';
import { timeLimited } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import { experimentList } from '$lib/server/pages/experiments';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

// every query time-limited (a 503 page that says so)
export const load: PageServerLoad = async ({ locals, setHeaders }) =>
	pageWork(setHeaders, () => timeLimited(async () => ({ ...(await experimentList(await getStore())), canAct: canActOnExperiments(locals.user!.role) })));
