/**
 * The decision an experiment's analysis supports, in one sentence (issue 15, "a verdict"): the
 * product's decision rule, the same for every experiment, applied to what was fixed at launch
 * (the arms, the primary metric, the guardrails and their rules, alpha, the analysis mode and
 * the planned end, all under the definition hash):
 *
 * 1. **stop** an arm when one of its guardrails is breached (harm, a non-inferiority margin
 *    passed, a hard limit), or when it is significantly worse on the primary metric;
 * 2. **ship** the arm that is significantly better on the primary metric (after the multiple-
 *    comparison correction, in the analysis mode) with no guardrail breached and every
 *    non-inferiority guardrail shown within its margin (the best such arm when several are);
 * 3. **keep running** while neither, before the planned end, with the days left;
 * 4. **inconclusive** at or after the planned end.
 * Before any assigned account is in the data there is no decision yet (**waiting**), nor before
 * the minimum run after the launch (analysis.min_run_days, default 7 days of data): the results
 * stay hidden, with a countdown, while the guardrails are watched (a breach still says stop). An analysis
 * the sample-ratio check does not trust is said so first. Pure: shared by the server (the list,
 * the CLI, the alert webhook) and the page.
 */
import type { ExperimentAnalysis, ExperimentDecision, MetricResult } from './analysis-types.ts';
import { ends, formatDiff, verdict } from './results.ts';
import { MIN_RUN_DAYS } from './schema.ts';
import { formatDate } from '../format.ts';
import { humanize } from '../vocabulary.ts';

export type { DecisionKind, ExperimentDecision } from './analysis-types.ts';

export interface DecisionInput {
	analysis: Pick<ExperimentAnalysis, 'as_of' | 'alpha' | 'mode' | 'metrics' | 'guardrails' | 'trustworthy' | 'arms' | 'control'>;
	primary_metric: string;
	planned_end: string;
	/** the smallest effect the experiment was planned to detect, absolute, in the metric's units */
	mde?: number | null;
	/** the day the experiment started assigning (its launch day, else its start) */
	started_on?: string | null;
	/** the days its results stay hidden after that (default MIN_RUN_DAYS) */
	min_run_days?: number | null;
}

const days = (from: string, to: string) => Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);
const list = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
/** an arm as the pages name it (daily_call: Daily call), never its raw id */
const armName = (arm: string) => humanize(arm);

/** "cure rate (30 days) +3.1 pp (+0.6 to +5.6 pp)" */
function effectWords(r: MetricResult): string {
	const d = r.difference!;
	return `${lower(r.label)} ${formatDiff(r.unit, d.estimate)} (${ends(r.unit, d)})`;
}

export function decideExperiment(input: DecisionInput): ExperimentDecision {
	const d = decide(input);
	if (d.decision === 'stop' || d.decision === 'waiting' || !input.started_on) return d;
	// too early to read: the results stay hidden until the minimum run has passed
	const open = addDays(input.started_on, input.min_run_days ?? MIN_RUN_DAYS);
	const left = days(input.analysis.as_of, open);
	if (left <= 0) return d;
	return {
		decision: 'waiting',
		arms: [],
		tone: 'neutral',
		sentence: `Too early to read: the results open on ${open}, after the minimum run of ${input.min_run_days ?? MIN_RUN_DAYS} days (${left.toLocaleString('en-US')} ${left === 1 ? 'day' : 'days'} of data to go); the guardrails are watched meanwhile.`,
		reasons: ['early numbers swing widely and invite stopping on noise'],
		days_left: left,
		results_open_on: open
	};
}

const addDays = (day: string, n: number) => new Date(Date.parse(day.slice(0, 10)) + n * 86_400_000).toISOString().slice(0, 10);

function decide(input: DecisionInput): ExperimentDecision {
	const { analysis: a } = input;
	const arms = a.arms.map((x) => x.arm).filter((x) => x !== a.control);
	const assigned = a.arms.reduce((n, x) => n + x.assigned, 0);
	const trust = a.trustworthy ? [] : ['the sample-ratio check flags the assignment: the results may be biased'];
	if (assigned === 0)
		return { decision: 'waiting', arms: [], tone: 'neutral', sentence: 'Waiting for data: no assigned account is in the data yet.', reasons: trust, days_left: null, results_open_on: null };

	const primary = (arm: string) => a.metrics.find((m) => m.arm === arm && m.metric === input.primary_metric);

	// 1. stop: a guardrail breached, or significantly worse on the primary metric
	const HOW: Record<string, string> = { harm: 'significantly worse', non_inferiority: 'worse by more than the margin allows', hard_limit: 'above the hard limit' };
	const stops = arms.flatMap((arm) => {
		const breached = a.guardrails.filter((g) => g.arm === arm && g.verdict === 'breached');
		const p = primary(arm);
		const worse = p && p.significant === true && verdict(p) === 'worse';
		if (!breached.length && !worse) return [];
		// the metrics, grouped by how they failed: "complaints and opt-outs significantly worse"
		const byHow = new Map<string, string[]>();
		if (worse) byHow.set(HOW.harm!, [lower(p!.label)]);
		for (const g of breached) {
			const how = HOW[g.rule] ?? 'breached';
			const labels = byHow.get(how) ?? [];
			if (!labels.includes(lower(g.label))) labels.push(lower(g.label));
			byHow.set(how, labels);
		}
		const reasons = breached.map((g) => g.message);
		if (worse) reasons.unshift(`${arm}: ${effectWords(p!)}: significantly worse on the primary metric`);
		return [{ arm, words: [...byHow].map(([how, labels]) => `${list(labels)} ${how}`).join(', '), reasons }];
	});
	if (stops.length)
		return {
			decision: 'stop',
			arms: stops.map((s) => s.arm),
			tone: 'bad',
			sentence: stops.length === 1 ? `Stop ${armName(stops[0]!.arm)}: ${stops[0]!.words}.` : `Stop ${list(stops.map((s) => armName(s.arm)))}: ${stops.map((s) => `${armName(s.arm)}: ${s.words}`).join('; ')}.`,
			reasons: [...trust, ...stops.flatMap((s) => s.reasons)],
			days_left: null,
			results_open_on: null
		};

	// 2. ship: significantly better on the primary metric, every guardrail clear
	const better = arms
		.map((arm) => ({ arm, p: primary(arm) }))
		.filter((x): x is { arm: string; p: MetricResult } => !!x.p && x.p.significant === true && verdict(x.p) === 'better');
	const unproven = (arm: string) => a.guardrails.filter((g) => g.arm === arm && g.rule === 'non_inferiority' && g.verdict !== 'ok');
	const ready = better.filter((x) => unproven(x.arm).length === 0);
	if (ready.length && a.trustworthy) {
		const best = ready.reduce((m, x) => (Math.abs(x.p.difference!.estimate) > Math.abs(m.p.difference!.estimate) ? x : m));
		const guards = a.guardrails.filter((g) => g.arm === best.arm);
		return {
			decision: 'ship',
			arms: [best.arm],
			tone: 'good',
			sentence: `Ship ${armName(best.arm)}: ${effectWords(best.p)}, ${guards.length ? 'no guardrail harmed' : 'no guardrail set'}.`,
			reasons: [`${best.arm}: significantly better on ${lower(best.p.label)} (${a.mode === 'sequential' ? 'always-valid' : 'fixed-horizon'} analysis, after the correction for several comparisons)`, ...guards.map((g) => g.message)],
			days_left: null,
			results_open_on: null
		};
	}

	// 3. keep running, or 4. inconclusive at the planned end
	const left = days(a.as_of, input.planned_end);
	const waitingOn = [
		...trust,
		...better.flatMap((x) => unproven(x.arm).map((g) => `${x.arm} is significantly better on ${lower(x.p.label)}, but ${lower(g.label)} is not yet shown within its margin`)),
		...arms.map((arm) => primary(arm)).filter((p): p is MetricResult => !!p && !better.some((b) => b.arm === p.arm)).map((p) => `${p.arm}: ${p.difference ? `${effectWords(p)}: not significant yet` : `${lower(p.label)}: no result yet${p.note ? ` (${p.note})` : ''}`}`)
	];
	const label = lower(primary(arms[0] ?? '')?.label ?? input.primary_metric);
	// better on the primary metric, but a non-inferiority margin not yet shown
	const pending = better.find((x) => unproven(x.arm).length > 0);
	const status = pending
		? `${armName(pending.arm)} is better on ${effectWords(pending.p)}, but ${list([...new Set(unproven(pending.arm).map((g) => lower(g.label)))])} ${unproven(pending.arm).length > 1 ? 'are' : 'is'} not yet shown within ${unproven(pending.arm).length > 1 ? 'their margins' : 'its margin'}`
		: `no significant change in ${label} yet, no guardrail breached`;
	if (left > 0) {
		const target = input.mde != null && primary(arms[0] ?? '') ? ` to detect ${formatDiff(primary(arms[0]!)!.unit, input.mde).replace(/^\+/, 'a change of ')}` : '';
		return {
			decision: 'keep_running',
			arms: [],
			tone: 'neutral',
			sentence: `Keep running: about ${left.toLocaleString('en-US')} more ${left === 1 ? 'day' : 'days'} to the planned end (${formatDate(input.planned_end)})${pending ? '' : target}; ${status}.`,
			reasons: waitingOn,
			days_left: left,
			results_open_on: null
		};
	}
	return {
		decision: 'inconclusive',
		arms: [],
		tone: 'neutral',
		sentence: pending
			? `Inconclusive: the planned end (${formatDate(input.planned_end)}) has passed; ${status}: decide with the guardrail's evidence, or run longer with a new plan.`
			: `Inconclusive: the planned end (${formatDate(input.planned_end)}) has passed with no significant change in ${label} and no guardrail breached; keep the current message, or run longer with a new plan.`,
		reasons: waitingOn,
		days_left: null,
		results_open_on: null
	};
}
