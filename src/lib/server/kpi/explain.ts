/**
 * "What changed": why a ratio KPI moved between a period and the period it is compared with.
 * For each account attribute (segment, product, region: each splits every count of every KPI)
 * the change is decomposed into mix (the population shifted between the groups) and rate (the
 * KPI moved inside them) by src/lib/stats/decompose.ts; the contributions of one dimension add
 * up to the change exactly. The biggest contributions are ranked and said in one sentence.
 * The counts come from the summary tables (counts.ts); with a filter they cannot answer
 * (another as-of date, an arm launched since the last rebuild, a rebuild under way) the
 * explanation is unavailable rather than a scan of the raw tables.
 * The Overview's What changed panel (/overview/explain) and `curewise kpis --explain` call this.
 */
import { KPIS } from '../../kpis.ts';
import { dimensionValueLabel } from '../../vocabulary.ts';
import { formatDate } from '../../format.ts';
import { RATIO_KPIS as CATALOGUE_RATIOS, type MetricDef as KpiDef } from '../../metrics/catalogue.ts';
import { comparisonPeriod, comparisonSchema, comparisonWords, addDays, type ComparisonId, type Period } from '../../periods.ts';
import { decompose, type DecomposeGroup, type GroupEffect } from '../../stats/decompose.ts';
import type { Store } from '../db/store.ts';
import { BadRequestError } from '../errors.ts';
import { ACCOUNT_DIMENSIONS, summaryCounts, summaryUsable, type AccountDimension, type KpiCounts } from './counts.ts';
import { dataAsOf } from './as-of.ts';
import { kpiParamsSchema, type KpiFilters } from './params.ts';
import { kpisFromCounts } from './values.ts';

/** a request that cannot be answered as asked: an unknown or non-ratio KPI, a bad period or filter */
export class ExplainInputError extends BadRequestError {
	constructor(message: string) {
		super(message);
		this.name = 'ExplainInputError';
	}
}

/**
 * The KPIs What changed explains: the ratios of the catalogue (a numerator over a denominator;
 * a Kaplan–Meier figure or a quantile has no such split), with their scale and words.
 */
export const RATIO_KPIS: readonly string[] = CATALOGUE_RATIOS.map((k) => k.name);
const scaleOf = (def: KpiDef) => (def.compute.kind === 'ratio' ? def.compute.scale : 1);
const wordsOf = (def: KpiDef) => def.words ?? { rate: def.label.toLowerCase(), population: 'the population' };

export const EXPLAIN_DIMENSIONS = ACCOUNT_DIMENSIONS;

export interface ExplainInput extends KpiFilters {
	kpi: string;
	from?: string;
	to?: string;
	as_of?: string;
	compare?: string;
	contact_threshold?: number;
}

export interface Contribution {
	dimension: AccountDimension;
	group: string;
	kind: 'mix' | 'rate';
	/** in the KPI's units (a share 0–1, or per 1,000 / 10,000); signed: its part of the change */
	effect: number;
	/** "lower cure within sme", "a larger share of episodes in the sme segment" */
	words: string;
	/** "1.4 from lower cure within sme" (the amount in the sentence's unit, without its sign) */
	text: string;
}

export interface ExplainedGroup extends GroupEffect {
	/** mix + rate */
	total: number;
	num0: number;
	den0: number;
	num1: number;
	den1: number;
}

export interface ExplainedDimension {
	dimension: AccountDimension;
	/** the change as this dimension's groups add it up (the same as the KPI's change) */
	total: number;
	total_mix: number;
	total_rate: number;
	/** largest |mix| + |rate| first */
	groups: ExplainedGroup[];
}

interface ExplainBase {
	kpi: string;
	label: string;
	format: KpiDef['format'];
	better: KpiDef['better'];
	/** the unit the sentence says a change in: "points" (percentage points), "per 1,000", "per 10,000" */
	unit: string;
	from: string;
	to: string;
	as_of: string | null;
	filters: KpiFilters;
	compare: ComparisonId;
	comparison: Period;
	/** "the previous 90 days", "the same days a year before" */
	comparison_words: string;
	sentence: string;
}

export interface Explanation extends ExplainBase {
	available: true;
	/** the KPI in the period and in the comparison period (null: no data) */
	current: number | null;
	previous: number | null;
	/** current − previous; null when either has no data */
	change: number | null;
	counts: { current: { numerator: number; denominator: number }; previous: { numerator: number; denominator: number } };
	/** part of a period's cohort is not mature yet (the value covers the mature part) */
	provisional: { current: boolean; previous: boolean };
	/** the dimension the top contributions come from: the one whose largest contribution in the change's direction is the largest */
	dimension: AccountDimension | null;
	dimensions: ExplainedDimension[];
	/** the contributions the sentence names, largest first (at most 3) */
	top: Contribution[];
	/** why there is no decomposition (no data in a period), else null */
	reason: string | null;
}

export interface ExplanationUnavailable extends ExplainBase {
	available: false;
	reason: string;
}

const unitOf = (def: KpiDef) => (def.format === 'percent' ? 'points' : def.format === 'per_10k' ? 'per 10,000' : 'per 1,000');
/** a KPI value in its display units: a share ×100 (points), a rate as it is */
const shown = (def: KpiDef, x: number) => (def.format === 'percent' ? x * 100 : x);
/** a magnitude in the sentence: one decimal, two when one would say 0.0 */
function amount(def: KpiDef, x: number): string {
	const a = Math.abs(shown(def, x));
	if (a >= 0.05) return a.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
	if (a >= 0.005) return a.toFixed(2);
	return 'less than 0.01';
}
function valueText(def: KpiDef, x: number): string {
	if (def.format === 'percent') return `${(x * 100).toFixed(1)}%`;
	return `${x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${unitOf(def)}`;
}

function inGroup(dimension: AccountDimension, g: string): string {
	if (dimension === 'segment') return `the ${dimensionValueLabel(dimension, g)} segment`;
	if (dimension === 'product') return `the ${dimensionValueLabel(dimension, g)} product`;
	return `region ${dimensionValueLabel(dimension, g)}`;
}

function contributionWords(def: KpiDef, dimension: AccountDimension, g: ExplainedGroup, kind: 'mix' | 'rate'): string {
	const w = wordsOf(def);
	if (kind === 'rate') {
		const up = g.rate > 0;
		return `${w.countable ? (up ? 'more' : 'fewer') : up ? 'higher' : 'lower'} ${w.rate} within ${dimensionValueLabel(dimension, g.key)}`;
	}
	return `${g.w1 > g.w0 ? 'a larger' : 'a smaller'} share of ${w.population} in ${inGroup(dimension, g.key)}`;
}

/** the one sentence: the change in the KPI's unit against the comparison, and the contributions named (exported for the tests) */
export function explanationSentence(def: KpiDef, cmpWords: string, e: Pick<Explanation, 'current' | 'previous' | 'change' | 'top' | 'from' | 'to' | 'comparison'>): string {
	const population = wordsOf(def).population;
	if (e.current === null && e.previous === null)
		return `${def.label} has no data from ${formatDate(e.from)} to ${formatDate(e.to)} nor in ${cmpWords} (no ${population} to count), so there is no change to explain.`;
	if (e.current === null) return `${def.label} has no data from ${formatDate(e.from)} to ${formatDate(e.to)} (no ${population} to count), so there is no change to explain.`;
	if (e.previous === null)
		return `${def.label} has no data for ${cmpWords} (${formatDate(e.comparison.from)} to ${formatDate(e.comparison.to)}: no ${population} to count), so there is no change to explain.`;
	if (e.change === 0 || e.change === null) return `${def.label} did not change against ${cmpWords} (${valueText(def, e.current)} both times).`;
	const unit = unitOf(def);
	const head = `${def.label} ${e.change > 0 ? 'rose' : 'fell'} ${amount(def, e.change)} ${unit === 'points' && amount(def, e.change) === '1.0' ? 'point' : unit} against ${cmpWords}`;
	const along = e.top.filter((c) => Math.sign(c.effect) === Math.sign(e.change!));
	const against = e.top.filter((c) => Math.sign(c.effect) !== Math.sign(e.change!));
	if (along.length === 0) return `${head}.`;
	return `${head}: ${along.map((c) => c.text).join(', ')}${against.length ? `; partly offset by ${against.map((c) => c.text).join(', ')}` : ''}.`;
}

/** the contributions the sentence names: the 2 largest, a third when it is at least a tenth of the change; one at least along the change */
function pickTop(all: Contribution[], change: number): Contribution[] {
	const sorted = all.filter((c) => c.effect !== 0).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
	const named = sorted.slice(0, 3).filter((c, i) => i < 2 || Math.abs(c.effect) >= 0.1 * Math.abs(change));
	if (change !== 0 && named.length > 0 && !named.some((c) => Math.sign(c.effect) === Math.sign(change))) {
		const along = sorted.find((c) => Math.sign(c.effect) === Math.sign(change));
		if (along) named.splice(named.length - 1, 1, along);
		named.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
	}
	return named;
}

const issuesText = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
	issues.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`).join('; ');

/** the KPI's definition, or an input error naming the KPIs that can be explained */
export function explainableKpi(name: string | undefined): KpiDef {
	const list = RATIO_KPIS.join(', ');
	if (!name) throw new ExplainInputError(`name the KPI to explain, one of: ${list}`);
	const def = KPIS.find((k) => k.name === name);
	if (!def) throw new ExplainInputError(`unknown KPI "${name}"; What changed explains a ratio KPI, one of: ${list}`);
	if (!RATIO_KPIS.includes(def.name))
		throw new ExplainInputError(`${name} (${def.label}) is not a ratio of two counts, so its change cannot be split into mix and rate; What changed explains one of: ${list}`);
	return def;
}

/** compare: 'previous' (default) or 'year', or an input error naming them */
export function explainCompare(compare: string | undefined): ComparisonId {
	const c = comparisonSchema.safeParse(compare ?? 'previous');
	if (!c.success) throw new ExplainInputError(c.error.issues[0]?.message ?? 'compare must be previous or year');
	return c.data;
}

/**
 * Why `kpi` moved between the period [from, to] (default: the 90 days up to the data's as-of
 * date) and its comparison period (`compare`: previous, the default, or year), with the filters.
 * Throws ExplainInputError for a KPI, period or filter it cannot take.
 */
export async function explainKpi(store: Store, input: ExplainInput): Promise<Explanation | ExplanationUnavailable> {
	const { kpi, compare: compareInput, ...rest } = input;
	const def = explainableKpi(kpi);
	const compare = explainCompare(compareInput);
	const scale = scaleOf(def);
	const asOf = rest.as_of ?? (await dataAsOf(store));
	const to = rest.to ?? asOf ?? '';
	const from = rest.from ?? (to && /^\d{4}-\d{2}-\d{2}$/.test(to) && !Number.isNaN(Date.parse(to)) ? addDays(to, -89) : '');
	const base = (p: { from: string; to: string }, filters: KpiFilters) => {
		const comparison = p.from && p.to ? comparisonPeriod(p, compare) : { from: '', to: '' };
		const words = p.from && p.to ? comparisonWords(p, compare) : '';
		return { kpi: def.name, label: def.label, format: def.format, better: def.better, unit: unitOf(def), from: p.from, to: p.to, as_of: asOf, filters, compare, comparison, comparison_words: words };
	};
	if (!asOf) {
		const reason = 'The store holds no data yet: import some (or make a demo store) and What changed will explain the KPIs.';
		return { ...base({ from: rest.from ?? '', to: rest.to ?? '' }, {}), available: false, reason, sentence: reason };
	}
	// (a calendar check of our own: Date.parse takes 2026-02-30 for 2 March)
	const unreal = (['from', 'to', 'as_of'] as const).filter((k) => {
		const d = { from, to, as_of: rest.as_of }[k];
		return typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && (Number.isNaN(Date.parse(d + 'T00:00:00Z')) || new Date(d + 'T00:00:00Z').toISOString().slice(0, 10) !== d);
	});
	if (unreal.length) throw new ExplainInputError(unreal.map((k) => `${k}: not a real date`).join('; '));
	const parsed = kpiParamsSchema.safeParse({ ...rest, from, to, as_of: asOf });
	if (!parsed.success) throw new ExplainInputError(issuesText(parsed.error.issues));
	const p = parsed.data;
	const filters = Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined && !['from', 'to', 'as_of', 'contact_threshold'].includes(k))) as KpiFilters;
	const b = base(p, filters);
	const cmp = b.comparison;

	if (!(await summaryUsable(store, p, asOf))) {
		const reason = rest.as_of && rest.as_of !== (await dataAsOf(store))
				? `What changed reads the KPI summary tables, which are kept for the data's as-of date only; drop the as-of date (${rest.as_of}) to see it.`
				: p.experiment
					? `What changed reads the KPI summary tables, which do not know the arms of ${p.experiment} yet (launched after they were last rebuilt); they are rebuilt with the next import.`
					: 'What changed reads the KPI summary tables, which are being brought up to date after an import; try again in a moment.';
		return { ...b, available: false, reason, sentence: reason };
	}

	// the counts per group of each dimension in both periods: one pass when the comparison
	// period ends the day before, else one per period
	const adjacent = cmp.to === addDays(p.from, -1);
	const countsOf = async (dimension: AccountDimension): Promise<{ previous: Map<string, KpiCounts>; current: Map<string, KpiCounts> }> => {
		const split = (m: Map<string, KpiCounts>, bucket: string) =>
			new Map([...m].filter(([k]) => k.slice(0, k.indexOf('|')) === bucket).map(([k, c]) => [k.slice(k.indexOf('|') + 1), c]));
		if (adjacent) {
			const both = await summaryCounts(store, { ...p, from: cmp.from, to: p.to }, asOf, 'period', p.from, dimension, false);
			return { previous: split(both, cmp.from), current: split(both, p.from) };
		}
		const [prev, cur] = await Promise.all([
			summaryCounts(store, { ...p, from: cmp.from, to: cmp.to }, asOf, 'period', cmp.from, dimension, false),
			summaryCounts(store, p, asOf, 'period', p.from, dimension, false)
		]);
		return { previous: split(prev, cmp.from), current: split(cur, p.from) };
	};
	const perDimension = await Promise.all(EXPLAIN_DIMENSIONS.map(async (dimension) => ({ dimension, ...(await countsOf(dimension)) })));

	const provisional = { current: false, previous: false };
	const ratioOf = (c: KpiCounts | undefined, period: 'current' | 'previous') => {
		if (!c) return { num: 0, den: 0 };
		const v = kpisFromCounts(c, p.contact_threshold)[def.name];
		if (!v || v.numerator === undefined || v.denominator === undefined) throw new ExplainInputError(`${def.name} is not a ratio of two counts; What changed explains one of: ${RATIO_KPIS.join(', ')}`);
		if (v.provisional) provisional[period] = true;
		return { num: v.numerator, den: v.denominator };
	};

	let headline: ReturnType<typeof decompose> | null = null;
	let headlineGroups: DecomposeGroup[] = [];
	const dimensions: ExplainedDimension[] = [];
	const contributions: Contribution[] = [];
	for (const { dimension, previous, current } of perDimension) {
		const keys = [...new Set([...previous.keys(), ...current.keys()])].sort();
		const groups: DecomposeGroup[] = keys.map((key) => {
			const a = ratioOf(previous.get(key), 'previous');
			const c = ratioOf(current.get(key), 'current');
			return { key, num0: a.num, den0: a.den, num1: c.num, den1: c.den };
		});
		const d = decompose(groups, scale);
		if (!headline) [headline, headlineGroups] = [d, groups];
		if (d.total === null) continue;
		const explained: ExplainedGroup[] = d.groups.map((g, i) => ({ ...g, key: g.key || '(none)', total: g.mix + g.rate, num0: groups[i]!.num0, den0: groups[i]!.den0, num1: groups[i]!.num1, den1: groups[i]!.den1 }));
		for (const [i, g] of explained.entries())
			for (const kind of ['rate', 'mix'] as const) {
				const effect = g[kind];
				if (effect === 0) continue;
				const words = contributionWords(def, dimension, { ...g, key: d.groups[i]!.key }, kind);
				contributions.push({ dimension, group: g.key, kind, effect, words, text: `${amount(def, effect)} from ${words}` });
			}
		explained.sort((x, y) => Math.abs(y.mix) + Math.abs(y.rate) - (Math.abs(x.mix) + Math.abs(x.rate)) || x.key.localeCompare(y.key));
		dimensions.push({ dimension, total: d.total, total_mix: d.mix, total_rate: d.rate, groups: explained });
	}

	const h = headline!;
	const sum = (field: 'num0' | 'den0' | 'num1' | 'den1') => headlineGroups.reduce((s, g) => s + g[field], 0);
	const change = h.total;
	// the contributions ranked by how much of the change they explain (their effect in the
	// change's direction; the earlier dimension on a tie): the top one's dimension is the one
	// the sentence speaks of
	const direction = Math.sign(change ?? 0);
	const ranked = [...contributions].sort((a, b) => b.effect * direction - a.effect * direction || EXPLAIN_DIMENSIONS.indexOf(a.dimension) - EXPLAIN_DIMENSIONS.indexOf(b.dimension));
	const dimension = direction !== 0 ? (ranked[0]?.dimension ?? null) : null;
	const top = dimension && change !== null ? pickTop(contributions.filter((c) => c.dimension === dimension), change) : [];
	const e = {
		...b,
		available: true as const,
		current: h.R1,
		previous: h.R0,
		change,
		counts: { current: { numerator: sum('num1'), denominator: sum('den1') }, previous: { numerator: sum('num0'), denominator: sum('den0') } },
		provisional,
		dimension,
		dimensions,
		top,
		reason: h.reason
	};
	return { ...e, sentence: explanationSentence(def, b.comparison_words, e) };
}
