import { searchObject } from '$lib/schemas';
import { DIMENSIONS, runChartQuery } from '$lib/server/kpi/charts';
import { overview, overviewParams } from '$lib/server/kpi/overview';
import { getStore } from '$lib/server/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const store = await getStore();
	const query = searchObject(url.searchParams);
	const dimension = (DIMENSIONS as readonly string[]).includes(query.dimension ?? '') ? query.dimension! : 'segment';
	const { params } = await overviewParams(store, query);
	return {
		overview: await overview(store, query),
		breakdown: params ? { dimension, columns: await runChartQuery(store, 'breakdown', { ...params, dimension }) } : null
	};
};
