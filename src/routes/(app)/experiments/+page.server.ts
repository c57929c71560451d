import { canActOnExperiments } from '$lib/server/auth/roles';
import { experimentList } from '$lib/server/pages/experiments';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ ...(await experimentList(await getStore())), canAct: canActOnExperiments(locals.user!.role) });
