import { error } from '@sveltejs/kit';
import { packChanges, packHistory, packIdParam, packVersion, packVersionParam } from '$lib/server/compliance/pack-store';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = packIdParam.safeParse(params.id);
	if (!id.success) error(404, `There is no policy pack "${params.id}": ${id.error.issues[0]!.message}.`);
	const rawVersion = url.searchParams.get('version');
	const version = rawVersion === null || rawVersion === '' ? null : packVersionParam.safeParse(rawVersion);
	if (version && !version.success) error(400, `?version=${rawVersion}: ${version.error.issues[0]!.message}.`);
	const rawSaved = url.searchParams.get('saved');
	const saved = rawSaved ? packVersionParam.safeParse(rawSaved) : null;

	const store = await getStore();
	const history = await packHistory(store, id.data);
	if (!history.length) error(404, `There is no policy pack "${id.data}".`);
	const shown = await packVersion(store, id.data, version?.data ?? null);
	if (!shown) error(404, `Pack ${id.data} has no version ${version?.data}: its versions are ${history.map((h) => h.version).join(', ')}.`);
	const before = history.find((h) => h.version < shown.version);
	const previous = before ? await packVersion(store, id.data, before.version) : null;
	return {
		id: id.data,
		shown,
		latest: history[0]!.version,
		history,
		previous: previous ? previous.version : null,
		changes: previous ? packChanges(previous.pack, shown.pack) : null,
		saved: saved?.success ? saved.data : null
	};
};
