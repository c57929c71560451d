import { fail } from '@sveltejs/kit';
import { checkRules } from '$lib/server/compliance/message-rules';
import { formObject } from '$lib/server/pages/forms';
import { cadenceFormSchema, checkPrefill, formProblems, messageFormSchema, runCadenceCheck, runMessageCheck } from '$lib/server/pages/compliance-check';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => ({ checkRules: await checkRules(await getStore()), prefill: checkPrefill(url.searchParams) });

// Both checks run live in the browser; these actions answer the same without JavaScript.
export const actions: Actions = {
	message: async ({ request }) => {
		const fields = await formObject(request);
		const parsed = messageFormSchema.safeParse(fields);
		if (!parsed.success) return fail(400, { check: 'message' as const, values: fields, errors: formProblems(parsed.error) });
		const r = runMessageCheck(await checkRules(await getStore()), parsed.data);
		return { check: 'message' as const, values: fields, errors: [], ...r };
	},
	cadence: async ({ request }) => {
		const fields = await formObject(request);
		const parsed = cadenceFormSchema.safeParse(fields);
		if (!parsed.success) return fail(400, { check: 'cadence' as const, values: fields, errors: formProblems(parsed.error) });
		return { check: 'cadence' as const, values: fields, errors: [], result: runCadenceCheck(await checkRules(await getStore()), parsed.data) };
	}
};
