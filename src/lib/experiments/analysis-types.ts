/**
 * What the experiment pages, the CLI and the alert webhook receive: the analysis of a message
 * experiment (src/lib/server/experiments/analysis/), its guardrail verdicts and the decision it
 * supports, and the effect over time. Types only, shared by the server and the pages (a
 * .svelte file imports these from here, never from $lib/server).
 *
 * Units. Proportions are shares (0–1), differences in shares; recovery_rate is a mean share;
 * contacts_per_account_week outbound contacts per account-week; the counts (complaints,
 * opt-outs, presumed violations) are reported per 1,000 assigned accounts, their differences
 * too (so a guardrail threshold of 0.5 reads "0.5 per 1,000 accounts"); the times to event in days.
 */
import type { Experiment, ExperimentMetric, Guardrail } from './schema.ts';
import type { SufficientStats } from '../stats/effects.ts';

// ------------------------------------------------------------------ the analysis

export type MetricKind = 'proportion' | 'mean' | 'time' | 'count';
export type MetricRole = 'primary' | 'secondary' | 'guardrail';
export type MetricUnit = 'share' | 'mean' | 'per_account_week' | 'per_1000_accounts' | 'days';

/** an estimate with its standard error and interval (null ends: unbounded or unknown) */
export interface IntervalOut {
	estimate: number;
	se: number | null;
	lower: number | null;
	upper: number | null;
}

/** the sufficient statistics of one arm for one metric: y the outcome, x the CUPED covariate */
export interface ArmStats {
	n: number;
	sum: number;
	sum_squares: number;
	sum_x: number;
	sum_x2: number;
	sum_xy: number;
}

export interface MetricResult {
	metric: ExperimentMetric;
	label: string;
	kind: MetricKind;
	/** why the experiment looks at it (a metric can be both secondary and a guardrail) */
	roles: MetricRole[];
	better: 'up' | 'down';
	unit: MetricUnit;
	arm: string;
	/** units in the metric's denominator: accounts (episodes for the episode metrics) */
	n_control: number;
	n_arm: number;
	/** the observed values: share, mean, per 1,000 accounts, or (time) RMST at 90 days in days */
	control_value: number | null;
	arm_value: number | null;
	/** arm − control with the interval of analysis.mode (CUPED-adjusted when cuped.applied) */
	difference: IntervalOut | null;
	/** arm/control − 1 with the interval of analysis.mode */
	relative_lift: IntervalOut | null;
	/**
	 * how the relative lift's interval is computed: 'delta' (the delta method, with the
	 * difference's analysis), 'exact' (fewer than FEW_EVENTS events in an arm of a share or a count:
	 * the fixed analysis takes the exact interval of the rate ratio, the always-valid one the
	 * confidence sequence of the rate ratio, both minus 1)
	 */
	relative_method: 'delta' | 'exact';
	fixed: { difference: IntervalOut | null; relative_lift: IntervalOut | null; p_value: number | null; df: number | null } | null;
	sequential: { difference: IntervalOut | null; relative_lift: IntervalOut | null; p_value: number | null } | null;
	/** the p of analysis.mode */
	p_value: number | null;
	/** Welch t (proportions, means), the larger of exact Poisson and Welch (counts), log-rank (times) */
	p_value_fixed: number | null;
	/** always-valid p (mSPRT) */
	p_value_sequential: number | null;
	/** Holm or BH over arms × primary and secondary metrics; null for a guardrail-only metric */
	p_value_adjusted: number | null;
	/** p_value_adjusted < alpha (null for a guardrail-only metric or without data) */
	significant: boolean | null;
	cuped: {
		applied: boolean;
		theta: number;
		variance_reduction: number;
		covariate_mean: number;
		adjusted_control_value: number | null;
		adjusted_arm_value: number | null;
	} | null;
	bayes: { chance_to_beat: number; expected_loss_arm: number; expected_loss_control: number; prior: string } | null;
	/** count metrics: exact conditional test of the rate ratio (arm/control), exposure = accounts */
	poisson: {
		events_control: number;
		events_arm: number;
		exposure_control: number;
		exposure_arm: number;
		/** null when neither arm has an event, or only control has none (infinite) */
		rate_ratio: number | null;
		lower: number | null;
		upper: number | null;
		p_value: number | null;
		/** one-sided p in the "worse" direction (more events when better is down) */
		p_value_worse: number | null;
	} | null;
	/** time metrics */
	survival: {
		/** the RMST horizon: 90 days, or the longest follow-up both arms have when shorter */
		horizon_days: number;
		events_control: number;
		events_arm: number;
		median_control: number | null;
		median_arm: number | null;
		log_rank_statistic: number | null;
		log_rank_p: number | null;
		rmst_control: number | null;
		rmst_arm: number | null;
		/** RMST(arm) − RMST(control) to horizon_days, normal interval at alpha */
		rmst_difference: IntervalOut | null;
		/** Kaplan–Meier: the share that has had the event by each day with an event (null in segments) */
		km_control: { day: number; share: number }[] | null;
		km_arm: { day: number; share: number }[] | null;
	} | null;
	/** raw sufficient statistics (proportions, means, counts per account) */
	stats: { control: ArmStats; arm: ArmStats } | null;
	/** the statistics the effect uses, after CUPED (= stats when not applied) */
	effect_stats: { control: SufficientStats; arm: SufficientStats } | null;
	/** why something is missing, in words */
	note: string | null;
}

export interface SrmOut {
	observed: number[];
	expected: number[];
	statistic: number;
	df: number;
	p_value: number;
	flagged: boolean;
}

export interface SegmentResult {
	/** 'segment=retail' …, 'vulnerable' */
	key: string;
	dimension: 'segment' | 'vulnerable';
	value: string;
	label: string;
	arms: { arm: string; assigned: number }[];
	metrics: MetricResult[];
	/**
	 * the scan for uneven effects: per arm, the primary metric's effect in the segment against its
	 * effect in the rest of the experiment (treatment × segment interaction): the difference of
	 * the two fixed-horizon differences, its standard error √(se_s² + se_r²), the two-sided z-test p,
	 * and p_adjusted by Holm over every segment × arm of the scan; flagged when p_adjusted < alpha
	 */
	interaction: SegmentInteraction[];
}

export interface SegmentInteraction {
	arm: string;
	metric: ExperimentMetric;
	in_segment: number | null;
	in_rest: number | null;
	interaction: number | null;
	se: number | null;
	p_value: number | null;
	p_adjusted: number | null;
	flagged: boolean;
}

export interface EffectPoint {
	/** the date the analysis is taken at (a snapshot: what it would have said that day) */
	as_of: string;
	n_control: number;
	n_arm: number;
	control_value: number | null;
	arm_value: number | null;
	difference: number | null;
	lower: number | null;
	upper: number | null;
	p_value: number | null;
}

export interface ExperimentAnalysis {
	experiment: string;
	version: number;
	title: string;
	status: Experiment['status'];
	as_of: string;
	computed_at: string;
	mode: 'sequential' | 'fixed';
	alpha: number;
	correction: 'holm' | 'bh';
	variance_reduction: 'cuped' | 'none';
	sequential_tuning_n: number;
	rmst_horizon_days: number;
	control: string;
	arms: { arm: string; weight: number; assigned: number; with_episode: number; mature_30: number }[];
	srm: { assigned: SrmOut | null; analysed: SrmOut | null; flagged: boolean; threshold: number };
	/** false when the SRM check flags the assignment, or assignments name an arm the definition does not have */
	trustworthy: boolean;
	warnings: string[];
	metrics: MetricResult[];
	guardrails: GuardrailVerdict[];
	/** what the analysis supports, in one sentence, by the product's decision rule (src/lib/experiments/decision.ts) */
	decision: ExperimentDecision;
	segments: SegmentResult[];
	timings: { stats_ms: number; stats_cached: boolean; total_ms: number };
}

export interface EffectOverTime {
	metric: ExperimentMetric;
	/** the as-of date of the last point: the analysis's */
	as_of: string;
	series: { arm: string; points: EffectPoint[] }[];
	note: string | null;
}

// ------------------------------------------------------------------ guardrail verdicts

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

// ------------------------------------------------------------------ the decision (src/lib/experiments/decision.ts)

export type DecisionKind = 'ship' | 'stop' | 'keep_running' | 'inconclusive' | 'waiting';

export interface ExperimentDecision {
	decision: DecisionKind;
	/** the arm to ship, or the arms to stop */
	arms: string[];
	/** good news, bad news or neither, for the colour and the words */
	tone: 'good' | 'bad' | 'neutral';
	/** the decision in one sentence */
	sentence: string;
	/** why, one line each */
	reasons: string[];
	/** days from the data's as-of date to the planned end (keep running) or to the day the results open (too early), else null */
	days_left: number | null;
	/** the results are hidden until this day (the minimum run after the launch); null once open */
	results_open_on: string | null;
}
