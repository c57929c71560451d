/**
 * The storage of guardrail alerts: the experiment_alerts table (migration 4), through Kysely
 * (db/schema.ts ExperimentAlertsTable), as every table the product itself writes. One open
 * (unacknowledged) alert per experiment, arm, metric and rule; an alert stays until someone
 * acknowledges it with a reason (recorded in the trail). evaluate-running.ts raises them; the
 * alerts page, the Overview's alert strip and the CLI read them.
 */
import { sql, type Selectable } from 'kysely';
import type { ExperimentAlertsTable } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { recordTrail } from '../../trail/trail.ts';
import { canonical } from '../../../canonical.ts';
import type { ExperimentAlert } from '../../../experiments/alerts.ts';
import { BadRequestError } from '../../errors.ts';

// the shape of an alert lives in src/lib/experiments/alerts.ts (shared with the pages)
export type { ExperimentAlert };

const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** an ISO moment as the TIMESTAMPTZ it is */
const at = (iso: string) => sql<Date>`CAST(${iso} AS TIMESTAMPTZ)`;

function toAlert(r: Selectable<ExperimentAlertsTable>): ExperimentAlert {
	let evidence: Record<string, unknown> = {};
	try {
		evidence = JSON.parse(String(r.evidence));
	} catch {
		/* kept empty */
	}
	return {
		alert_id: Number(r.alert_id),
		experiment_id: String(r.experiment_id),
		arm: String(r.arm),
		metric: String(r.metric),
		rule_kind: String(r.rule_kind),
		threshold: r.threshold == null ? null : Number(r.threshold),
		evidence,
		message: String(r.message),
		fired_at: iso(r.fired_at)!,
		last_seen_at: iso(r.last_seen_at)!,
		acknowledged_at: iso(r.acknowledged_at),
		acknowledged_by: (r.acknowledged_by as string | null) ?? null,
		ack_reason: (r.ack_reason as string | null) ?? null,
		stopped_experiment: Boolean(r.stopped_experiment),
		webhook_status: (r.webhook_status as string | null) ?? null
	};
}

/** what identifies an open alert: one per experiment, arm, metric and rule */
export interface AlertKey {
	experiment: string;
	arm: string;
	metric: string;
	rule: string;
}

/** the id of the open alert for `key`, or null */
export async function openAlertId(store: Store, key: AlertKey): Promise<number | null> {
	const open = await store.kysely
		.selectFrom('experiment_alerts')
		.select('alert_id')
		.where('experiment_id', '=', key.experiment)
		.where('arm', '=', key.arm)
		.where('metric', '=', key.metric)
		.where('rule_kind', '=', key.rule)
		.where('acknowledged_at', 'is', null)
		.orderBy('alert_id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return open ? Number(open.alert_id) : null;
}

/** the open alert was seen again at `now` (ISO) */
export async function touchAlert(store: Store, id: number, now: string): Promise<void> {
	await store.kysely.updateTable('experiment_alerts').set({ last_seen_at: at(now) }).where('alert_id', '=', id).execute();
}

/** raises a new alert, fired and last seen at `now` (ISO) */
export async function insertAlert(
	store: Store,
	key: AlertKey,
	a: { threshold: number; evidence: Record<string, unknown>; message: string; now: string }
): Promise<ExperimentAlert> {
	const row = await store.kysely
		.insertInto('experiment_alerts')
		.values({
			alert_id: sql<number>`nextval('experiment_alert_seq')`,
			experiment_id: key.experiment,
			arm: key.arm,
			metric: key.metric,
			rule_kind: key.rule,
			threshold: a.threshold,
			evidence: canonical(a.evidence),
			message: a.message,
			fired_at: at(a.now),
			last_seen_at: at(a.now),
			stopped_experiment: false,
			webhook_status: null
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return toAlert(row);
}

/** the alert's breach stopped its experiment */
export async function markAlertStopped(store: Store, id: number): Promise<void> {
	await store.kysely.updateTable('experiment_alerts').set({ stopped_experiment: true }).where('alert_id', '=', id).execute();
}

/** what the webhook answered: `delivered` or `failed: <why>` */
export async function setWebhookStatus(store: Store, id: number, status: string): Promise<void> {
	await store.kysely.updateTable('experiment_alerts').set({ webhook_status: status }).where('alert_id', '=', id).execute();
}

/** the alerts, newest first; open: only (or, false, never) the unacknowledged ones */
export async function listAlerts(store: Store, filter: { open?: boolean; experiment?: string } = {}): Promise<ExperimentAlert[]> {
	let q = store.kysely.selectFrom('experiment_alerts').selectAll();
	if (filter.experiment != null) q = q.where('experiment_id', '=', filter.experiment);
	if (filter.open != null) q = q.where('acknowledged_at', filter.open ? 'is' : 'is not', null);
	const rows = await q.orderBy('fired_at', 'desc').orderBy('alert_id', 'desc').execute();
	return rows.map(toAlert);
}

/** an acknowledgement that cannot be made (no reason, no such alert, already acknowledged): a 400 */
export class AlertError extends BadRequestError {
	constructor(message: string) {
		super(message);
		this.name = 'AlertError';
	}
}

/** acknowledges an open alert with a reason (required); records alert.acknowledge in the trail */
export async function acknowledgeAlert(
	store: Store,
	alertId: number,
	input: { actor: { username: string; role: string }; reason: string }
): Promise<ExperimentAlert> {
	const reason = input.reason?.trim();
	if (!reason) throw new AlertError('acknowledging an alert needs a reason');
	const row = await store.kysely.selectFrom('experiment_alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
	if (!row) throw new AlertError(`there is no alert ${alertId}`);
	const before = toAlert(row);
	const already = () => new AlertError(`alert ${alertId} was already acknowledged by ${before.acknowledged_by ?? 'someone'}${before.acknowledged_at ? ` at ${before.acknowledged_at}` : ''}`);
	if (before.acknowledged_at) throw already();
	// only an open alert: of two acknowledgements at once, one wins
	const updated = await store.kysely
		.updateTable('experiment_alerts')
		.set({ acknowledged_at: sql<Date>`now()`, acknowledged_by: input.actor.username, ack_reason: reason })
		.where('alert_id', '=', alertId)
		.where('acknowledged_at', 'is', null)
		.returningAll()
		.executeTakeFirst();
	if (!updated) throw already();
	await recordTrail(store, {
		actor: input.actor.username,
		role: input.actor.role,
		action: 'alert.acknowledge',
		target: before.experiment_id,
		details: { alert_id: alertId, arm: before.arm, metric: before.metric, rule: before.rule_kind, reason }
	});
	return toAlert(updated);
}
