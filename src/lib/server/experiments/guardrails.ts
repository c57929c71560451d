/**
 * Guardrails and their alerts (shared/spec/experiments.md, "Guardrails and alerts").
 *
 * A guardrail names a metric, the direction that is better and a rule; it is judged per arm
 * against control, on the experiment's analysis (analyze.ts):
 * - harm: the arm is significantly worse than control, one-sided at the rule's threshold when
 *   it is a level in (0, 0.5) (the demo files write 0.05 "at the experiment's alpha"), else at
 *   analysis.alpha, and at exactly that level: the always-valid one-sided test
 *   (sequential.ts oneSidedMixtureTest, safe at every look whatever the analysis mode), whose
 *   p-value and bound are one test. For a count the exact one-sided Poisson test must agree as
 *   well (rare events: the normal approximation alone is not trusted): the verdict's p is the
 *   larger of the two, and a breach errs with probability at most the level. For a time to
 *   event the difference is that of the RMST at 90 days.
 * - non_inferiority: the threshold is a margin in the metric's units (a share for a
 *   proportion, per 1,000 accounts for a count, days for a time): breached when the interval
 *   of the analysis mode lies wholly beyond the margin on the worse side (the arm is worse by
 *   more than the margin); ok when it lies wholly within (non-inferiority shown); otherwise
 *   not_enough_data (still inconclusive). The two-sided (1 − α) interval makes each of the two
 *   one-sided claims at α/2 (the usual convention for non-inferiority, CONSORT).
 * - hard_limit: no statistics: the arm's count (events of a count or proportion, events of a
 *   time to event, the mean of a mean metric) above the threshold while control's is not, or
 *   is lower per account (a violation "the control does not have"; a count control shares at
 *   the same rate is not the arm's doing).
 * An arm without data gives not_enough_data.
 *
 * `evaluateRunningExperiments` runs after every import: it analyses each running experiment,
 * raises an alert in experiment_alerts (migration 4) for each breach unless an open
 * (unacknowledged) one exists for the same experiment, arm, metric and rule (then it only
 * updates last_seen_at), stops an experiment on a hard-limit breach with stop_on_breach
 * (through the caller's stop function) and posts each new alert to the webhook when one is
 * configured. An alert stays until someone acknowledges it with a reason.
 */
import type { Experiment, ExperimentMetric, Guardrail } from '../../experiments/schema.ts';
import { EXPERIMENT_METRICS } from '../../experiments/schema.ts';
import { poissonRateTest } from '../../stats/rare.ts';
import { DEFAULT_TUNING_N, oneSidedMixtureTest, rhoSquared, sequentialCompare } from '../../stats/sequential.ts';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import { analyzeExperiment, type ExperimentAnalysis, type MetricResult } from './analyze.ts';
import { loadExperiments } from './registry.ts';
import { canonical } from '../../canonical.ts';

// ------------------------------------------------------------------ verdicts

export type Verdict = 'ok' | 'breached' | 'not_enough_data';

export interface GuardrailVerdict {
	arm: string;
	metric: ExperimentMetric;
	label: string;
	rule: Guardrail['rule']['kind'];
	direction: Guardrail['direction'];
	threshold: number;
	stop_on_breach: boolean;
	verdict: Verdict;
	/** the numbers behind the verdict */
	evidence: Record<string, number | string | boolean | null>;
	/** the verdict in words */
	message: string;
}

/** what the verdicts read from an analysis */
export type AnalysisForVerdicts = Pick<ExperimentAnalysis, 'alpha' | 'mode' | 'metrics' | 'trustworthy'>;

const UNIT_WORDS: Record<string, string> = {
	share: '',
	mean: '',
	per_account_week: ' contacts per account-week',
	per_1000_accounts: ' per 1,000 accounts',
	days: ' days'
};

function fmt(x: number | null | undefined, unit: string): string {
	if (x == null || !Number.isFinite(x)) return '–';
	if (unit === 'share') return `${(x * 100).toFixed(2)}%`;
	const a = Math.abs(x);
	const digits = a >= 100 ? 1 : a >= 1 ? 2 : 4;
	return x.toLocaleString('en-US', { maximumFractionDigits: digits }) + (UNIT_WORDS[unit] ?? '');
}
const fmtDiff = (x: number | null | undefined, unit: string) => {
	if (x == null || !Number.isFinite(x)) return '–';
	if (unit === 'share') return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} points`;
	return (x >= 0 ? '+' : '') + fmt(x, unit);
};

/** the level of a harm rule: its threshold when that is a level, else the experiment's alpha */
export function harmLevel(g: Guardrail, alpha: number): number {
	return g.rule.threshold > 0 && g.rule.threshold < 0.5 ? g.rule.threshold : alpha;
}

function harm(g: Guardrail, r: MetricResult, a: AnalysisForVerdicts): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const level = harmLevel(g, a.alpha);
	const worseUp = g.direction === 'lower_is_better';
	const base = { level, n_control: r.n_control, n_arm: r.n_arm, control_value: r.control_value, arm_value: r.arm_value, unit: r.unit };
	// the difference, its variance and the mixture variance of the always-valid test, in the metric's units
	let d: number | null = null;
	let variance: number | null = null;
	let tau2: number | null = null;
	if (r.kind === 'time') {
		const rd = r.survival?.rmst_difference;
		if (rd && rd.se != null) {
			d = rd.estimate;
			variance = rd.se ** 2;
			tau2 = variance > 0 ? rhoSquared(level, DEFAULT_TUNING_N) * variance * (r.n_control + r.n_arm) : 1;
		}
	} else if (r.effect_stats) {
		const scale = r.kind === 'count' ? 1000 : 1;
		const seq = sequentialCompare(r.effect_stats.control, r.effect_stats.arm, { alpha: level });
		if (seq) {
			d = seq.absolute.estimate * scale;
			variance = (seq.absolute.se * scale) ** 2;
			tau2 = seq.tau2 * scale * scale;
		}
	}
	if (d == null || variance == null || tau2 == null)
		return { verdict: 'not_enough_data', evidence: { ...base, difference: null }, message: `${r.arm}: ${r.label}: not enough data to test for harm (${r.note ?? 'no comparison'})` };
	// one-sided, in the worse direction, at the level: the always-valid one-sided test (its bound
	// and p-value are one test: the bound passes 0 exactly when p < level)
	const sign = worseUp ? 1 : -1;
	const t = oneSidedMixtureTest(sign * d, variance, tau2, level);
	const bound = sign * t.lower; // worse up: the difference is at least this; worse down: at most
	const evidence: GuardrailVerdict['evidence'] = { ...base, difference: d, bound, p_value_one_sided: t.pValue, method: 'always-valid one-sided' };
	let p = t.pValue;
	if (r.kind === 'count' && r.poisson) {
		// rare events: the normal approximation alone is not trusted; the exact one-sided Poisson
		// test must agree. A breach needs both p below the level, so its false-alarm rate is at most
		// the level; the verdict's p is the larger of the two (a valid p for that rule)
		const e = poissonRateTest(
			{ events: r.poisson.events_control, exposure: r.poisson.exposure_control },
			{ events: r.poisson.events_arm, exposure: r.poisson.exposure_arm },
			{ alpha: level, alternative: worseUp ? 'greater' : 'less' }
		);
		evidence.events_control = r.poisson.events_control;
		evidence.events_arm = r.poisson.events_arm;
		evidence.poisson_p_one_sided = e?.pValue ?? null;
		evidence.method = 'always-valid one-sided and exact Poisson one-sided';
		p = e == null ? 1 : Math.max(p, e.pValue);
	}
	evidence.p_value = p;
	const worse = p < level;
	const pct = `${+((1 - level) * 100).toFixed(1)}%`;
	const boundWords = `always-valid one-sided ${pct} bound: the difference is ${worseUp ? 'at least' : 'at most'} ${fmtDiff(bound, r.unit)}`;
	const values = `${r.arm} ${fmt(r.arm_value, r.unit)}, control ${fmt(r.control_value, r.unit)}${r.kind === 'time' ? ` (restricted mean to ${r.survival?.horizon_days} days)` : ''}`;
	const pWords = `p = ${p.toPrecision(3)}, one-sided at ${level}${evidence.poisson_p_one_sided != null ? ` (the larger of the always-valid ${t.pValue.toPrecision(3)} and the exact Poisson ${Number(evidence.poisson_p_one_sided).toPrecision(3)})` : ''}`;
	if (worse)
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${r.label} is significantly worse than control (${values}; difference ${fmtDiff(d, r.unit)}, ${boundWords}; ${pWords})`
		};
	return { verdict: 'ok', evidence, message: `${r.arm}: ${r.label}: no harm detected (${values}; ${boundWords}; ${pWords})` };
}

function nonInferiority(g: Guardrail, r: MetricResult, a: AnalysisForVerdicts): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const margin = g.rule.threshold;
	const worseUp = g.direction === 'lower_is_better';
	const iv = r.difference;
	const base = { margin, mode: a.mode, alpha: a.alpha, n_control: r.n_control, n_arm: r.n_arm, control_value: r.control_value, arm_value: r.arm_value, unit: r.unit };
	if (!iv || iv.lower == null || iv.upper == null)
		return { verdict: 'not_enough_data', evidence: { ...base, difference: null }, message: `${r.arm}: ${r.label}: not enough data for the non-inferiority margin (${r.note ?? 'no comparison'})` };
	const evidence = { ...base, difference: iv.estimate, lower: iv.lower, upper: iv.upper };
	const interval = `${a.mode === 'sequential' ? 'always-valid ' : ''}${Math.round((1 - a.alpha) * 100)}% interval ${fmtDiff(iv.lower, r.unit)} to ${fmtDiff(iv.upper, r.unit)}`;
	const marginWords = `${worseUp ? 'a rise' : 'a fall'} of ${fmt(margin, r.unit)}`;
	const beyond = worseUp ? iv.lower > margin : iv.upper < -margin;
	const within = worseUp ? iv.upper <= margin : iv.lower >= -margin;
	if (beyond)
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${r.label} ${worseUp ? 'rose' : 'fell'} by ${fmt(Math.abs(iv.estimate), r.unit)} against control (${r.arm} ${fmt(r.arm_value, r.unit)}, control ${fmt(r.control_value, r.unit)}; ${interval}): beyond the non-inferiority margin, ${marginWords}`
		};
	if (within)
		return { verdict: 'ok', evidence, message: `${r.arm}: ${r.label} is within the margin (${marginWords}; ${interval})` };
	return {
		verdict: 'not_enough_data',
		evidence,
		message: `${r.arm}: ${r.label}: not yet shown to be within the margin of ${marginWords} (${interval})`
	};
}

function hardLimit(g: Guardrail, r: MetricResult): Pick<GuardrailVerdict, 'verdict' | 'evidence' | 'message'> {
	const limit = g.rule.threshold;
	const count = (which: 'control' | 'arm'): number | null => {
		if (r.kind === 'time') return r.survival ? (which === 'arm' ? r.survival.events_arm : r.survival.events_control) : null;
		if (r.kind === 'mean') return which === 'arm' ? r.arm_value : r.control_value;
		const st = r.stats?.[which];
		return st ? Math.round(st.sum) : null;
	};
	const armCount = count('arm');
	const controlCount = count('control');
	const evidence = { limit, count_arm: armCount, count_control: controlCount, n_arm: r.n_arm, n_control: r.n_control };
	if (armCount == null || r.n_arm === 0)
		return { verdict: 'not_enough_data', evidence, message: `${r.arm}: ${r.label}: no account of the arm to count yet` };
	const perAccount = (c: number | null, n: number) => (c == null || n === 0 ? 0 : c / n);
	const above = g.direction === 'lower_is_better' ? armCount > limit : armCount < limit;
	const controlAbove = controlCount != null && (g.direction === 'lower_is_better' ? controlCount > limit : controlCount < limit);
	const armWorse =
		r.kind === 'mean'
			? g.direction === 'lower_is_better'
				? armCount > (controlCount ?? -Infinity)
				: armCount < (controlCount ?? Infinity)
			: g.direction === 'lower_is_better'
				? perAccount(armCount, r.n_arm) > perAccount(controlCount, r.n_control)
				: perAccount(armCount, r.n_arm) < perAccount(controlCount, r.n_control);
	const what = r.kind === 'mean' ? fmt(armCount, r.unit) : `${armCount.toLocaleString('en-US')} (${r.label.toLowerCase()})`;
	const ctl = r.kind === 'mean' ? fmt(controlCount, r.unit) : (controlCount ?? 0).toLocaleString('en-US');
	if (above && (!controlAbove || armWorse))
		return {
			verdict: 'breached',
			evidence,
			message: `${r.arm}: ${what} in the arm, ${g.direction === 'lower_is_better' ? 'above' : 'below'} the hard limit of ${limit}; control has ${ctl}`
		};
	return { verdict: 'ok', evidence, message: `${r.arm}: ${what} in the arm, control ${ctl}: within the hard limit of ${limit}${above ? ' (control shares it at the same or a higher rate)' : ''}` };
}

/** the verdict of every guardrail × arm of an analysis (pure) */
export function guardrailVerdicts(e: Experiment, a: AnalysisForVerdicts): GuardrailVerdict[] {
	const out: GuardrailVerdict[] = [];
	for (const g of e.guardrails) {
		for (const arm of e.arms.map((x) => x.id).filter((x) => x !== 'control')) {
			const r = a.metrics.find((m) => m.metric === g.metric && m.arm === arm);
			const head = {
				arm,
				metric: g.metric,
				label: EXPERIMENT_METRICS[g.metric].label,
				rule: g.rule.kind,
				direction: g.direction,
				threshold: g.rule.threshold,
				stop_on_breach: g.stop_on_breach
			};
			if (!r) {
				out.push({ ...head, verdict: 'not_enough_data', evidence: {}, message: `${arm}: ${head.label}: not analysed` });
				continue;
			}
			const v = g.rule.kind === 'harm' ? harm(g, r, a) : g.rule.kind === 'non_inferiority' ? nonInferiority(g, r, a) : hardLimit(g, r);
			if (!a.trustworthy) v.evidence.trustworthy = false;
			out.push({ ...head, ...v });
		}
	}
	return out;
}

/** the guardrail verdicts of an analysis (the verdicts are pure: the store is for the API's symmetry) */
export async function evaluateGuardrails(_store: Store, e: Experiment, analysis: AnalysisForVerdicts): Promise<GuardrailVerdict[]> {
	return guardrailVerdicts(e, analysis);
}

// ------------------------------------------------------------------ alerts

export interface ExperimentAlert {
	alert_id: number;
	experiment_id: string;
	arm: string;
	metric: string;
	rule_kind: string;
	threshold: number | null;
	evidence: Record<string, unknown>;
	message: string;
	fired_at: string;
	last_seen_at: string;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	ack_reason: string | null;
	stopped_experiment: boolean;
	webhook_status: string | null;
}


const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

function toAlert(r: Record<string, unknown>): ExperimentAlert {
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

export interface WebhookOptions {
	/** per attempt (default 5,000 ms) */
	timeoutMs?: number;
	/** attempts after the first (default 3) */
	retries?: number;
	/** wait before the first retry, doubled before each next one (default 1,000 ms) */
	backoffMs?: number;
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs `body` as JSON: a timeout per attempt, retries with a doubling backoff on network
 * errors, timeouts, 429 and 5xx (a 4xx other than 429 is not retried). Returns `delivered`
 * or `failed: <why>`.
 */
export async function postWebhook(url: string, body: unknown, o: WebhookOptions = {}): Promise<string> {
	const timeoutMs = o.timeoutMs ?? 5000;
	const retries = o.retries ?? 3;
	let wait = o.backoffMs ?? 1000;
	let why = '';
	for (let attempt = 0; attempt <= retries; attempt++) {
		if (attempt > 0) {
			await sleep(wait);
			wait *= 2;
		}
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'user-agent': 'curewise-alerts' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(timeoutMs)
			});
			await res.arrayBuffer().catch(() => undefined);
			if (res.ok) return 'delivered';
			why = `HTTP ${res.status}`;
			if (res.status < 500 && res.status !== 429) return `failed: ${why} (not retried)`;
		} catch (err) {
			const name = err instanceof Error ? err.name : '';
			why = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
		}
	}
	return `failed: ${why} after ${retries + 1} attempts`;
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
				const [open] = await store.rows<{ alert_id: number }>(
					`SELECT alert_id FROM experiment_alerts
					 WHERE experiment_id = $experiment AND arm = $arm AND metric = $metric AND rule_kind = $rule AND acknowledged_at IS NULL
					 ORDER BY alert_id DESC LIMIT 1`,
					key
				);
				let id: number;
				if (open) {
					id = Number(open.alert_id);
					await store.rows(`UPDATE experiment_alerts SET last_seen_at = $now::TIMESTAMPTZ WHERE alert_id = $id`, { now, id: BigInt(id) });
				} else {
					const [row] = await store.rows<Record<string, unknown>>(
						`INSERT INTO experiment_alerts (alert_id, experiment_id, arm, metric, rule_kind, threshold, evidence, message, fired_at, last_seen_at, stopped_experiment, webhook_status)
						 VALUES (nextval('experiment_alert_seq'), $experiment, $arm, $metric, $rule, $threshold, $evidence, $message, $now::TIMESTAMPTZ, $now::TIMESTAMPTZ, false, NULL)
						 RETURNING *`,
						{ ...key, threshold: v.threshold, evidence: canonical(v.evidence), message: v.message, now }
					);
					const alert = toAlert(row!);
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
					for (const id of stopWith) await store.rows(`UPDATE experiment_alerts SET stopped_experiment = true WHERE alert_id = $id`, { id: BigInt(id) });
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
					await store.rows(`UPDATE experiment_alerts SET webhook_status = $status WHERE alert_id = $id`, { status, id: BigInt(a.alert_id) });
					a.webhook_status = status;
				})
			);
		}
		return fresh;
	});
}

/** the alerts, newest first; open: only (or, false, never) the unacknowledged ones */
export async function listAlerts(store: Store, filter: { open?: boolean; experiment?: string } = {}): Promise<ExperimentAlert[]> {
	const rows = await store.rows<Record<string, unknown>>(
		`SELECT * FROM experiment_alerts
		 WHERE ($experiment IS NULL OR experiment_id = $experiment)
		   AND ($open IS NULL OR (acknowledged_at IS NULL) = $open)
		 ORDER BY fired_at DESC, alert_id DESC`,
		{ experiment: filter.experiment ?? null, open: filter.open ?? null }
	);
	return rows.map(toAlert);
}

export class AlertError extends Error {
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
	const [row] = await store.rows<Record<string, unknown>>(`SELECT * FROM experiment_alerts WHERE alert_id = $id`, { id: BigInt(alertId) });
	if (!row) throw new AlertError(`there is no alert ${alertId}`);
	const before = toAlert(row);
	const already = () => new AlertError(`alert ${alertId} was already acknowledged by ${before.acknowledged_by ?? 'someone'}${before.acknowledged_at ? ` at ${before.acknowledged_at}` : ''}`);
	if (before.acknowledged_at) throw already();
	// only an open alert: of two acknowledgements at once, one wins
	const [updated] = await store.rows<Record<string, unknown>>(
		`UPDATE experiment_alerts SET acknowledged_at = now(), acknowledged_by = $by, ack_reason = $reason
		 WHERE alert_id = $id AND acknowledged_at IS NULL RETURNING *`,
		{ id: BigInt(alertId), by: input.actor.username, reason }
	);
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
