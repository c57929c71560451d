/**
 * Experiments as code: the zod schema of experiments/<id>.yaml (experiments.md, "Definition
 * as code"). Shared by the server (loading, launching), the CLI and the draft form in the
 * browser, so it imports nothing server-side. Messages name the field and the problem.
 */
import { z } from 'zod';

import { CHANNELS, SEGMENTS, TONES } from '../vocabulary.ts';
import { EXPERIMENT_METRIC_DEFS, RENAMED_METRICS, type ExperimentKind, type ExperimentMetric } from '../metrics/catalogue.ts';

export { CHANNELS, TONES };
export const STATUSES = ['draft', 'running', 'stopped', 'concluded'] as const;

/**
 * The metrics an experiment can name, per assigned account (intention to treat), from the metric
 * catalogue (src/lib/metrics/catalogue.ts): how each is measured decides its statistics.
 * `proportion`: a 0/1 outcome per account; `mean`: a number per account; `time`: a time to event,
 * analysed with Kaplan–Meier and log-rank; `count`: a rare count per account, analysed as a
 * Poisson rate (zero events allowed).
 */
export const EXPERIMENT_METRICS = Object.fromEntries(
	EXPERIMENT_METRIC_DEFS.map((m) => [m.name, { kind: m.experiment, label: m.label, better: m.better, definition: m.definition }])
) as Record<ExperimentMetric, { kind: ExperimentKind; label: string; better: 'up' | 'down'; definition: string }>;
export type { ExperimentMetric };
export const METRIC_NAMES = EXPERIMENT_METRIC_DEFS.map((m) => m.name) as [ExperimentMetric, ...ExperimentMetric[]];

/** "complaints_per_1k_contacted was renamed complaints_per_1k_assigned: …" for an old name, else null */
export function renamedMetricMessage(name: unknown): string | null {
	const r = typeof name === 'string' ? RENAMED_METRICS[name] : undefined;
	return r ? `${name} was renamed ${r.to} (${r.why})` : null;
}

/**
 * An old file's metric names made new: the raw definition with every renamed metric (primary,
 * secondary, guardrails) replaced, and one message per replacement naming the field, the old
 * and the new name.
 */
export function renameOldMetrics(raw: Record<string, unknown>): { data: Record<string, unknown>; renamed: { path: string; from: string; to: ExperimentMetric }[] } {
	const renamed: { path: string; from: string; to: ExperimentMetric }[] = [];
	const fix = (v: unknown, path: string) => {
		const r = typeof v === 'string' ? RENAMED_METRICS[v] : undefined;
		if (!r) return v;
		renamed.push({ path, from: v as string, to: r.to });
		return r.to;
	};
	const data = { ...raw };
	if ('primary_metric' in data) data.primary_metric = fix(data.primary_metric, 'primary_metric');
	if (Array.isArray(data.secondary_metrics)) data.secondary_metrics = data.secondary_metrics.map((m, i) => fix(m, `secondary_metrics.${i}`));
	if (Array.isArray(data.guardrails))
		data.guardrails = data.guardrails.map((g, i) => (g && typeof g === 'object' && 'metric' in g ? { ...g, metric: fix((g as { metric: unknown }).metric, `guardrails.${i}.metric`) } : g));
	return { data, renamed };
}

const slug = (what: string) =>
	z.string({ error: `${what} is missing` }).regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: `${what} is lower-case letters, digits, - or _ (up to 63), starting with a letter or digit` });
/** 2026-02-28 yes, 2026-02-30 and 2026-13-01 no */
export const isCalendarDay = (d: string) => {
	const t = Date.parse(d + 'T00:00:00Z');
	return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};
// YAML reads 2026-03-02 as a Date: accept both
const isoDate = (what: string) =>
	z.preprocess(
		(v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
		z
			.string({ error: `${what} is missing` })
			.regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what} is a date written YYYY-MM-DD` })
			.refine((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || isCalendarDay(d), { error: (i) => `${what} ${i.input} is not a day of the calendar` })
	);
const metric = (what: string) =>
	z.enum(METRIC_NAMES, {
		error: (i) => renamedMetricMessage(i.input) ?? `unknown ${what.replace('primary_metric', 'metric')} ${JSON.stringify(i.input)}; the metrics are ${METRIC_NAMES.join(', ')}`
	});

export const messageSchema = z.object({
	channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
	tone: z.enum(TONES, { error: `tone must be one of ${TONES.join(', ')}` }).optional(),
	template_id: z.string({ error: 'template_id is missing' }).min(1, { error: 'template_id is empty' }),
	text: z.string({ error: 'text is missing: the message or script the arm sends' }).trim().min(1, { error: 'text is empty' }),
	cadence: z.string().optional(),
	/** a planned cadence the compliance pack check can read: contacts a day, and the local hours */
	plan: z
		.object({
			contacts_per_day: z.number().int().min(0).max(50),
			days_per_week: z.number().int().min(1).max(7).default(7),
			hours: z.tuple([z.number().min(0).max(24), z.number().min(0).max(24)]).optional()
		})
		.optional()
});
export type ArmMessage = z.infer<typeof messageSchema>;

export const armSchema = z.object({
	id: slug('arm id'),
	weight: z.number({ error: 'weight is a number between 0 and 1' }).gt(0, { error: 'weight must be above 0' }).max(1, { error: 'weight must be at most 1' }),
	description: z.string().optional(),
	message: z.preprocess(
		(v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
		z.array(messageSchema).min(1, { error: 'an arm needs a message: channel, template_id and text' })
	)
});
export type Arm = z.infer<typeof armSchema>;

export const guardrailSchema = z.object({
	metric: metric('guardrail metric'),
	direction: z.enum(['lower_is_better', 'higher_is_better'], { error: 'direction is lower_is_better or higher_is_better' }),
	rule: z.object({
		kind: z.enum(['harm', 'non_inferiority', 'hard_limit'], { error: 'rule kind is harm, non_inferiority or hard_limit' }),
		threshold: z.number({ error: 'rule threshold is a number' })
	}),
	/** a hard-limit breach stops the experiment by itself */
	stop_on_breach: z.boolean().default(false)
});
export type Guardrail = z.infer<typeof guardrailSchema>;

export const populationSchema = z
	.object({
		delinquency: z
			.object({ episode_started_on_or_after: isoDate('population.delinquency.episode_started_on_or_after').optional(), episode_started_on_or_before: isoDate('population.delinquency.episode_started_on_or_before').optional() })
			.default({}),
		accounts: z
			.object({
				segment: z.array(z.enum(SEGMENTS, { error: `segment must be ${SEGMENTS.join(', ')}` })).optional(),
				product: z.array(z.string()).optional(),
				region: z.union([z.literal('all'), z.array(z.string())]).optional(),
				region_not_in: z.array(z.string()).optional(),
				vulnerable: z.boolean().optional()
			})
			.default({}),
		exclude_experiments: z.array(z.string()).default([]),
		/** the share of eligible accounts that enters the experiment (the rest is held out) */
		share_of_new_episodes: z.number().gt(0).max(1).default(1)
	})
	.default({ delinquency: {}, accounts: {}, exclude_experiments: [], share_of_new_episodes: 1 });

/** the days an experiment's results stay hidden after its launch when its file does not say (analysis.min_run_days) */
export const MIN_RUN_DAYS = 7;

export const analysisSchema = z
	.object({
		alpha: z.number().gt(0, { error: 'alpha is above 0' }).lt(0.5, { error: 'alpha is below 0.5' }).default(0.05),
		mode: z.enum(['sequential', 'fixed'], { error: 'analysis mode is sequential or fixed' }).default('sequential'),
		variance_reduction: z.enum(['cuped', 'none']).default('cuped'),
		correction: z.enum(['holm', 'bh']).default('holm'),
		power: z.number().gt(0).lt(1).default(0.8),
		/** the minimum detectable effect on the primary metric (absolute), for the power calculation */
		mde: z.number().positive().optional(),
		/**
		 * the days the results stay hidden after the launch (default MIN_RUN_DAYS, 7): early numbers
		 * swing widely and invite stopping on noise; the guardrails are watched meanwhile. Optional
		 * (no default filled in) so that the launch hash of files written before it is unchanged.
		 */
		min_run_days: z.number({ error: 'min_run_days is a whole number of days' }).int({ error: 'min_run_days is a whole number of days' }).min(0).max(90, { error: 'min_run_days is at most 90' }).optional()
	})
	.default({ alpha: 0.05, mode: 'sequential', variance_reduction: 'cuped', correction: 'holm', power: 0.8 });

const record = z.object({ by: z.string(), at: z.string(), reason: z.string().optional() });

export const experimentSchema = z
	.object({
		id: slug('id'),
		version: z.number().int().min(1).default(1),
		title: z.string({ error: 'title is missing' }).trim().min(1, { error: 'title is empty' }),
		hypothesis: z.string({ error: 'hypothesis is missing' }).trim().min(1, { error: 'hypothesis is empty' }),
		owner: z.string({ error: 'owner is missing' }).min(1),
		status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` }).default('draft'),
		unit: z.literal('account', { error: 'unit must be account' }).default('account'),
		salt: z.string().optional(),
		population: populationSchema,
		arms: z.array(armSchema).min(2, { error: 'an experiment needs at least two arms, one of them control' }),
		start: isoDate('start'),
		planned_end: isoDate('planned_end'),
		primary_metric: metric('primary_metric'),
		secondary_metrics: z.array(metric('secondary metric')).default([]),
		guardrails: z.array(guardrailSchema).default([]),
		analysis: analysisSchema,
		launched: record.extend({ definition_hash: z.string() }).optional(),
		stopped: record.optional(),
		decision: z.object({ decision: z.enum(['ship', 'do_not_ship', 'iterate'], { error: 'decision is ship, do_not_ship or iterate' }), winner: z.string().optional(), by: z.string(), at: z.string(), reason: z.string().min(1, { error: 'a decision needs its reason' }) }).optional()
	})
	.superRefine((e, ctx) => {
		const total = e.arms.reduce((s, a) => s + a.weight, 0);
		if (Math.abs(total - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['arms'], message: `the arm weights add up to ${+total.toFixed(6)}, not 1` });
		const seen = new Set<string>();
		e.arms.forEach((a, i) => {
			if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'id'], message: `arm id ${a.id} is used twice` });
			seen.add(a.id);
		});
		if (!seen.has('control')) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'one arm must have the id control: every other arm is compared with it' });
		if (e.start > e.planned_end) ctx.addIssue({ code: 'custom', path: ['planned_end'], message: `planned_end ${e.planned_end} is before start ${e.start}` });
		if (e.secondary_metrics.includes(e.primary_metric)) ctx.addIssue({ code: 'custom', path: ['secondary_metrics'], message: `${e.primary_metric} is already the primary metric` });
		if (e.status === 'concluded' && !e.decision) ctx.addIssue({ code: 'custom', path: ['decision'], message: 'a concluded experiment records its decision, who made it, when and why' });
		e.guardrails.forEach((g, i) => {
			if (g.stop_on_breach && g.rule.kind !== 'hard_limit') ctx.addIssue({ code: 'custom', path: ['guardrails', i, 'stop_on_breach'], message: 'only a hard_limit guardrail can stop the experiment by itself' });
		});
	});
export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;

/** "arms.1.weight: weight must be above 0" — one line per problem, the field first */
export function describeIssues(error: z.ZodError, file?: string): string[] {
	return error.issues.map((i) => `${file ? file + ': ' : ''}${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`);
}
