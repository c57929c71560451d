import { searchObject } from '$lib/schemas';
import { overviewPage } from '$lib/server/kpi/overview';
import { cacheScope } from '$lib/server/kpi/cache';
import { timeLimited } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import { currentPacks } from '$lib/server/compliance/pack-store';
import { owedAudit } from '$lib/server/compliance/owed';
import { ACCESS } from '$lib/server/auth/roles';
import { getExperiment } from '$lib/server/experiments/registry';
import { metricDef } from '$lib/metrics/catalogue';
import { humanize, packLabels } from '$lib/vocabulary';
import type { PageServerLoad } from './$types';

// every query time-limited (a 503 page that says so); not counted as a heavy request: the page's
// own charts are, and the tiles read the summary tables
// the findings strip also says what no audit has checked yet (compliance/owed.ts: one small
// table), and looks again while an audit runs (AuditOwed invalidates curewise:audit-owed)
export const load: PageServerLoad = async ({ url, locals, setHeaders, depends }) =>
	pageWork(setHeaders, async () =>
		timeLimited(async () => {
			depends('curewise:audit-owed');
			const store = await getStore();
			// the page's data from the result cache when this view was asked for on the same data (the header says which)
			const [{ value: page, cache }, owed] = await Promise.all([cacheScope(() => overviewPage(store, searchObject(url.searchParams), locals.user?.role ?? null)), owedAudit(store)]);
			setHeaders({ 'x-curewise-cache': cache });
			const canRunAudit = !!locals.user && (ACCESS['/(app)/compliance'] ?? []).includes(locals.user.role);
			return { ...page, ...(await labelled(store, page)), owed, canRunAudit };
		})
	);

/**
 * The strips' labels (docs/wording.md): the rules and packs by their own titles, the experiments
 * by their titles, arms and metrics by their names; never a raw id on the Overview.
 */
async function labelled(store: Awaited<ReturnType<typeof getStore>>, page: Awaited<ReturnType<typeof overviewPage>>) {
	const packs = page.compliance?.top_rules.length ? await currentPacks(store).catch(() => []) : [];
	const labels = packLabels(packs.map((p) => ({ id: p.pack.id, title: p.pack.title, rules: p.pack.rules })));
	const title = (id: string) => {
		try {
			return getExperiment(id)?.title ?? humanize(id);
		} catch {
			return humanize(id);
		}
	};
	return {
		compliance: page.compliance && { ...page.compliance, top_rules: page.compliance.top_rules.map((r) => ({ ...r, rule: labels.rule(r.pack_id, r.rule_id), pack: labels.pack(r.pack_id) })) },
		experiment_titles: Object.fromEntries((page.overview.options.experiment ?? []).map((id) => [id, title(id)])),
		alerts: page.alerts.map((a) => ({ ...a, experiment: title(a.experiment_id), arm_label: humanize(a.arm), metric_label: metricDef(a.metric)?.label ?? humanize(a.metric) }))
	};
}
