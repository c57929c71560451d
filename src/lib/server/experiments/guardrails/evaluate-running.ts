/**
 * The guardrail evaluation that runs after every import (ingest/after.ts): it analyses each
 * running experiment (analysis/analyze.ts), judges its guardrails (verdicts.ts), raises an
 * alert (alerts-store.ts) for each breach unless an open (unacknowledged) one exists for the
 * same experiment, arm, metric and rule (then it only updates last_seen_at), stops an
 * experiment on a hard-limit breach with stop_on_breach (through the caller's stop function)
 * and posts each new alert to the webhook (webhook.ts) when one is configured. One evaluation
 * at a time per process.
 */
import type { Experiment } from '../../../experiments/schema.ts';
import type { ExperimentAnalysis, GuardrailVerdict } from '../../../experiments/analysis-types.ts';
import type { Store } from '../../db/store.ts';
import { analyzeExperiment } from '../analysis/analyze.ts';
import { loadExperiments } from '../registry.ts';
import { insertAlert, markAlertStopped, openAlertId, setWebhookStatus, touchAlert, type ExperimentAlert } from './alerts-store.ts';
import { evaluateGuardrails } from './verdicts.ts';
import { postWebhook, type WebhookOptions } from './webhook.ts';

export interface EvaluateOptions {
	/** default: the running experiments of the experiments folder (registry.ts) */
	experiments?: Experiment[];
	/** default: CUREWISE_ALERT_WEBHOOK_URL; none: no webhook */
	webhookUrl?: string;
	/** the moment of the evaluation (fired_at, last_seen_at); default now */
	now?: Date;
	/** stops an experiment (the lifecycle's stopExperiment); called on a hard-limit breach with stop_on_breach */
	stop?: (id: string, reason: string) => Promise<void>;
	/** the data's as-of date for the analyses (default: the data's) */
	asOf?: string;
	webhook?: WebhookOptions;
	/** an experiment whose analysis fails is skipped and reported here (default: console.error) */
	onError?: (experimentId: string, error: unknown) => void;
}

// one evaluation at a time per process: two imports finishing together must not raise twice
const g = globalThis as unknown as { __curewiseAlerts?: Promise<unknown> };

function serial<T>(fn: () => Promise<T>): Promise<T> {
	const p = (g.__curewiseAlerts ?? Promise.resolve()).catch(() => {}).then(fn);
	g.__curewiseAlerts = p;
	return p;
}

/**
 * Analyses every running experiment, judges its guardrails and raises an alert for each
 * breach (see the file's comment). Returns the alerts raised by this evaluation.
 */
export function evaluateRunningExperiments(store: Store, opts: EvaluateOptions = {}): Promise<ExperimentAlert[]> {
	return serial(async () => {
		const experiments = (opts.experiments ?? loadExperiments().experiments).filter((e) => e.status === 'running');
		const now = (opts.now ?? new Date()).toISOString();
		const url = opts.webhookUrl ?? process.env.CUREWISE_ALERT_WEBHOOK_URL ?? '';
		const fresh: ExperimentAlert[] = [];
		/** each experiment's decision, for the webhook */
		const decisions = new Map<string, ExperimentAnalysis['decision']>();
		for (const e of experiments) {
			let verdicts: GuardrailVerdict[];
			try {
				const analysis = await analyzeExperiment(store, e, opts.asOf ? { asOf: opts.asOf } : {});
				decisions.set(e.id, analysis.decision);
				verdicts = await evaluateGuardrails(store, e, analysis);
			} catch (err) {
				(opts.onError ?? ((id, x) => console.error(`guardrails of ${id}: ${x instanceof Error ? x.message : x}`)))(e.id, err);
				continue;
			}
			const stopWith: number[] = [];
			let stopReason: string | null = null;
			for (const v of verdicts.filter((x) => x.verdict === 'breached')) {
				const key = { experiment: e.id, arm: v.arm, metric: v.metric, rule: v.rule };
				const open = await openAlertId(store, key);
				let id: number;
				if (open != null) {
					id = open;
					await touchAlert(store, id, now);
				} else {
					const alert = await insertAlert(store, key, { threshold: v.threshold, evidence: v.evidence, message: v.message, now });
					id = alert.alert_id;
					fresh.push(alert);
				}
				if (v.rule === 'hard_limit' && v.stop_on_breach) {
					stopWith.push(id);
					stopReason ??= `guardrail breached: ${v.message}`;
				}
			}
			if (stopWith.length && opts.stop) {
				let stopped = false;
				try {
					await opts.stop(e.id, stopReason!);
					stopped = true;
				} catch (err) {
					(opts.onError ?? ((id, x) => console.error(`stopping ${id}: ${x instanceof Error ? x.message : x}`)))(e.id, err);
				}
				if (stopped) {
					for (const id of stopWith) await markAlertStopped(store, id);
					for (const a of fresh) if (stopWith.includes(a.alert_id)) a.stopped_experiment = true;
				}
			}
		}
		if (url && fresh.length) {
			await Promise.all(
				fresh.map(async (a) => {
					const status = await postWebhook(
						url,
						{
							alert_id: a.alert_id,
							experiment: a.experiment_id,
							arm: a.arm,
							metric: a.metric,
							rule: a.rule_kind,
							threshold: a.threshold,
							evidence: a.evidence,
							message: a.message,
							fired_at: a.fired_at,
							// what the experiment's analysis now supports (stop, ship, keep running …), with its reasons
							decision: decisions.get(a.experiment_id) ?? null
						},
						opts.webhook
					);
					await setWebhookStatus(store, a.alert_id, status);
					a.webhook_status = status;
				})
			);
		}
		return fresh;
	});
}
