/**
 * The guardrail alerts as the pages show them (the list, and each experiment's open ones), and
 * the acknowledge action both pages share. The alerts themselves are raised by
 * src/lib/server/experiments/guardrails/evaluate-running.ts after every import.
 */
import type { Store } from '../db/store.ts';
import { acknowledgeAlert, AlertError, listAlerts } from '../experiments/guardrails/alerts-store.ts';
import type { AlertRow } from '../../experiments/alerts.ts';
import { loadExperiments, type Actor } from '../experiments/registry.ts';
import { acknowledgeSchema, firstIssue, formObject } from './forms.ts';

export type { AlertRow };

/** every alert, open ones first (newest first within each) */
export async function alertsPage(store: Store, experiment?: string): Promise<{ open: AlertRow[]; acknowledged: AlertRow[] }> {
	const alerts = await listAlerts(store, experiment ? { experiment } : {});
	const titles = new Map(loadExperiments().experiments.map((e) => [e.id, e.title]));
	const rows = alerts.map((a) => ({ ...a, title: titles.get(a.experiment_id) ?? null }));
	return { open: rows.filter((a) => !a.acknowledged_at), acknowledged: rows.filter((a) => a.acknowledged_at) };
}

/** open alerts per experiment */
export async function openAlertCounts(store: Store): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const a of await listAlerts(store, { open: true })) out[a.experiment_id] = (out[a.experiment_id] ?? 0) + 1;
	return out;
}

/** what the acknowledge form shows after it is sent: done, or refused (400) with the message */
export type Acknowledged =
	| { ok: true; data: { action: 'acknowledge'; alert_id: number; done: string } }
	| { ok: false; status: 400; data: { action: 'acknowledge'; alert_id: number | null; message: string } };

/**
 * The acknowledge form: alert_id and a reason (required); the back end records who, when and
 * why. A refusal (a bad form, no such alert, already acknowledged) is returned, not thrown: the
 * route answers it as the form's failure.
 */
export async function acknowledge(store: Store, request: Request, actor: Actor): Promise<Acknowledged> {
	const form = await formObject(request);
	const parsed = acknowledgeSchema.safeParse(form);
	if (!parsed.success) {
		const id = Number(form.alert_id);
		return { ok: false, status: 400, data: { action: 'acknowledge', alert_id: Number.isInteger(id) ? id : null, message: firstIssue(parsed.error) } };
	}
	try {
		const a = await acknowledgeAlert(store, parsed.data.alert_id, { actor, reason: parsed.data.reason });
		return { ok: true, data: { action: 'acknowledge', alert_id: a.alert_id, done: `Alert ${a.alert_id} acknowledged.` } };
	} catch (e) {
		if (e instanceof AlertError) return { ok: false, status: e.status, data: { action: 'acknowledge', alert_id: parsed.data.alert_id, message: e.message } };
		throw e;
	}
}
