/**
 * Warms the result cache (kpi/cache.ts) after an import or a restart, so that the first people to
 * open the Overview do not wait: first the default view (the last 90 days, no filter) — its page
 * data, every chart and What changed for the cure rate, as the page asks for them — then the same
 * for each of the period presets the page offers as links (last 30 days, last month, last quarter,
 * quarter to date, year to date, last 12 months), compared with the previous period; then the
 * contact counts of the latest compliance audit (the Compliance overview's per-10,000 rates).
 * Runs in the background, one query at a time; a failure only means a colder first load. The
 * entries are the ones the pages' own requests use (the same keys), so a view asked for while it
 * is being warmed is computed once.
 */
import type { Store } from '../db/store.ts';
import { CHART_QUERIES, runChartQuery, type ChartQueryName } from './charts.ts';
import { overviewPage, overviewParams } from './overview.ts';
import { explainCached } from './explain-cached.ts';
import { latestAudit } from '../compliance/audit.ts';
import { auditContacts } from '../compliance/findings/cache.ts';
import { PRESETS, presetPeriod } from '../../periods.ts';
import { dataAsOf } from './as-of.ts';

/** one view as the page asks for it: its data, its charts (the breakdown endpoint only for the default view), What changed */
async function warmView(store: Store, query: Record<string, string>, withBreakdown: boolean): Promise<void> {
	const { params, problems } = await overviewParams(store, query);
	if (!params || problems.length) return;
	await overviewPage(store, query);
	for (const name of Object.keys(CHART_QUERIES) as ChartQueryName[]) {
		if (name === 'breakdown' && !withBreakdown) continue;
		await runChartQuery(store, name, { ...params, dimension: 'segment', grain: 'week' }, { cache: true });
	}
	await explainCached(store, { kpi: 'cure_rate_30d', ...query });
}

export async function warmChartCache(store: Store, log: (msg: string) => void = () => {}): Promise<number> {
	const t0 = Date.now();
	try {
		const asOf = await dataAsOf(store);
		if (!asOf) return 0;
		// the default view, as the page's first request asks for it (no period in the address)
		await warmView(store, {}, true);
		for (const p of PRESETS) if (p.id !== 'last_90_days') await warmView(store, { ...presetPeriod(p.id, asOf) }, false);
		const audit = await latestAudit(store);
		if (audit) await auditContacts(store, audit);
		return Date.now() - t0;
	} catch (e) {
		log(`warming the chart cache failed: ${e instanceof Error ? e.message : e}`);
		return 0;
	}
}
