/** Chart and table data for the Overview: Arrow IPC by default, JSON or CSV with ?format=. */
import { error, json } from '@sveltejs/kit';
import { chartFormatSchema, MAX_TABLE_ROWS, searchObject } from '$lib/schemas';
import { breakdownCsv } from '$lib/chart-export';
import { toArrowIPC, toCsv } from '$lib/server/arrow';
import { largestRows, type BreakdownDimension } from '$lib/server/kpi/breakdown';
import { ChartParamsError, chartQueryNameSchema, runChartQuery, type Columns } from '$lib/server/kpi/charts';
import { overviewParams } from '$lib/server/kpi/overview';
import { cacheScope } from '$lib/server/kpi/cache';
import { maxExportRows, ResultTooLargeError, timeLimited } from '$lib/server/limits';
import { answered } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

const rowsOf = (c: Columns) => Object.values(c)[0]?.length ?? 0;

export const GET: RequestHandler = async ({ params, url, request, locals }) => {
	const name = chartQueryNameSchema.safeParse(params.query);
	if (!name.success) error(400, name.error.issues[0]?.message ?? 'unknown query');
	const { format: rawFormat, ...query } = searchObject(url.searchParams);
	const fmt = chartFormatSchema.safeParse(rawFormat);
	if (!fmt.success) error(400, fmt.error.issues[0]?.message ?? 'unknown format');
	const format = fmt.data ?? (request.headers.get('accept')?.includes('application/json') ? 'json' : 'arrow');
	const store = await getStore();
	const base = await overviewParams(store, query);
	if (!base.params) error(400, 'the store holds no data yet');
	if (base.problems.length) error(400, base.problems.join('; '));
	const chartParams = { ...base.params, dimension: query.dimension ?? 'segment', grain: query.grain ?? 'week' };
	// every query is time-limited; a chart computed from the raw tables counts against the user's
	// heavy requests (429 beyond the limit), and a refusal is answered with its status and message
	return answered(() =>
		timeLimited(async () => {
			let columns: Columns;
			// whether the answer came from the result cache (hit), from a computation under way or a new one
			let cache = 'none';
			try {
				// a cached chart answers at once; a computation waits its turn in the queue of heavy queries,
				// and the same chart asked for again while it runs (in any format) is run once
				const answer = await cacheScope(() => runChartQuery(store, name.data, chartParams, { cache: true, queue: true, user: locals.user?.username ?? '' }));
				columns = answer.value;
				cache = answer.cache;
			} catch (e) {
				if (e instanceof ChartParamsError) error(400, e.message);
				throw e;
			}
			const headers: Record<string, string> = { 'x-curewise-cache': cache };
			if (format === 'csv') {
				// a CSV holds every row, up to the export limit (a breakdown by agent has one per agent)
				if (rowsOf(columns) > maxExportRows()) throw new ResultTooLargeError('CSV', rowsOf(columns), maxExportRows(), 'Narrow the period or add a filter.');
				// the breakdown's CSV explains itself (what, period, filters, as-of date; numbers as on the page);
				// the other queries' CSV is their raw columns, for scripts
				const file =
					name.data === 'breakdown'
						? breakdownCsv(String(chartParams.dimension), columns, chartParams)
						: { text: toCsv(columns), fileName: `curewise_${name.data}_${chartParams.from}_${chartParams.to}.csv` };
				return new Response(file.text, {
					headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file.fileName}"` }
				});
			}
			if (name.data === 'breakdown') {
				// as on the page: the largest MAX_TABLE_ROWS values, and a header that says so
				const dimension = String(chartParams.dimension);
				const table = largestRows(dimension as BreakdownDimension, columns, MAX_TABLE_ROWS);
				if (table.total > rowsOf(table.columns)) {
					columns = table.columns;
					headers['x-curewise-truncated'] = `${rowsOf(columns)} of ${table.total} rows: the ${dimension} values with the most outbound contacts; ?format=csv has them all`;
				}
			}
			if (format === 'json') return json(columns, { headers });
			return new Response(toArrowIPC(columns) as unknown as BodyInit, { headers: { ...headers, 'content-type': 'application/vnd.apache.arrow.stream' } });
		})
	);
};
