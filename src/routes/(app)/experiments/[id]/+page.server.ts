import { error, fail } from '@sveltejs/kit';
import { canActOnExperiments, canSeeAccounts } from '$lib/server/auth/roles';
import { concludeExperiment, ExperimentError, stopExperiment } from '$lib/server/experiments/lifecycle';
import { acknowledge } from '$lib/server/pages/experiment-alerts';
import { experimentEffectOverTime, experimentView, launchFromPage } from '$lib/server/pages/experiments';
import { concludeSchema, firstIssue, formObject, launchSchema, stopSchema } from '$lib/server/pages/forms';
import { checkRules } from '$lib/server/compliance/message-rules';
import { canOpenCheck } from '$lib/server/pages/compliance-check';
import { heavyRequest } from '$lib/server/limits';
import { pageWork } from '$lib/http.server';
import { getStore } from '$lib/server/store';
import type { Actions, PageServerLoad, PageServerLoadEvent, RequestEvent } from './$types';

// the results (the analysis) make it a heavy request: time-limited, counted against the user's
// heavy requests, queued with the heavy work
export const load: PageServerLoad = async (event) => pageWork(event.setHeaders, () => heavyRequest(event.locals.user, () => experimentPage(event)));

async function experimentPage({ params, locals, url }: PageServerLoadEvent) {
	// the message and cadence checks of the definition's messages (and of a draft's launch), loaded once
	const rules = await checkRules(await getStore());
	const view = await experimentView(await getStore(), params.id, rules);
	return {
		...view,
		// streamed: the page shows the rest while the snapshots are computed (once per import)
		effectOverTime: view.analysis && !view.analysis.decision.results_open_on ? experimentEffectOverTime(await getStore(), params.id) : null,
		checkRules: rules,
		canOpenCheck: canOpenCheck(locals.user!.role),
		canAct: canActOnExperiments(locals.user!.role),
		canDownload: canActOnExperiments(locals.user!.role) || canSeeAccounts(locals.user!.role),
		saved: url.searchParams.has('saved')
	};
}

/** the signed-in actor, or 403 for the roles that only read experiments */
function actor({ locals }: RequestEvent) {
	const u = locals.user!;
	if (!canActOnExperiments(u.role)) error(403, `Your role (${u.role}) reads experiments but cannot act on them.`);
	return { username: u.username, role: u.role };
}

/** a refusal of the back end (ExperimentError) as the form's message; anything else is a server error */
async function attempt<T>(action: string, fn: () => Promise<T>) {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof ExperimentError) return fail(400, { action, message: e.message });
		throw e;
	}
}

export const actions: Actions = {
	launch: async (event) => {
		const who = actor(event);
		const parsed = launchSchema.safeParse(await formObject(event.request));
		if (!parsed.success) return fail(400, { action: 'launch', message: firstIssue(parsed.error) });
		return attempt('launch', async () => {
			const r = await launchFromPage(await getStore(), event.params.id, who, { reason: parsed.data.reason, override: parsed.data.override || undefined });
			return { action: 'launch', done: `Launched: ${r.eligible.toLocaleString('en-US')} accounts assigned (${Object.entries(r.assigned).map(([a, n]) => `${a} ${n.toLocaleString('en-US')}`).join(', ')}).` };
		});
	},
	stop: async (event) => {
		const who = actor(event);
		const parsed = stopSchema.safeParse(await formObject(event.request));
		if (!parsed.success) return fail(400, { action: 'stop', message: firstIssue(parsed.error) });
		return attempt('stop', async () => {
			await stopExperiment(await getStore(), event.params.id, { actor: who, reason: parsed.data.reason });
			return { action: 'stop', done: 'Stopped. The results stay as they are; conclude it with a decision when you are ready.' };
		});
	},
	conclude: async (event) => {
		const who = actor(event);
		const parsed = concludeSchema.safeParse(await formObject(event.request));
		if (!parsed.success) return fail(400, { action: 'conclude', message: firstIssue(parsed.error) });
		return attempt('conclude', async () => {
			await concludeExperiment(await getStore(), event.params.id, { actor: who, ...parsed.data });
			return { action: 'conclude', done: 'Concluded: the decision is recorded in the definition file and the trail.' };
		});
	},
	acknowledge: async (event) => {
		const r = await acknowledge(await getStore(), event.request, actor(event));
		return r.ok ? r.data : fail(r.status, r.data);
	}
};
