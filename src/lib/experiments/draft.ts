/**
 * The draft form's model: what the form edits (strings for lists typed as text, null for an
 * empty number) and its two conversions, to the definition that experimentSchema validates and
 * saveDraft writes, and back from a stored definition. Pure and shared by the browser (live
 * validation, the YAML preview) and the server (the form action), so the form and the file
 * never disagree about a field.
 */
import type { z } from 'zod';
import type { CheckedMessage } from './checks.ts';
import { SEGMENTS } from '../vocabulary.ts';
import { EXPERIMENT_METRICS, experimentSchema, type Experiment, type ExperimentInput, type ExperimentMetric } from './schema.ts';

export interface DraftPlan {
	contacts_per_day: number | null;
	days_per_week: number | null;
	hour_from: number | null;
	hour_to: number | null;
}

export interface DraftMessage {
	channel: string;
	tone: string;
	template_id: string;
	text: string;
	cadence: string;
	plan: DraftPlan;
}

export interface DraftArm {
	id: string;
	weight: number | null;
	description: string;
	messages: DraftMessage[];
}

export interface DraftGuardrail {
	metric: string;
	direction: string;
	kind: string;
	threshold: number | null;
	stop_on_breach: boolean;
}

export interface DraftForm {
	id: string;
	/** 1 for a new experiment; a copy of a launched one is the next version */
	version: number;
	title: string;
	hypothesis: string;
	owner: string;
	/** kept as it was (an edited draft keeps its salt; a new draft hashes by its id) */
	salt: string;
	start: string;
	planned_end: string;
	population: {
		started_from: string;
		started_to: string;
		segment: string[];
		product: string[];
		/** "all", or comma-separated region codes, or empty for no condition */
		region: string;
		region_not_in: string;
		/** '' either, 'true', 'false' */
		vulnerable: string;
		exclude_experiments: string[];
		/** percent of the eligible accounts that enter the experiment */
		share_percent: number | null;
	};
	arms: DraftArm[];
	primary_metric: string;
	secondary_metrics: string[];
	guardrails: DraftGuardrail[];
	analysis: {
		alpha: number | null;
		mode: string;
		variance_reduction: string;
		correction: string;
		power: number | null;
		/** the minimum detectable effect on the primary metric, absolute (0.03 = 3 pp for a rate) */
		mde: number | null;
	};
}

export { SEGMENTS };

export const emptyPlan = (): DraftPlan => ({ contacts_per_day: null, days_per_week: null, hour_from: null, hour_to: null });
export const emptyMessage = (channel = 'sms'): DraftMessage => ({ channel, tone: 'supportive', template_id: '', text: '', cadence: '', plan: emptyPlan() });
export const emptyArm = (id = '', weight: number | null = null): DraftArm => ({ id, weight, description: '', messages: [emptyMessage()] });

/** the three guardrails every experiment starts with (experiments.md: complaint rate, opt-out rate, presumed violations) */
export const DEFAULT_GUARDRAILS: readonly DraftGuardrail[] = [
	{ metric: 'complaints_per_1k_assigned', direction: 'lower_is_better', kind: 'non_inferiority', threshold: 0.5, stop_on_breach: false },
	{ metric: 'opt_outs_per_1k_assigned', direction: 'lower_is_better', kind: 'harm', threshold: 0.05, stop_on_breach: false },
	{ metric: 'presumed_violations', direction: 'lower_is_better', kind: 'hard_limit', threshold: 0, stop_on_breach: false }
];

/** a new draft: control and one arm at 50/50, starting `today` for eight weeks */
export function newDraft(owner: string, today: string): DraftForm {
	const end = new Date(Date.parse(today + 'T00:00:00Z') + 56 * 86_400_000).toISOString().slice(0, 10);
	const control = emptyArm('control', 0.5);
	control.messages[0]!.tone = 'firm';
	return {
		id: '',
		version: 1,
		title: '',
		hypothesis: '',
		owner,
		salt: '',
		start: today,
		planned_end: end,
		population: { started_from: today, started_to: '', segment: [], product: [], region: '', region_not_in: '', vulnerable: '', exclude_experiments: [], share_percent: 100 },
		arms: [control, emptyArm('', 0.5)],
		primary_metric: 'cure_rate_30d',
		secondary_metrics: ['days_to_pay'],
		guardrails: DEFAULT_GUARDRAILS.map((g) => ({ ...g })),
		analysis: { alpha: 0.05, mode: 'sequential', variance_reduction: 'cuped', correction: 'holm', power: 0.8, mde: null }
	};
}

const list = (s: string) =>
	s
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean);
const text = (s: string) => (s.trim() === '' ? undefined : s);
const num = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? undefined : n);

function planOf(p: DraftPlan): Record<string, unknown> | undefined {
	const any = [p.contacts_per_day, p.days_per_week, p.hour_from, p.hour_to].some((v) => num(v) !== undefined);
	if (!any) return undefined;
	const hours = num(p.hour_from) !== undefined || num(p.hour_to) !== undefined ? [num(p.hour_from), num(p.hour_to)] : undefined;
	return { contacts_per_day: num(p.contacts_per_day), ...(num(p.days_per_week) !== undefined ? { days_per_week: num(p.days_per_week) } : {}), ...(hours ? { hours } : {}) };
}

/** one message of the form as the checks of src/lib/experiments/checks.ts read it */
export function checkedMessage(m: DraftMessage): CheckedMessage {
	const plan = planOf(m.plan);
	return {
		channel: m.channel as CheckedMessage['channel'],
		...(m.tone ? { tone: m.tone as CheckedMessage['tone'] } : {}),
		template_id: m.template_id,
		text: m.text,
		...(m.cadence ? { cadence: m.cadence } : {}),
		...(plan ? { plan: plan as CheckedMessage['plan'] } : {})
	};
}

/** the form as the definition object experimentSchema reads (empty fields left out, so the schema names what is missing) */
export function toDefinition(f: DraftForm): ExperimentInput {
	const pop = f.population;
	const region = pop.region.trim() === '' ? undefined : pop.region.trim().toLowerCase() === 'all' ? 'all' : list(pop.region);
	const accounts = {
		...(pop.segment.length ? { segment: [...pop.segment] } : {}),
		...(pop.product.length ? { product: [...pop.product] } : {}),
		...(region !== undefined ? { region } : {}),
		...(list(pop.region_not_in).length ? { region_not_in: list(pop.region_not_in) } : {}),
		...(pop.vulnerable === 'true' ? { vulnerable: true } : pop.vulnerable === 'false' ? { vulnerable: false } : {})
	};
	const share = num(pop.share_percent);
	const def = {
		id: f.id.trim(),
		version: f.version,
		title: text(f.title),
		hypothesis: text(f.hypothesis),
		owner: text(f.owner),
		status: 'draft',
		unit: 'account',
		...(f.salt.trim() ? { salt: f.salt.trim() } : {}),
		population: {
			delinquency: {
				...(pop.started_from ? { episode_started_on_or_after: pop.started_from } : {}),
				...(pop.started_to ? { episode_started_on_or_before: pop.started_to } : {})
			},
			accounts,
			exclude_experiments: [...pop.exclude_experiments],
			share_of_new_episodes: share === undefined ? undefined : +(share / 100).toFixed(6)
		},
		arms: f.arms.map((a) => ({
			id: a.id.trim(),
			weight: num(a.weight),
			...(a.description.trim() ? { description: a.description.trim() } : {}),
			message: a.messages.map((m) => {
				const plan = planOf(m.plan);
				return {
					channel: m.channel,
					...(m.tone ? { tone: m.tone } : {}),
					template_id: m.template_id.trim(),
					text: m.text,
					...(m.cadence.trim() ? { cadence: m.cadence.trim() } : {}),
					...(plan ? { plan } : {})
				};
			})
		})),
		start: f.start || undefined,
		planned_end: f.planned_end || undefined,
		primary_metric: f.primary_metric,
		secondary_metrics: f.secondary_metrics.filter((m) => m !== f.primary_metric),
		guardrails: f.guardrails.map((g) => ({
			metric: g.metric,
			direction: g.direction,
			rule: { kind: g.kind, threshold: num(g.threshold) },
			stop_on_breach: g.kind === 'hard_limit' ? g.stop_on_breach : false
		})),
		analysis: {
			alpha: num(f.analysis.alpha),
			mode: f.analysis.mode,
			variance_reduction: f.analysis.variance_reduction,
			correction: f.analysis.correction,
			power: num(f.analysis.power),
			...(num(f.analysis.mde) !== undefined ? { mde: num(f.analysis.mde) } : {})
		}
	};
	return def as unknown as ExperimentInput;
}

/** a stored definition as the form; `asCopy` makes it a new draft (new id, no salt, no records) */
export function fromDefinition(e: Experiment, asCopy?: { id: string; owner: string }): DraftForm {
	const pop = e.population;
	const region = pop.accounts.region;
	return {
		id: asCopy ? asCopy.id : e.id,
		version: asCopy ? e.version + 1 : e.version,
		title: e.title,
		hypothesis: e.hypothesis.trim(),
		owner: asCopy ? asCopy.owner : e.owner,
		salt: asCopy ? '' : (e.salt ?? ''),
		start: e.start,
		planned_end: e.planned_end,
		population: {
			started_from: pop.delinquency.episode_started_on_or_after ?? '',
			started_to: pop.delinquency.episode_started_on_or_before ?? '',
			segment: [...(pop.accounts.segment ?? [])],
			product: [...(pop.accounts.product ?? [])],
			region: region === 'all' ? 'all' : (region ?? []).join(', '),
			region_not_in: (pop.accounts.region_not_in ?? []).join(', '),
			vulnerable: pop.accounts.vulnerable === undefined ? '' : String(pop.accounts.vulnerable),
			exclude_experiments: [...pop.exclude_experiments],
			share_percent: +(pop.share_of_new_episodes * 100).toFixed(4)
		},
		arms: e.arms.map((a) => ({
			id: a.id,
			weight: a.weight,
			description: a.description ?? '',
			messages: a.message.map((m) => ({
				channel: m.channel,
				tone: m.tone ?? '',
				template_id: m.template_id,
				text: m.text.trim(),
				cadence: (m.cadence ?? '').trim(),
				plan: m.plan
					? { contacts_per_day: m.plan.contacts_per_day, days_per_week: m.plan.days_per_week ?? null, hour_from: m.plan.hours?.[0] ?? null, hour_to: m.plan.hours?.[1] ?? null }
					: emptyPlan()
			}))
		})),
		primary_metric: e.primary_metric,
		secondary_metrics: [...e.secondary_metrics],
		guardrails: e.guardrails.map((g) => ({ metric: g.metric, direction: g.direction, kind: g.rule.kind, threshold: g.rule.threshold, stop_on_breach: g.stop_on_breach })),
		analysis: {
			alpha: e.analysis.alpha,
			mode: e.analysis.mode,
			variance_reduction: e.analysis.variance_reduction,
			correction: e.analysis.correction,
			power: e.analysis.power,
			mde: e.analysis.mde ?? null
		}
	};
}

export interface FieldIssue {
	/** the field's path, dot-separated as describeIssues writes it: "arms.1.weight" */
	path: string;
	message: string;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
	return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** ids the experiment pages use for themselves: /experiments/new and /experiments/alerts */
export const RESERVED_IDS = ['new', 'alerts'] as const;

/** the form checked as the file will be: the schema's issues, plus the ids the pages reserve */
export function validateDraft(f: DraftForm): { definition: ExperimentInput; issues: FieldIssue[] } {
	const definition = toDefinition(f);
	const r = experimentSchema.safeParse(definition);
	const issues = r.success ? [] : issuesOf(r.error);
	if ((RESERVED_IDS as readonly string[]).includes(f.id.trim())) issues.unshift({ path: 'id', message: `id ${f.id.trim()} is the name of a page (/experiments/${f.id.trim()}): choose another` });
	return { definition, issues };
}

/** the unit of a metric in the power calculator */
export function metricKind(m: string) {
	return (EXPERIMENT_METRICS as Record<string, { kind: string }>)[m]?.kind ?? 'proportion';
}

export const metricLabel = (m: string) => (EXPERIMENT_METRICS as Record<string, { label: string }>)[m]?.label ?? m;
export type { ExperimentMetric };
