import { currentPacks, packFileProblems } from '$lib/server/compliance/pack-store';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const store = await getStore();
	const problems = await packFileProblems(store);
	const packs = (await currentPacks(store)).map((s) => ({
		id: s.pack.id,
		title: s.title,
		applies_to: s.pack.applies_to,
		effective_from: s.pack.effective_from,
		version: s.version,
		source: s.source,
		saved_at: s.saved_at,
		saved_by: s.saved_by,
		rules: s.pack.rules.length
	}));
	return { packs, problems };
};
