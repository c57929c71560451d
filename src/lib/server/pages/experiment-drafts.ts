/**
 * What the draft form needs from the server: the baselines of the power calculator (from the
 * KPIs of the last 90 days), the live count of the eligible population, and the two writes
 * (a new draft, an edited draft) through the registry's saveDraft. The routes parse the form
 * and call these; the definition itself is validated by src/lib/experiments/schema.ts.
 */
import { experimentSchema, type Experiment } from '../../experiments/schema.ts';
import { RESERVED_IDS, type FieldIssue, issuesOf, fromDefinition, newDraft, type DraftForm } from '../../experiments/draft.ts';
import type { Store } from '../db/store.ts';
import { previewAssignment } from '../experiments/lifecycle.ts';
import { ExperimentError, getExperiment, loadExperiments, saveDraft, type Actor } from '../experiments/registry.ts';
import { dataAsOf } from '../kpi/as-of.ts';
import { kpiSummary } from '../kpi/values.ts';
import { querySql } from '../paths.ts';
import { formatDate } from '../../format.ts';
import { SHARED_METRICS } from '../../metrics/catalogue.ts';
import { kpiDef } from '../../kpis.ts';
import { z } from 'zod';
import { armSchema, populationSchema } from '../../experiments/schema.ts';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** baseline of a metric for the power calculator: a rate (0–1), a mean, or a count per 1,000 accounts */
export interface Baseline {
	value: number;
	/** where it came from, in words */
	source: string;
}

/**
 * The experiment metrics that are the same quantity as a KPI of the Overview (the catalogue's
 * shared metrics): their baseline is the KPI over the last 90 days. The experiment-only metrics
 * (per assigned account) have no Overview baseline.
 */
const KPI_OF: Record<string, string> = Object.fromEntries(SHARED_METRICS.map((m) => [m, m]));

export async function draftBaselines(store: Store): Promise<{ as_of: string | null; baselines: Record<string, Baseline> }> {
	const asOf = await dataAsOf(store);
	if (!asOf) return { as_of: null, baselines: {} };
	const from = iso(Date.parse(asOf) - 89 * DAY);
	const s = await kpiSummary(store, { from, to: asOf });
	const baselines: Record<string, Baseline> = {};
	for (const [metric, kpi] of Object.entries(KPI_OF)) {
		const v = s.kpis[kpi]?.value;
		if (v != null && Number.isFinite(v)) baselines[metric] = { value: v, source: `the Overview's ${(kpiDef(kpi)?.label ?? kpi).toLowerCase()} from ${formatDate(from)} to ${formatDate(asOf)}` };
	}
	return { as_of: asOf, baselines };
}

/** the values the population fields offer: products, regions, and the other experiments */
export async function populationOptions(store: Store): Promise<{ product: string[]; region: string[]; experiments: string[] }> {
	const rows = await store.rows<{ dimension: string; value: string }>(querySql('kpi/filter_values'));
	const of = (d: string) => rows.filter((r) => r.dimension === d).map((r) => r.value);
	const { experiments } = loadExperiments();
	return { product: of('product'), region: of('region'), experiments: experiments.map((e) => e.id) };
}

export interface DraftPreview {
	eligible: number;
	/** accounts per arm if launched now */
	arms: Record<string, number>;
	as_of: string | null;
	/** the days over which new eligible accounts were counted (the last 30 days of data) */
	window_days: number | null;
	/** the same population over the episodes started in the last 30 days of data, per day: the rate new accounts enter at */
	per_day: number | null;
}

/** what the draft form sends for the live count: the population and the arms, nothing else has to be valid */
export const previewInputSchema = z.object({
	id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/).catch('draft'),
	salt: z.string().optional(),
	population: populationSchema,
	arms: z.array(armSchema.pick({ id: true, weight: true })).min(1)
});

const RATE_WINDOW_DAYS = 30;

/**
 * What a launch of `e` would assign today (eligible accounts, per arm), and how many accounts
 * its population gains per day: the same filters over the episodes started in the last 30
 * days of data, divided by 30 (the held-out share applies to both).
 */
export async function populationPreview(store: Store, e: Experiment): Promise<DraftPreview> {
	const asOf = await dataAsOf(store);
	const now = await previewAssignment(store, e);
	if (!asOf) return { ...now, as_of: null, window_days: null, per_day: null };
	const recent = {
		...e,
		population: { ...e.population, delinquency: { episode_started_on_or_after: iso(Date.parse(asOf) - (RATE_WINDOW_DAYS - 1) * DAY), episode_started_on_or_before: asOf } }
	};
	const flow = await previewAssignment(store, recent);
	return { ...now, as_of: asOf, window_days: RATE_WINDOW_DAYS, per_day: flow.eligible / RATE_WINDOW_DAYS };
}

/** the live count of the draft form */
export function previewDraft(store: Store, input: z.infer<typeof previewInputSchema>): Promise<DraftPreview> {
	const e = { id: input.id, salt: input.salt || undefined, population: input.population, arms: input.arms.map((a) => ({ ...a, message: [] })) } as unknown as Experiment;
	return populationPreview(store, e);
}

/** the form a new draft starts from: empty, or a copy of an existing experiment under a new id */
export function draftToStart(owner: string, today: string, copyOf?: string | null): { form: DraftForm; copied: string | null; problem: string | null } {
	if (!copyOf) return { form: newDraft(owner, today), copied: null, problem: null };
	try {
		const e = getExperiment(copyOf);
		if (!e) return { form: newDraft(owner, today), copied: null, problem: `there is no experiment ${copyOf} to copy` };
		const taken = new Set(loadExperiments().experiments.map((x) => x.id));
		const base = copyOf.replace(/-v\d+$/, '');
		let n = Math.max(2, e.version + 1);
		while (taken.has(`${base}-v${n}`)) n++;
		return { form: fromDefinition(e, { id: `${base}-v${n}`.slice(0, 63), owner }), copied: copyOf, problem: null };
	} catch (err) {
		if (err instanceof ExperimentError) return { form: newDraft(owner, today), copied: null, problem: err.message };
		throw err;
	}
}

export type DraftWrite = { ok: true; id: string } | { ok: false; message: string; issues: FieldIssue[] };

/** the problems of a definition as the form shows them (schema issues by field, and the ids the pages reserve) */
function check(input: unknown): FieldIssue[] {
	const r = experimentSchema.safeParse(input);
	const issues = r.success ? [] : issuesOf(r.error);
	const id = (input as { id?: unknown })?.id;
	if (typeof id === 'string' && (RESERVED_IDS as readonly string[]).includes(id)) issues.unshift({ path: 'id', message: `id ${id} is the name of a page (/experiments/${id}): choose another` });
	return issues;
}

async function write(input: unknown, actor: Actor, store: Store, mustBeNew: boolean, editing?: string): Promise<DraftWrite> {
	const issues = check(input);
	if (issues.length) return { ok: false, message: `The draft has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was saved.`, issues };
	const id = (input as { id: string }).id;
	if (editing !== undefined && id !== editing)
		return { ok: false, message: 'The id of a saved draft cannot change; save a copy under the new id instead.', issues: [{ path: 'id', message: `this draft is ${editing}` }] };
	if (mustBeNew) {
		let exists: boolean;
		try {
			exists = getExperiment(id) !== null;
		} catch {
			exists = true; // an invalid file holds the id
		}
		if (exists) return { ok: false, message: `An experiment ${id} exists already; choose another id.`, issues: [{ path: 'id', message: `id ${id} is taken` }] };
	}
	try {
		const saved = await saveDraft(input, actor, undefined, store);
		return { ok: true, id: saved.experiment.id };
	} catch (err) {
		if (err instanceof ExperimentError) return { ok: false, message: err.message.split('\n')[0]!, issues: err.problems.map((p) => ({ path: p.includes(': ') ? p.slice(0, p.indexOf(': ')) : '', message: p.includes(': ') ? p.slice(p.indexOf(': ') + 2) : p })) };
		throw err;
	}
}

/** writes a new experiments/<id>.yaml; refused when the id is taken */
export const createDraft = (input: unknown, actor: Actor, store: Store) => write(input, actor, store, true);

/** rewrites the draft <id>.yaml (refused by saveDraft once it is launched) */
export const updateDraft = (id: string, input: unknown, actor: Actor, store: Store) => write(input, actor, store, false, id);

/** the draft form's one field: the definition as JSON, built in the browser from the form's fields */
export async function parseDefinition(request: Request): Promise<{ definition: unknown; sent: string }> {
	const data = await request.formData();
	const sent = String(data.get('definition') ?? '');
	if (sent.length > 1_000_000) return { definition: null, sent: '' };
	try {
		const v: unknown = JSON.parse(sent);
		return { definition: v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null, sent };
	} catch {
		return { definition: null, sent };
	}
}
