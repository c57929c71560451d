import { fail, redirect } from '@sveltejs/kit';
import { NEW_PACK_TEMPLATE, readPackForm, savePack } from '$lib/server/compliance/pack-store';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ yaml: NEW_PACK_TEMPLATE });

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await readPackForm(request);
		if (!form.ok) return fail(400, form.failure);
		const user = { username: locals.user!.username, role: locals.user!.role };
		const r = await savePack(await getStore(), { yaml: form.yaml, comment: form.comment, user, isNew: true });
		if (!r.ok) return fail(400, { problems: r.problems, yaml: form.yaml, comment: form.comment });
		redirect(303, `/compliance/packs/${r.stored.pack.id}?saved=${r.stored.version}`);
	}
};
