/**
 * The experiment analysis (src/lib/server/experiments/analysis/ and the queries of
 * queries/experiments/) against real DuckDB stores:
 *
 * 1. A small hand-built experiment whose outcomes are worked out below, account by account:
 *    the sufficient statistics per arm, and from them the difference, interval, p-values,
 *    CUPED, the sequential interval, the Bayesian chance, the exact Poisson tests (a
 *    complaint in one arm only, opt-outs in the other arm only), Kaplan–Meier, log-rank and
 *    RMST (with censoring at the as-of date and at a charge-off), the presumed violations
 *    (customer's local dates), SRM and the guardrail verdicts — each computed here by hand
 *    or with the textbook formula, not with the library function the analysis uses.
 * 2. The demo data, where the generator plants the effects (src/lib/server/demo):
 *    supportive-reminder cures about 3 points more within 30 days, with no more complaints or
 *    opt-outs; daily-call-cadence draws complaints, opt-outs and presumed violations. A
 *    3-point lift on a ~45% cure rate needs about 10,000 mature episodes per arm to pass the
 *    sequential test after Holm over six metrics, so this store has 200,000 accounts (about
 *    13,000 assigned per arm): at 20,000 accounts the lift shows (chance to beat ≈ 0.93) but
 *    is not significant (sequential p ≈ 0.9).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { experimentSchema, type Experiment } from '../../src/lib/experiments/schema.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import type { ExperimentAnalysis, MetricResult } from '../../src/lib/experiments/analysis-types.ts';
import { analyzeExperiment } from '../../src/lib/server/experiments/analysis/analyze.ts';
import { clearExperimentStatsCache } from '../../src/lib/server/experiments/analysis/cache.ts';
import { effectOverTime, snapshotDates } from '../../src/lib/server/experiments/analysis/over-time.ts';
import { loadExperiments } from '../../src/lib/server/experiments/registry.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { runAudit } from '../../src/lib/server/compliance/audit.ts';
import { normalCdf, studentTCdf, studentTQuantile } from '../../src/lib/stats/distributions.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

const AS_OF = '2026-06-30';
const close = (actual: number | null | undefined, expected: number, digits = 6) => {
	expect(actual, `expected ${expected}`).not.toBeNull();
	expect(actual!).toBeCloseTo(expected, digits);
};
/** relative agreement to `sig` significant digits */
const sig = (actual: number | null | undefined, expected: number, s = 6) => {
	expect(actual, `expected ${expected}`).not.toBeNull();
	expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 10 ** -s + 1e-12);
};

// ------------------------------------------------------------------ the hand-built experiment

const ASSIGNED_AT = '2026-03-01T12:00:00Z';
const arm = (id: string, weight = 0.5) => ({ id, weight, message: { channel: 'sms', template_id: 'T1', text: 'hello' } });

function handExperiment(over: Record<string, unknown> = {}): Experiment {
	return experimentSchema.parse({
		id: 'hand',
		title: 'Hand-built',
		hypothesis: 'worked out by hand',
		owner: 'test',
		status: 'running',
		start: '2026-03-01',
		planned_end: '2026-07-31',
		arms: [arm('control'), arm('treatment')],
		primary_metric: 'cure_rate_30d',
		secondary_metrics: ['days_to_pay', 'self_cure_rate', 'contacts_per_account_week', 'recovery_rate'],
		guardrails: [
			{ metric: 'complaints_per_1k_assigned', direction: 'lower_is_better', rule: { kind: 'non_inferiority', threshold: 0.5 } },
			{ metric: 'opt_outs_per_1k_assigned', direction: 'lower_is_better', rule: { kind: 'harm', threshold: 0.05 } },
			{ metric: 'presumed_violations', direction: 'lower_is_better', rule: { kind: 'hard_limit', threshold: 0 } }
		],
		analysis: { alpha: 0.05, mode: 'fixed', variance_reduction: 'none', correction: 'holm' },
		...over
	});
}

/*
 * Control C1–C4, treatment T1–T5, all assigned 2026-03-01 12:00 UTC (ws = 2026-03-01), as of
 * 2026-06-30 (122 days in the experiment). X1, X2 are not assigned.
 *
 *        episode (started, cured/charged)  pay (first settled)        contacts (outbound)
 *  C1    03-10, cured 03-25 (15 d)         03-25 (15 d)               call conversation 03-20
 *  C2    03-10, cured 05-01 (52 d)         reversed 03-20; 05-01 (52)  sms 03-12
 *  C3    04-01, open                       none → censored 90 d       (an inbound conversation: not counted)
 *  C4    04-01, charged off 05-15          05-20, after the charge-off → censored at 44 d
 *  T1    03-10, cured 03-20 (10 d)         03-20 (10 d)               9 call attempts 03-11…03-17 local + a busy call + a third-party call
 *  T2    03-10, cured 04-09 (30 d: a tie)  03-25 plan PL1 (15 d)      none
 *  T3    04-01, cured 05-15 (44 d)         05-15 (44 d)               call conversation 04-05
 *  T4    only an episode before the assignment: no episode outcome
 *  T5    06-15, open (15 days old: not mature at 30)                  none → censored 15 d
 *
 * CUPED covariate (settled payments in the 30 days before 03-01 12:00): C1 50, T2 30, T4 100.
 * Complaints while assigned: T1 (T3's came before the assignment). Opt-outs while assigned:
 * C2 (its own), C3 (its customer's, for every debt); none in the treatment arm.
 */
async function loadHand(t: TempStore): Promise<void> {
	const files: [string, string][] = [
		[
			'accounts.csv',
			csv([
				accountsHeader,
				accountRow('C1'),
				accountRow('C2', { segment: 'sme' }),
				accountRow('C3', { vulnerable: 'true' }),
				accountRow('C4'),
				accountRow('T1'),
				accountRow('T2', { segment: 'sme' }),
				accountRow('T3', { vulnerable: 'true' }),
				accountRow('T4'),
				accountRow('T5'),
				accountRow('X1'),
				accountRow('X2', { customer_id: 'C-C3' })
			])
		],
		[
			'delinquencies.csv',
			csv([
				['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'],
				['E-C1', 'C1', '2026-03-10', 100, '2026-03-25', null],
				['E-C1b', 'C1', '2026-05-20', 10, '2026-05-25', null],
				['E-C2', 'C2', '2026-03-10', 200, '2026-05-01', null],
				['E-C3', 'C3', '2026-04-01', 300, null, null],
				['E-C4', 'C4', '2026-04-01', 400, null, '2026-05-15'],
				['E-T1', 'T1', '2026-03-10', 100, '2026-03-20', null],
				['E-T2', 'T2', '2026-03-10', 200, '2026-04-09', null],
				['E-T3', 'T3', '2026-04-01', 300, '2026-05-15', null],
				['E-T4', 'T4', '2026-02-01', 50, '2026-02-20', null],
				['E-T5', 'T5', '2026-06-15', 80, null, null],
				['E-X1', 'X1', '2026-03-10', 100, '2026-03-12', null]
			])
		],
		[
			'payments.csv',
			csv([
				['payment_id', 'account_id', 'paid_at', 'amount', 'method', 'status', 'plan_id'],
				['P1', 'C1', '2026-02-15T10:00:00Z', 50, 'card', 'settled', null],
				['P2', 'C1', '2026-03-25T10:00:00Z', 100, 'card', 'settled', null],
				['P12', 'C1', '2026-05-25T10:00:00Z', 10, 'card', 'settled', null],
				['P3', 'C2', '2026-03-20T10:00:00Z', 60, 'card', 'reversed', null],
				['P4', 'C2', '2026-05-01T10:00:00Z', 200, 'card', 'settled', null],
				['P5', 'C4', '2026-05-20T10:00:00Z', 40, 'card', 'settled', null],
				['P6', 'T1', '2026-03-20T10:00:00Z', 100, 'card', 'settled', null],
				['P7', 'T2', '2026-02-20T10:00:00Z', 30, 'card', 'settled', null],
				['P8', 'T2', '2026-03-25T10:00:00Z', 100, 'direct_debit', 'settled', 'PL1'],
				['P9', 'T2', '2026-04-09T10:00:00Z', 100, 'direct_debit', 'settled', 'PL1'],
				['P10', 'T3', '2026-05-15T10:00:00Z', 300, 'card', 'settled', null],
				['P11', 'T4', '2026-02-25T10:00:00Z', 100, 'card', 'settled', null]
			])
		],
		[
			'interactions.csv',
			csv([
				interactionsHeader,
				interactionRow('I1', 'C1', { occurred_at: '2026-03-20T15:00:00Z', outcome: 'conversation' }),
				interactionRow('I2', 'C2', { occurred_at: '2026-03-12T15:00:00Z', channel: 'sms', outcome: 'delivered' }),
				interactionRow('I5', 'C3', { occurred_at: '2026-04-10T15:00:00Z', direction: 'inbound', outcome: 'conversation' }),
				// T1: attempts on the local dates 11, 12, 13, 13, 14, 15, 16, 16, 17 March (New York,
				// daylight saving since 8 March): A8 is 02:30 UTC on the 17th, 22:30 on the 16th locally
				...[
					'2026-03-11T15:00:00Z',
					'2026-03-12T15:00:00Z',
					'2026-03-13T15:00:00Z',
					'2026-03-13T16:00:00Z',
					'2026-03-14T15:00:00Z',
					'2026-03-15T15:00:00Z',
					'2026-03-16T15:00:00Z',
					'2026-03-17T02:30:00Z',
					'2026-03-17T15:00:00Z'
				].map((at, i) => interactionRow(`A${i + 1}`, 'T1', { occurred_at: at })),
				interactionRow('B1', 'T1', { occurred_at: '2026-03-14T17:00:00Z', outcome: 'busy' }),
				interactionRow('B2', 'T1', { occurred_at: '2026-03-14T18:00:00Z', party: 'third_party' }),
				interactionRow('I3', 'T3', { occurred_at: '2026-04-05T15:00:00Z', outcome: 'conversation' }),
				interactionRow('I4', 'X1', { occurred_at: '2026-03-15T15:00:00Z' })
			])
		],
		[
			'complaints.csv',
			csv([
				['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'],
				['K1', 'T1', '2026-03-15T10:00:00Z', 'contact_frequency', 'phone', 'medium'],
				['K2', 'T3', '2026-02-10T10:00:00Z', 'other', 'web', 'low'],
				['K3', 'X1', '2026-03-15T10:00:00Z', 'other', 'web', 'low']
			])
		],
		[
			'contact_preferences.csv',
			csv([
				['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'],
				['CP1', 'C-C2', 'C2', 'sms', 'opt_out', '2026-03-20T10:00:00Z', null, null, null],
				['CP2', 'C-C3', null, 'call', 'opt_out', '2026-04-05T10:00:00Z', null, null, null],
				['CP3', 'C-T1', 'T1', 'call', 'opt_in', '2026-03-18T10:00:00Z', null, null, null],
				['CP4', 'C-T2', 'T2', 'sms', 'opt_out', '2026-02-01T10:00:00Z', null, null, null]
			])
		],
		[
			'experiment_assignments.csv',
			csv([
				['experiment_id', 'account_id', 'variant', 'assigned_at'],
				...['C1', 'C2', 'C3', 'C4'].map((a) => ['hand', a, 'control', ASSIGNED_AT]),
				...['T1', 'T2', 'T3', 'T4', 'T5'].map((a) => ['hand', a, 'treatment', ASSIGNED_AT])
			])
		]
	];
	for (const [name, text] of files) {
		const r = await importFile(t.store, { path: t.file(name, text), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
	}
	// the presumed violations come from the compliance audit (importPaths runs it after the files)
	await runAudit(t.store, { trigger: 'import' });
}

/** Welch's t test from per-unit values (the textbook formulas) */
function welch(c: number[], a: number[], alpha = 0.05) {
	const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
	const variance = (x: number[]) => x.reduce((s, v) => s + (v - mean(x)) ** 2, 0) / (x.length - 1);
	const vc = variance(c) / c.length;
	const va = variance(a) / a.length;
	const d = mean(a) - mean(c);
	const se = Math.sqrt(vc + va);
	const df = (vc + va) ** 2 / (vc ** 2 / (c.length - 1) + va ** 2 / (a.length - 1));
	const q = studentTQuantile(1 - alpha / 2, df);
	return { d, se, df, p: 2 * studentTCdf(-Math.abs(d / se), df), lower: d - q * se, upper: d + q * se, mc: mean(c), ma: mean(a) };
}

/** the normal-mixture confidence sequence (Johari et al.; Waudby-Smith et al.), tuning N* = 5000 */
function mixture(d: number, v: number, nUnits: number, alpha = 0.05) {
	const a = -2 * Math.log(alpha);
	const rho2 = (a + Math.log(a + 1)) / 5000;
	const tau2 = rho2 * v * nUnits;
	const lambda = Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * d * d) / (2 * v * (v + tau2)));
	const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
	return { p: Math.min(1, 1 / lambda), lower: d - half, upper: d + half };
}

const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
const betaFn = (a: number, b: number) => (fact(a - 1) * fact(b - 1)) / fact(a + b - 1);
/** P(p_B > p_A) for Beta posteriors with integer parameters (Evan Miller, "Formulas for Bayesian A/B testing") */
function chanceBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
	let total = 0;
	for (let i = 0; i < aB; i++) total += betaFn(aA + i, bA + bB) / ((bB + i) * betaFn(1 + i, bB) * betaFn(aA, bA));
	return total;
}

describe('a hand-built experiment', () => {
	let t: TempStore;
	let a: ExperimentAnalysis;
	const m = (metric: string) => a.metrics.find((r) => r.metric === metric && r.arm === 'treatment')!;

	beforeAll(async () => {
		t = await tempStore();
		await loadHand(t);
		a = await analyzeExperiment(t.store, handExperiment(), { asOf: AS_OF });
	});
	afterAll(() => t?.close());

	test('arms, assignment counts and the sample-ratio check', () => {
		expect(a.as_of).toBe(AS_OF);
		expect(a.arms).toEqual([
			{ arm: 'control', weight: 0.5, assigned: 4, with_episode: 4, mature_30: 4 },
			{ arm: 'treatment', weight: 0.5, assigned: 5, with_episode: 4, mature_30: 3 }
		]);
		// χ² = (4 − 4.5)²/4.5 + (5 − 4.5)²/4.5 = 1/9 on 1 df: p = 2(1 − Φ(1/3))
		close(a.srm.assigned!.statistic, 1 / 9, 12);
		sig(a.srm.assigned!.p_value, 2 * (1 - normalCdf(1 / 3)), 8);
		expect(a.srm.analysed!.statistic).toBe(0);
		expect(a.srm.flagged).toBe(false);
		expect(a.trustworthy).toBe(true);
	});

	test('cure within 30 days: sufficient statistics, Welch difference, interval and p', () => {
		const r = m('cure_rate_30d');
		// control C1 cured (15 d), C2 (52 d), C3, C4 not; treatment T1 (10 d), T2 (30 d, counts), T3 (44 d) not; T5 immature, T4 no episode
		expect(r.stats).toEqual({
			control: { n: 4, sum: 1, sum_squares: 1, sum_x: 50, sum_x2: 2500, sum_xy: 50 },
			arm: { n: 3, sum: 2, sum_squares: 2, sum_x: 30, sum_x2: 900, sum_xy: 30 }
		});
		const w = welch([1, 0, 0, 0], [1, 1, 0]);
		// by hand: d = 2/3 − 1/4 = 5/12, se² = 0.25/4 + (1/3)/3 = 0.1736…, t = 1, df = 4.0323
		close(w.d, 5 / 12, 12);
		close(w.se, 5 / 12, 12);
		close(w.df, 4.032258, 5);
		expect(r.control_value).toBe(0.25);
		close(r.arm_value, 2 / 3, 12);
		sig(r.difference!.estimate, w.d, 10);
		sig(r.difference!.se, w.se, 10);
		sig(r.difference!.lower, w.lower, 8);
		sig(r.difference!.upper, w.upper, 8);
		sig(r.fixed!.df, w.df, 8);
		sig(r.p_value_fixed, w.p, 8);
		expect(r.p_value).toBe(r.p_value_fixed); // fixed mode
		// relative lift: r = (2/3)/(1/4) − 1 = 5/3; with 1 and 2 events (fewer than 10) not by the delta method
		// but by the exact interval of the rate ratio: R's poisson.test(c(2, 1), c(3, 4)) gives 0.1388233832719036 to
		// 157.3258318496413 for the ratio (2 cures of 3 against 1 of 4)
		expect(r.relative_method).toBe('exact');
		sig(r.relative_lift!.estimate, 5 / 3, 10);
		expect(r.relative_lift!.se).toBeNull();
		sig(r.relative_lift!.lower, 0.13882338327190361 - 1, 9);
		sig(r.relative_lift!.upper, 157.32583184964133 - 1, 9);
		// sequential, on the same statistics: the normal mixture with τ² = ρ² V N, N = 7 episodes
		const s = mixture(w.d, w.se ** 2, 7);
		sig(r.p_value_sequential, s.p, 8);
		sig(r.sequential!.difference!.lower, s.lower, 8);
		sig(r.sequential!.difference!.upper, s.upper, 8);
		// Beta(1, 1) priors: control Beta(2, 4), treatment Beta(3, 2)
		sig(r.bayes!.chance_to_beat, chanceBBeatsA(2, 4, 3, 2), 6);
		expect(r.cuped).toBeNull(); // variance_reduction none
	});

	test('the episode and account metrics, account by account', () => {
		const st = (metric: string) => m(metric).stats!;
		const pick = (x: { n: number; sum: number; sum_squares: number }) => [x.n, x.sum, x.sum_squares];
		// self-cure: C1 had a conversation before its cure; T1 (calls, no conversation) and T2 (no contact) self-cured
		expect(pick(st('self_cure_rate').control)).toEqual([4, 0, 0]);
		expect(pick(st('self_cure_rate').arm)).toEqual([3, 2, 2]);
		// recovery: C1 100/100, C2 200/200 (the reversed payment does not count), C3 0, C4 0 (paid after the charge-off); T1–T3 all
		expect(pick(st('recovery_rate').control)).toEqual([4, 2, 2]);
		expect(pick(st('recovery_rate').arm)).toEqual([3, 3, 3]);
		// contact load: outbound contacts × 7 / 122 days; C1 1, C2 1; T1 11 (busy and third-party calls are contacts), T3 1
		const load = st('contacts_per_account_week');
		expect(load.control.n).toBe(4);
		close(load.control.sum, (2 * 7) / 122, 12);
		close(load.control.sum_squares, 2 * (7 / 122) ** 2, 12);
		expect(load.arm.n).toBe(5);
		close(load.arm.sum, (12 * 7) / 122, 12);
		close(load.arm.sum_squares, (77 / 122) ** 2 + (7 / 122) ** 2, 12);
		// the covariate over every assigned account: C1 50; T2 30, T4 100
		expect([load.control.sum_x, load.arm.sum_x, load.arm.sum_x2]).toEqual([50, 130, 900 + 10000]);
	});

	test('a complaint in one arm only: per 1,000 accounts, exact Poisson test', () => {
		const r = m('complaints_per_1k_assigned');
		expect(r.unit).toBe('per_1000_accounts');
		expect([r.stats!.control.sum, r.stats!.arm.sum]).toEqual([0, 1]);
		expect(r.control_value).toBe(0);
		close(r.arm_value, 200, 10);
		// conditional binomial: 1 event of 1, π₀ = 5/9: two-sided p = 1, one-sided (more in the arm) p = 5/9
		expect(r.poisson!.p_value).toBeCloseTo(1, 12);
		close(r.poisson!.p_value_worse, 5 / 9, 12);
		expect(r.poisson!.rate_ratio).toBeNull(); // infinite: control has none
		// Welch on per-account counts, ×1000: d = 200, se = 200 (var 0.2/5), df = 4
		const w = welch([0, 0, 0, 0], [1, 0, 0, 0, 0]);
		sig(r.fixed!.difference!.estimate, w.d * 1000, 10);
		sig(r.fixed!.difference!.lower, w.lower * 1000, 8);
		close(w.df, 4, 10);
		// the fixed p is the larger of the exact (1) and Welch p
		close(r.p_value_fixed, 1, 12);
		// few events: no delta-method ratio (its interval would have zero width); control has none, so no ratio at all
		expect(r.relative_method).toBe('exact');
		expect(r.fixed!.relative_lift).toBeNull();
		expect(r.sequential!.relative_lift).toBeNull();
		expect(r.note).toMatch(/few events \(0 in control, 1 in treatment\)/);
	});

	test('no opt-out in one arm: a rate ratio of 0 and its exact interval', () => {
		const r = m('opt_outs_per_1k_assigned');
		expect([r.stats!.control.sum, r.stats!.arm.sum]).toEqual([2, 0]);
		close(r.control_value, 500, 10);
		expect(r.arm_value).toBe(0);
		// 0 of 2 events in the arm, π₀ = 5/9: p = P(X = 0) = (4/9)² (X = 2 is more likely than X = 0)
		sig(r.poisson!.p_value, 16 / 81, 10);
		expect(r.poisson!.rate_ratio).toBe(0);
		expect(r.poisson!.lower).toBe(0);
		// upper: Clopper–Pearson π_U = 1 − √0.025 (Beta(1, 2) quantile), ratio π/(1 − π) · 4/5
		const piU = 1 - Math.sqrt(0.025);
		sig(r.poisson!.upper, (piU / (1 - piU)) * (4 / 5), 8);
		// fixed p: max(16/81, Welch p with df 3)
		const w = welch([0, 1, 1, 0], [0, 0, 0, 0, 0]);
		sig(r.p_value_fixed, Math.max(16 / 81, w.p), 8);
		// the relative lift of the fixed analysis is the exact rate ratio's interval minus 1 (the delta
		// method gave −100% to −100%); the always-valid analysis shows none
		expect(r.relative_method).toBe('exact');
		expect(r.fixed!.relative_lift!.estimate).toBe(-1);
		expect(r.fixed!.relative_lift!.lower).toBe(-1);
		sig(r.fixed!.relative_lift!.upper, (piU / (1 - piU)) * (4 / 5) - 1, 8);
		// the always-valid analysis: the confidence sequence of the rate ratio, 0 to 5.0424 (scipy: test/fixtures/rate-ratio)
		expect(r.sequential!.relative_lift!.estimate).toBe(-1);
		expect(r.sequential!.relative_lift!.lower).toBe(-1);
		sig(r.sequential!.relative_lift!.upper, 5.04237394672177 - 1, 8);
	});

	test('presumed violations: 7-date windows on the local calendar', () => {
		const r = m('presumed_violations');
		// local dates 11, 12, 13, 13, 14, 15, 16, 16, 17: the windows ending on the 16th (10–16: 8) and the
		// 17th (11–17: 9) hold more than 7; on UTC dates (…, 16, 17, 17) it would be one window
		expect([r.stats!.control.sum, r.stats!.arm.sum]).toEqual([0, 2]);
		expect(r.stats!.arm.sum_squares).toBe(4);
	});

	test('days to pay: Kaplan–Meier, log-rank and RMST with censoring', () => {
		const r = m('days_to_pay');
		// control: 15 paid, 52 paid, 90 censored (as of), 44 censored (charged off, paid after); treatment: 10, 15 paid, 15 censored (T5), 44 paid
		expect([r.n_control, r.n_arm, r.survival!.events_control, r.survival!.events_arm]).toEqual([4, 4, 2, 3]);
		expect(r.survival!.km_control).toEqual([
			{ day: 0, share: 0 },
			{ day: 15, share: 0.25 },
			{ day: 52, share: 0.625 }
		]);
		expect(r.survival!.km_arm!.map((p) => [p.day, +p.share.toFixed(12)])).toEqual([
			[0, 0],
			[10, 0.25],
			[15, 0.5],
			[44, 1]
		]);
		expect(r.survival!.median_control).toBe(52);
		// the arm's curve is flat at exactly one half from day 15 to day 44: R's quantile.survfit takes the middle
		expect(r.survival!.median_arm).toBe(29.5);
		// log-rank by hand: event times 10, 15, 44, 52; control O = 2, E = 4/8 + 8/7 + 3/4 + 1, V = 1/4 + (10/6)(12/49) + 3/16 + 0
		const e = 0.5 + 8 / 7 + 0.75 + 1;
		const v = 0.25 + (10 / 6) * (12 / 49) + 3 / 16;
		const chi2 = (2 - e) ** 2 / v;
		sig(r.survival!.log_rank_statistic, chi2, 10);
		sig(r.survival!.log_rank_p, 2 * (1 - normalCdf(Math.sqrt(chi2))), 8);
		expect(r.p_value_fixed).toBe(r.survival!.log_rank_p);
		// RMST to 90: control 15 + 0.75·37 + 0.375·38 = 57; treatment 10 + 0.75·5 + 0.5·29 = 28.25 (its curve reaches 0)
		expect(r.survival!.horizon_days).toBe(90);
		close(r.survival!.rmst_control, 57, 10);
		close(r.survival!.rmst_arm, 28.25, 10);
		close(r.survival!.rmst_difference!.estimate, -28.75, 10);
		// variances Σ A_j² d_j/(n_j(n_j − d_j)): control A(15) = 42, A(52) = 14.25; treatment A(10) = 18.25, A(15) = 14.5
		const varC = 42 ** 2 / 12 + 14.25 ** 2 / 2;
		const varA = 18.25 ** 2 / 12 + 14.5 ** 2 / 6;
		sig(r.survival!.rmst_difference!.se, Math.sqrt(varC + varA), 10);
		// sequential: the same mixture on the RMST difference, N = 8 episodes
		const s = mixture(-28.75, varC + varA, 8);
		sig(r.p_value_sequential, s.p, 8);
		sig(r.sequential!.difference!.lower, s.lower, 8);
	});

	test('Holm over arms × primary and secondary metrics', () => {
		const family = a.metrics.filter((r) => r.roles.includes('primary') || r.roles.includes('secondary'));
		expect(family.map((r) => r.metric)).toEqual(['cure_rate_30d', 'days_to_pay', 'self_cure_rate', 'contacts_per_account_week', 'recovery_rate']);
		const p = family.map((r) => r.p_value!);
		const order = p.map((_, i) => i).sort((x, y) => p[x]! - p[y]!);
		const holm: number[] = [];
		let run = 0;
		order.forEach((idx, j) => {
			run = Math.max(run, Math.min(1, (p.length - j) * p[idx]!));
			holm[idx] = run;
		});
		family.forEach((r, i) => {
			sig(r.p_value_adjusted, holm[i]!, 12);
			expect(r.significant).toBe(holm[i]! < 0.05);
		});
		// guardrail-only metrics are not in the family
		expect(m('opt_outs_per_1k_assigned').p_value_adjusted).toBeNull();
	});

	test('guardrail verdicts: inconclusive margin, no harm, a hard limit breached', () => {
		const v = (metric: string) => a.guardrails.find((g) => g.metric === metric)!;
		// complaints: the interval (−355 to +755 per 1,000) neither clears nor passes the 0.5 margin
		expect(v('complaints_per_1k_assigned').verdict).toBe('not_enough_data');
		const w = welch([0, 0, 0, 0], [1, 0, 0, 0, 0]);
		sig(Number(v('complaints_per_1k_assigned').evidence.lower), w.lower * 1000, 8);
		// opt-outs: fewer in the arm, no harm; one-sided at the level, as the YAML says: the
		// always-valid one-sided test and the exact Poisson test, the verdict's p the larger of the two
		const o = v('opt_outs_per_1k_assigned');
		expect(o.verdict).toBe('ok');
		expect(o.evidence.method).toBe('always-valid one-sided and exact Poisson one-sided');
		expect(o.evidence.p_value).toBe(Math.max(Number(o.evidence.p_value_one_sided), Number(o.evidence.poisson_p_one_sided)));
		expect(Number(o.evidence.bound)).toBeLessThan(0); // more opt-outs in the arm is not shown: the difference may be below 0
		expect(o.message).toMatch(/always-valid one-sided 95% bound: the difference is at least .*; p = .*, one-sided at 0\.05/);
		// presumed violations: 2 in the arm, none in control, limit 0
		expect(v('presumed_violations').verdict).toBe('breached');
		expect(v('presumed_violations').evidence).toMatchObject({ count_arm: 2, count_control: 0, limit: 0 });
		expect(v('presumed_violations').message).toMatch(/treatment: 2 .*hard limit of 0; control has 0/);
	});

	test('segments: the account segments and vulnerable customers', () => {
		expect(a.segments.map((s) => s.key)).toEqual(['segment=retail', 'segment=sme', 'vulnerable']);
		const vul = a.segments.find((s) => s.key === 'vulnerable')!;
		expect(vul.arms).toEqual([
			{ arm: 'control', assigned: 1 },
			{ arm: 'treatment', assigned: 1 }
		]);
		const sme = a.segments.find((s) => s.key === 'segment=sme')!;
		const cure = sme.metrics.find((r) => r.metric === 'cure_rate_30d')!;
		// C2 not cured in 30 days, T2 cured: one account each, no interval
		expect([cure.control_value, cure.arm_value, cure.difference]).toEqual([0, 1, null]);
		// retail: C1, C3, C4 (1 of 3) against T1, T3 (1 of 2; T4 no episode, T5 immature)
		const retail = a.segments.find((s) => s.key === 'segment=retail')!.metrics.find((r) => r.metric === 'cure_rate_30d')!;
		const w = welch([1, 0, 0], [1, 0]);
		sig(retail.difference!.estimate, w.d, 10);
		sig(retail.p_value, w.p, 8);
		// the scan for uneven effects: retail against the rest (C2 against T2, one account each: no effect, so no test)
		expect(a.segments.find((s) => s.key === 'segment=retail')!.interaction).toEqual([
			{ arm: 'treatment', metric: 'cure_rate_30d', in_segment: retail.fixed!.difference!.estimate, in_rest: null, interaction: null, se: null, p_value: null, p_adjusted: null, flagged: false }
		]);
	});

	test('the effect over time is what the analysis said on each date (as-of snapshots), not today’s outcomes of earlier entrants', async () => {
		const eot = await effectOverTime(t.store, handExperiment(), { asOf: AS_OF });
		const pts = eot.series[0]!.points;
		// the Sunday ending each week from the start (Sunday 1 March) and the as-of date
		expect(pts.map((p) => p.as_of)).toEqual(snapshotDates('2026-03-01', AS_OF));
		expect(pts[0]!.as_of).toBe('2026-03-01');
		expect(pts.at(-2)!.as_of).toBe('2026-06-28');
		expect(pts.at(-1)!.as_of).toBe(AS_OF);
		// each point is the analysis at its date
		for (const p of pts.filter((_, i) => i % 4 === 1 || i === pts.length - 1)) {
			const then = (await analyzeExperiment(t.store, handExperiment(), { asOf: p.as_of })).metrics.find((r) => r.metric === 'cure_rate_30d' && r.arm === 'treatment')!;
			expect([p.n_control, p.n_arm], p.as_of).toEqual([then.n_control, then.n_arm]);
			if (!then.difference) expect(p.difference).toBeNull();
			else {
				sig(p.difference, then.difference.estimate, 12);
				sig(p.lower, then.difference.lower!, 12);
			}
		}
		// the episodes of 10 March were not 30 days old on 15 March: nobody counted yet, where
		// today's outcomes of the accounts that entered by then would have shown 2 against 2
		expect(pts.find((p) => p.as_of === '2026-03-15')).toMatchObject({ n_control: 0, n_arm: 0, difference: null });
		// the last point is the overall result
		sig(pts.at(-1)!.difference, m('cure_rate_30d').difference!.estimate, 12);
		expect(pts.map((p) => p.n_control + p.n_arm)).toEqual([...pts.map((p) => p.n_control + p.n_arm)].sort((x, y) => x - y));
	});

	test('snapshot dates: weekly Sundays and the as-of date, thinned beyond 26 from the as-of date back', () => {
		expect(snapshotDates('2026-03-04', '2026-03-20')).toEqual(['2026-03-08', '2026-03-15', '2026-03-20']);
		expect(snapshotDates('2026-03-04', '2026-03-05')).toEqual(['2026-03-05']);
		expect(snapshotDates('2026-03-04', '2026-03-01')).toEqual([]);
		const year = snapshotDates('2025-01-01', '2025-12-31');
		expect(year.length).toBeLessThanOrEqual(26);
		expect(year.at(-1)).toBe('2025-12-31');
		expect(year.at(-2)).toBe('2025-12-28');
		// 52 Sundays: every third, counted back from 28 December
		const sundays = year.slice(0, -1);
		const gaps = sundays.slice(1).map((d, i) => (Date.parse(d) - Date.parse(sundays[i]!)) / 86_400_000);
		expect(new Set(gaps)).toEqual(new Set([21]));
	});

	test('CUPED and the sequential mode on the same data', async () => {
		const b = await analyzeExperiment(t.store, handExperiment({ analysis: { alpha: 0.05, mode: 'sequential', variance_reduction: 'cuped', correction: 'bh' } }), { asOf: AS_OF });
		const r = b.metrics.find((x) => x.metric === 'cure_rate_30d')!;
		// θ pooled from the within-arm centred sums: S_xy = 50 − 50·1/4 = 37.5 and 30 − 30·2/3 = 10; S_xx = 1875 and 600
		const theta = (37.5 + 10) / (1875 + 600);
		const xbar = 80 / 7;
		const adjC = 0.25 - theta * (12.5 - xbar);
		const adjA = 2 / 3 - theta * (10 - xbar);
		// within-arm variance of Z = Y − θX: S_yy − 2θS_xy + θ²S_xx, over n − 1
		const varC = (0.75 - 2 * theta * 37.5 + theta ** 2 * 1875) / 3;
		const varA = (2 / 3 - 2 * theta * 10 + theta ** 2 * 600) / 2;
		expect(r.cuped!.applied).toBe(true);
		sig(r.cuped!.theta, theta, 10);
		sig(r.cuped!.adjusted_control_value, adjC, 10);
		sig(r.cuped!.adjusted_arm_value, adjA, 10);
		const v = varC / 4 + varA / 3;
		sig(r.difference!.estimate, adjA - adjC, 10);
		sig(r.difference!.se, Math.sqrt(v), 8);
		const s = mixture(adjA - adjC, v, 7);
		sig(r.difference!.lower, s.lower, 8);
		sig(r.difference!.upper, s.upper, 8);
		sig(r.p_value, s.p, 8);
		expect(r.p_value).toBe(r.p_value_sequential);
		// BH over the family
		const family = b.metrics.filter((x) => x.roles.includes('secondary') || x.roles.includes('primary'));
		const p = family.map((x) => x.p_value!);
		const k = p.length;
		family.forEach((x, i) => {
			const q = Math.min(1, ...p.map((_, j) => j).filter((j) => p[j]! >= p[i]!).map((j) => (k / (p.filter((y) => y <= p[j]!).length)) * p[j]!));
			sig(x.p_value_adjusted, q, 10);
		});
	});

	test('JSON-serialisable, and the statistics are reused until the data changes', async () => {
		expect(JSON.parse(JSON.stringify(a))).toEqual(a);
		const again = await analyzeExperiment(t.store, handExperiment(), { asOf: AS_OF });
		expect(again.timings.stats_cached).toBe(true);
		expect(again.metrics).toEqual(a.metrics);
		// a new import (one more complaint in control) is seen at once
		const r = await importFile(t.store, {
			path: t.file('more_complaints.csv', csv([['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'], ['K9', 'C4', '2026-04-15T10:00:00Z', 'other', 'web', 'low']])),
			table: 'complaints',
			source: 'cli'
		});
		expect(r.rows_inserted).toBe(1);
		const after = await analyzeExperiment(t.store, handExperiment(), { asOf: AS_OF });
		expect(after.timings.stats_cached).toBe(false);
		expect(after.metrics.find((x) => x.metric === 'complaints_per_1k_assigned')!.stats!.control.sum).toBe(1);
		clearExperimentStatsCache(t.store);
	});

	test('an experiment without assignments gives empty results, not an error', async () => {
		const b = await analyzeExperiment(t.store, handExperiment({ id: 'nobody' }), { asOf: AS_OF });
		expect(b.arms.map((x) => x.assigned)).toEqual([0, 0]);
		expect(b.srm.assigned).toBeNull();
		expect(b.metrics.every((r) => r.difference === null)).toBe(true);
		expect(b.guardrails.every((g) => g.verdict === 'not_enough_data')).toBe(true);
		expect(b.warnings.join(' ')).toMatch(/no account is assigned/);
	});
});

// ------------------------------------------------------------------ the demo data

describe('the demo experiments', () => {
	const ACCOUNTS = 200_000;
	let t: TempStore;
	let supportive: ExperimentAnalysis;
	let daily: ExperimentAnalysis;
	const primary = (a: ExperimentAnalysis): MetricResult => a.metrics.find((r) => r.metric === a.metrics[0]!.metric)!;

	beforeAll(async () => {
		t = await tempStore();
		await runDemo(t.store, { accounts: ACCOUNTS, seed: 7, outDir: t.dir + '/demo', asOf: AS_OF });
		const { experiments } = loadExperiments();
		const get = (id: string) => experiments.find((e) => e.id === id)!;
		supportive = await analyzeExperiment(t.store, get('supportive-reminder'), { asOf: AS_OF });
		daily = await analyzeExperiment(t.store, get('daily-call-cadence'), { asOf: AS_OF });
	}, 900_000);
	afterAll(() => t?.close());

	test('the sample ratio is not flagged', () => {
		for (const a of [supportive, daily]) {
			expect(a.srm.flagged, a.experiment).toBe(false);
			expect(a.trustworthy).toBe(true);
			expect(a.arms.every((x) => x.assigned > 5000)).toBe(true);
		}
	});

	test('supportive-reminder: a significant gain in cure within 30 days, no guardrail breached', () => {
		const r = primary(supportive);
		expect(r.metric).toBe('cure_rate_30d');
		expect(r.difference!.estimate).toBeGreaterThan(0.01);
		expect(r.difference!.estimate).toBeLessThan(0.06);
		expect(r.difference!.lower).toBeGreaterThan(0); // the always-valid interval clears 0
		expect(r.p_value_sequential).toBeLessThan(0.05);
		expect(r.p_value_adjusted).toBeLessThan(0.05);
		expect(r.significant).toBe(true);
		expect(r.bayes!.chance_to_beat).toBeGreaterThan(0.99);
		expect(supportive.guardrails).toHaveLength(3);
		expect(supportive.guardrails.filter((g) => g.verdict === 'breached')).toEqual([]);
		// the decision: ship the supportive message
		expect(supportive.decision).toMatchObject({ decision: 'ship', arms: ['supportive'], tone: 'good' });
		expect(supportive.decision.sentence).toMatch(/^Ship supportive: cure rate \(30 days\) \+\d\.\d pp \(\+\d\.\d to \+\d\.\d pp\), no guardrail harmed\.$/i);
	});

	test('daily-call-cadence: complaints, opt-outs and presumed violations breach their guardrails', () => {
		// the decision: stop the daily call, in words
		expect(daily.decision).toMatchObject({ decision: 'stop', tone: 'bad' });
		expect(daily.decision.sentence).toMatch(/^Stop Daily call: .*significantly worse/);
		const v = Object.fromEntries(daily.guardrails.map((g) => [g.metric, g]));
		expect(v.complaints_per_1k_assigned!.verdict).toBe('breached');
		expect(v.complaints_per_1k_assigned!.rule).toBe('non_inferiority');
		expect(Number(v.complaints_per_1k_assigned!.evidence.lower)).toBeGreaterThan(0.5);
		expect(v.opt_outs_per_1k_assigned!.verdict).toBe('breached');
		expect(Number(v.opt_outs_per_1k_assigned!.evidence.poisson_p_one_sided)).toBeLessThan(0.05);
		// presumed violations are the compliance audit's findings: a few in control too, many more in the daily arm
		expect(v.presumed_violations!.verdict).toBe('breached');
		expect(v.presumed_violations!.rule).toBe('hard_limit');
		expect(Number(v.presumed_violations!.evidence.count_arm)).toBeGreaterThan(20 * Number(v.presumed_violations!.evidence.count_control));
		// the daily arm reaches more customers and loads them more
		const rpc = daily.metrics.find((r) => r.metric === 'right_party_reach')!;
		expect(rpc.difference!.lower).toBeGreaterThan(0);
		const load = daily.metrics.find((r) => r.metric === 'contacts_per_account_week')!;
		expect(load.difference!.lower).toBeGreaterThan(0);
	});

	test('segments include vulnerable customers, and the effect over time ends at the overall effect', async () => {
		// the scan for uneven effects: every segment against the rest, Holm over the scan, vulnerable customers always in it
		for (const x of [supportive, daily]) {
			const scan = x.segments.flatMap((g) => g.interaction);
			expect(scan.length).toBe(x.segments.length);
			expect(x.segments.find((g) => g.key === 'vulnerable')!.interaction[0]!.p_value).not.toBeNull();
			for (const i of scan.filter((y) => y.p_value != null)) {
				expect(i.interaction).toBeCloseTo(i.in_segment! - i.in_rest!, 12);
				expect(i.p_adjusted!).toBeGreaterThanOrEqual(i.p_value!);
				expect(i.flagged).toBe(i.p_adjusted! < x.alpha);
			}
		}
		for (const a of [supportive, daily]) expect(a.segments.map((s) => s.key)).toEqual(['segment=retail', 'segment=sme', 'segment=corporate', 'vulnerable']);
		// the effect over time of the supportive reminder: weekly snapshots, the last the analysis itself
		const eot = await effectOverTime(t.store, loadExperiments().experiments.find((e) => e.id === 'supportive-reminder')!, { asOf: AS_OF });
		const pts = eot.series[0]!.points;
		expect(pts.length).toBeGreaterThan(8);
		sig(pts.at(-1)!.difference, primary(supportive).difference!.estimate, 12);
	});
});
