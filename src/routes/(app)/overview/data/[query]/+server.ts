/** Chart and table data for the Overview: Arrow IPC by default, JSON or CSV with ?format=. */
import { error, json } from '@sveltejs/kit';
import { searchObject } from '$lib/schemas';
import { toArrowIPC, toCsv } from '$lib/server/arrow';
import { ChartParamsError, chartQueryNameSchema, runChartQuery } from '$lib/server/kpi/charts';
import { overviewParams } from '$lib/server/kpi/overview';
import { BusyError } from '$lib/server/queue';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url, request }) => {
	const name = chartQueryNameSchema.safeParse(params.query);
	if (!name.success) error(400, name.error.issues[0]?.message ?? 'unknown query');
	const store = await getStore();
	const { format, ...query } = searchObject(url.searchParams);
	const base = await overviewParams(store, query);
	if (!base.params) error(400, 'the store holds no data yet');
	if (base.problems.length) error(400, base.problems.join('; '));
	const chartParams = { ...base.params, dimension: query.dimension ?? 'segment', grain: query.grain ?? 'week' };
	try {
		// a cached chart answers at once; a computation waits its turn in the queue of heavy queries,
		// and the same chart asked for again while it runs (in any format) is run once
		const columns = await runChartQuery(store, name.data, chartParams, { cache: true, queue: true });
		if (format === 'csv') {
			return new Response(toCsv(columns), {
				headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="curewise_${name.data}.csv"` }
			});
		}
		if (format === 'json' || request.headers.get('accept')?.includes('application/json')) return json(columns);
		return new Response(toArrowIPC(columns) as unknown as BodyInit, { headers: { 'content-type': 'application/vnd.apache.arrow.stream' } });
	} catch (e) {
		if (e instanceof ChartParamsError) error(400, e.message);
		if (e instanceof BusyError) return json({ message: e.message }, { status: 503, headers: { 'retry-after': '2' } });
		throw e;
	}
};
