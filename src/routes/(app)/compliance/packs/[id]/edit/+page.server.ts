import { error, fail, redirect } from '@sveltejs/kit';
import { packIdParam, packVersion, readPackForm, savePack } from '$lib/server/compliance/pack-store';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const id = packIdParam.safeParse(params.id);
	const latest = id.success ? await packVersion(await getStore(), id.data) : null;
	if (!latest) error(404, `There is no policy pack "${params.id}".`);
	return { id: latest.pack.id, title: latest.title, version: latest.version, yaml: latest.yaml };
};

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const form = await readPackForm(request);
		if (!form.ok) return fail(400, form.failure);
		const user = { username: locals.user!.username, role: locals.user!.role };
		const r = await savePack(await getStore(), { yaml: form.yaml, comment: form.comment, user, id: params.id });
		if (!r.ok) return fail(400, { problems: r.problems, yaml: form.yaml, comment: form.comment });
		redirect(303, `/compliance/packs/${r.stored.pack.id}?saved=${r.stored.version}`);
	}
};
