/**
 * Warms the chart cache for the Overview's default view (the last 90 days, no filter), so the
 * first person to open the Overview after an import or a restart does not wait for the
 * slowest charts; then the contact counts of the latest compliance audit (the Compliance
 * overview's per-10,000 rates). Runs in the background; a failure only means a colder first load.
 */
import type { Store } from '../db/store.ts';
import { CHART_QUERIES, runChartQuery, type ChartQueryName } from './charts.ts';
import { overviewParams } from './overview.ts';
import { latestAudit } from '../compliance/audit.ts';
import { auditContacts } from '../compliance/findings/cache.ts';

export async function warmChartCache(store: Store, log: (msg: string) => void = () => {}): Promise<number> {
	const t0 = Date.now();
	try {
		const { params } = await overviewParams(store, {});
		if (!params) return 0;
		for (const name of Object.keys(CHART_QUERIES) as ChartQueryName[]) {
			const extra = name === 'breakdown' ? { dimension: 'segment' } : name === 'kpi_trend' ? { grain: 'week' } : {};
			await runChartQuery(store, name, { ...params, dimension: 'segment', grain: 'week', ...extra }, { cache: true });
		}
		const audit = await latestAudit(store);
		if (audit) await auditContacts(store, audit);
		return Date.now() - t0;
	} catch (e) {
		log(`warming the chart cache failed: ${e instanceof Error ? e.message : e}`);
		return 0;
	}
}
