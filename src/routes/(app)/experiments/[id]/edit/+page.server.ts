import { error, fail, redirect } from '@sveltejs/kit';
import { fromDefinition } from '$lib/experiments/draft';
import { canActOnExperiments } from '$lib/server/auth/roles';
import { draftBaselines, parseDefinition, populationOptions, updateDraft } from '$lib/server/pages/experiment-drafts';
import { experimentOrError } from '$lib/server/pages/experiments';
import { checkRules } from '$lib/server/compliance/message-rules';
import { canOpenCheck } from '$lib/server/pages/compliance-check';
import { getStore } from '$lib/server/store';
import { pageWork } from '$lib/http.server';
import type { Actions, PageServerLoad } from './$types';

// no such experiment (404), a bad id (400) or an invalid file (422): the page's error
export const load: PageServerLoad = async ({ params, locals, setHeaders }) =>
	pageWork(setHeaders, async () => {
		const e = experimentOrError(params.id);
		if (e.status !== 'draft') redirect(303, `/experiments/${e.id}`);
		const store = await getStore();
		const [{ baselines }, options, rules] = await Promise.all([draftBaselines(store), populationOptions(store), checkRules(store)]);
		return { id: e.id, form: fromDefinition(e), baselines, options, checkRules: rules, canOpenCheck: canOpenCheck(locals.user!.role) };
	});

export const actions: Actions = {
	save: async ({ request, locals, params }) => {
		if (!canActOnExperiments(locals.user?.role)) error(403, `Your role (${locals.user?.role}) reads experiments but cannot edit them.`);
		const { definition, sent } = await parseDefinition(request);
		if (definition === null) return fail(400, { message: 'The form sent no draft definition.', issues: [], sent });
		const r = await updateDraft(params.id, definition, { username: locals.user!.username, role: locals.user!.role }, await getStore());
		if (!r.ok) return fail(400, { message: r.message, issues: r.issues, sent });
		redirect(303, `/experiments/${r.id}?saved=1`);
	}
};
