import { error, fail, redirect } from '@sveltejs/kit';
import { canActOnExperiments } from '$lib/server/auth/roles';
import { createDraft, draftBaselines, draftToStart, parseDefinition, populationOptions } from '$lib/server/pages/experiment-drafts';
import { checkRules } from '$lib/server/compliance/message-rules';
import { canOpenCheck } from '$lib/server/pages/compliance-check';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const store = await getStore();
	const [{ as_of, baselines }, options, rules] = await Promise.all([draftBaselines(store), populationOptions(store), checkRules(store)]);
	const today = as_of ?? new Date().toISOString().slice(0, 10);
	return { ...draftToStart(locals.user!.username, today, url.searchParams.get('from')), baselines, options, checkRules: rules, canOpenCheck: canOpenCheck(locals.user!.role) };
};

export const actions: Actions = {
	save: async ({ request, locals }) => {
		if (!canActOnExperiments(locals.user?.role)) error(403, `Your role (${locals.user?.role}) reads experiments but cannot draft them.`);
		const { definition, sent } = await parseDefinition(request);
		if (definition === null) return fail(400, { message: 'The form sent no draft definition.', issues: [], sent });
		const r = await createDraft(definition, { username: locals.user!.username, role: locals.user!.role }, await getStore());
		if (!r.ok) return fail(400, { message: r.message, issues: r.issues, sent });
		redirect(303, `/experiments/${r.id}?saved=1`);
	}
};
