/**
 * What changed, for the Overview's panel: why a ratio KPI moved between the period and the
 * one it is compared with (src/lib/server/kpi/explain.ts), as JSON, from the result cache while the data is the same. The query is the page's
 * (from, to, compare and the filters) and kpi; a bad value gets 400 with the message.
 */
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { searchObject } from '$lib/schemas';
import { explainCached } from '$lib/server/kpi/explain-cached';
import { cacheScope } from '$lib/server/kpi/cache';
import { timeLimited } from '$lib/server/limits';
import { errorAnswer } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

const text = (name: string, max = 80) => z.string().max(max, { error: `${name} is at most ${max} characters` }).optional();

/** the query's shape; the values themselves (KPI, dates, filters) are checked by explainKpi */
const querySchema = z.object({
	kpi: z.string({ error: 'name the KPI to explain: ?kpi=cure_rate_30d' }).max(80, { error: 'kpi is at most 80 characters' }),
	compare: text('compare', 20),
	from: text('from', 10),
	to: text('to', 10),
	segment: text('segment'),
	product: text('product'),
	region: text('region'),
	vulnerable: z.enum(['true', 'false'], { error: 'vulnerable must be true or false' }).transform((v) => v === 'true').optional(),
	channel: text('channel'),
	tone: text('tone'),
	template: text('template'),
	agent: text('agent'),
	experiment: text('experiment'),
	// the Overview's arm select sends "experiment/arm"
	arm: text('arm', 161),
	contact_threshold: z.coerce.number({ error: 'contact_threshold is a whole number' }).optional()
});

export const GET: RequestHandler = async ({ url }) => {
	const q = querySchema.safeParse(searchObject(url.searchParams));
	if (!q.success) return json({ message: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, { status: 400 });
	const { arm, experiment, ...rest } = q.data;
	const split = arm?.includes('/') ? { experiment: arm.slice(0, arm.indexOf('/')), arm: arm.slice(arm.indexOf('/') + 1) } : { experiment, arm };
	try {
		const store = await getStore();
		const input = { ...rest, ...(split.experiment ? { experiment: split.experiment } : {}), ...(split.arm ? { arm: split.arm } : {}) };
		// answered from the result cache while the data is the same, as the charts are; each query time-limited
		const answer = await cacheScope(() => timeLimited(() => explainCached(store, input)));
		return json(answer.value, { headers: { 'x-curewise-cache': answer.cache } });
	} catch (e) {
		// a bad KPI, period or filter (400), a query stopped by the time limit (503)
		const refused = errorAnswer(e);
		if (refused) return refused;
		throw e;
	}
};
