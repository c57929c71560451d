/**
 * How the experiment pages write the analysis (src/lib/server/experiments/analysis/) in
 * ux.md's formats: shares as 38.5% and their differences in percentage points (+3.1 pp),
 * counts per 1,000 accounts with one decimal, days, p-values, and the primary result in one
 * sentence. Pure: shared by the server (the list) and the browser (charts, tables).
 */
import type { IntervalOut, MetricResult, MetricUnit } from './analysis-types.ts';

const MINUS = '−';
const signed = (v: number, text: string) => (v > 0 ? `+${text}` : v < 0 ? `${MINUS}${text}` : text);
const abs1 = (v: number, digits = 1) => Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** a shares' unit is a share (0–1); recovery_rate, a mean share, reads the same way */
const isShare = (u: MetricUnit) => u === 'share' || u === 'mean';

/** an observed value: 38.5%, 4.2 per 1,000, 2.31 a week, 41.2 days */
export function formatValue(unit: MetricUnit, v: number | null | undefined): string {
	if (v == null || !Number.isFinite(v)) return '—';
	switch (unit) {
		case 'share':
		case 'mean':
			return `${(v * 100).toFixed(1)}%`;
		case 'per_1000_accounts':
			return `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} per 1,000`;
		case 'per_account_week':
			return `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} a week`;
		case 'days':
			return `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} days`;
	}
}

/** a difference arm − control: +3.1 pp, −0.4 per 1,000, +0.12 a week, −1.3 days */
export function formatDiff(unit: MetricUnit, v: number | null | undefined): string {
	if (v == null || !Number.isFinite(v)) return '—';
	if (isShare(unit)) return signed(v, `${abs1(v * 100)} pp`);
	if (unit === 'per_1000_accounts') return signed(v, `${abs1(v)} per 1,000`);
	if (unit === 'per_account_week') return signed(v, `${abs1(v, 2)} a week`);
	return signed(v, `${abs1(v)} days`);
}

/** the number alone, for chart axes and interval ends: 3.1 (pp), −0.4 */
export function diffNumber(unit: MetricUnit, v: number): number {
	return isShare(unit) ? v * 100 : v;
}
export const diffUnitName = (unit: MetricUnit) => (isShare(unit) ? 'pp' : unit === 'per_1000_accounts' ? 'per 1,000' : unit === 'per_account_week' ? 'a week' : 'days');

/** "+3.1 pp (95% CI +1.8 to +4.4 pp)"; an open end reads "open" */
export function formatInterval(unit: MetricUnit, i: IntervalOut | null | undefined, alpha: number): string {
	if (!i) return '—';
	return `${formatDiff(unit, i.estimate)} (${confidence(alpha)} CI ${ends(unit, i)})`;
}

/**
 * "+1.8 to +4.4 pp". A difference of shares lies within ±100 pp: an interval end beyond it
 * (a small segment's always-valid interval can reach ±1,000 pp) reads "below −100" or
 * "above +100", which says the same without a number nobody can use.
 */
export function ends(unit: MetricUnit, i: IntervalOut): string {
	const end = (v: number | null, last: boolean) => {
		if (v == null) return 'open';
		if (isShare(unit) && Math.abs(v) > 1) return `${v < 0 ? 'below −100' : 'above +100'}${last ? ' pp' : ''}`;
		const t = formatDiff(unit, v);
		return last ? t : t.replace(/ (pp|per 1,000|a week|days)$/, '');
	};
	return `${end(i.lower, false)} to ${end(i.upper, true)}`;
}

/** a lift beyond +1,000% reads better as a ratio: ×12.3 (the arm's value over control's) */
const liftPc = (v: number | null) => (v == null ? 'open' : v > 10 ? `×${(1 + v).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}` : signed(v, `${abs1(v * 100)}%`));

/** a relative lift: +7.9% (−1.0% to +16.8%) */
export function formatLift(i: IntervalOut | null | undefined): string {
	if (!i) return '—';
	return `${liftPc(i.estimate)} (${liftPc(i.lower)} to ${liftPc(i.upper)})`;
}

/** a relative lift's estimate and its interval apart: ["+7.9%", "−1.0% to +16.8%"] */
export function liftParts(i: IntervalOut): [string, string] {
	return [liftPc(i.estimate), `${liftPc(i.lower)} to ${liftPc(i.upper)}`];
}

export const confidence = (alpha: number) => `${+((1 - alpha) * 100).toFixed(1)}%`;

/** p-values: 0.0123, <0.0001 */
export function formatP(p: number | null | undefined): string {
	if (p == null || !Number.isFinite(p)) return '—';
	if (p < 0.0001) return '<0.0001';
	return p.toFixed(4);
}

/** "p = 0.0432", "p < 0.0001" */
export const pText = (p: number | null | undefined) => (p != null && Number.isFinite(p) && p < 0.0001 ? 'p < 0.0001' : `p = ${formatP(p)}`);

export const formatChance = (c: number | null | undefined) => (c == null ? '—' : `${(c * 100).toFixed(1)}%`);

/** is the arm's change good news, bad news, or not distinguishable from none (the interval spans 0) */
export function verdict(r: MetricResult): 'better' | 'worse' | 'unclear' | 'no data' {
	const d = r.difference;
	if (!d || d.lower == null || d.upper == null) return d ? 'unclear' : 'no data';
	const up = r.better === 'up';
	if (d.lower > 0) return up ? 'better' : 'worse';
	if (d.upper < 0) return up ? 'worse' : 'better';
	return 'unclear';
}

/** the metric's change in words: "cures 3.1 pp more", "1.3 days faster" */
function change(r: MetricResult, v: number): string {
	const more = v > 0;
	if (isShare(r.unit)) return `${abs1(v * 100)} pp ${more ? 'higher' : 'lower'}`;
	if (r.unit === 'days') return `${abs1(v)} days ${more ? 'longer' : 'shorter'} (restricted mean to day ${r.survival?.horizon_days ?? 90})`;
	if (r.unit === 'per_1000_accounts') return `${abs1(v)} per 1,000 accounts ${more ? 'higher' : 'lower'}`;
	return `${abs1(v, 2)} a week ${more ? 'higher' : 'lower'}`;
}

/**
 * The primary result in one sentence (ux.md): "supportive: cure rate (30 days) 3.1 pp higher
 * than control (41.2% against 38.1%), 95% CI +1.8 to +4.4 pp, significant."
 */
export function primarySentence(r: MetricResult, alpha: number, mode: 'sequential' | 'fixed'): string {
	if (!r.difference) return `${r.arm}: ${r.label.toLowerCase()} has no result yet${r.note ? ` (${r.note})` : ''}.`;
	const d = r.difference;
	const values = r.control_value != null && r.arm_value != null ? ` (${formatValue(r.unit, r.arm_value)} against ${formatValue(r.unit, r.control_value)})` : '';
	const what = d.estimate === 0 ? 'the same as control' : `${change(r, d.estimate)} than control`;
	const ci = `${confidence(alpha)} ${mode === 'sequential' ? 'always-valid ' : ''}CI ${ends(r.unit, d)}`;
	const sig = r.significant === true ? 'significant' : r.significant === false ? 'not significant' : 'not tested';
	const good = verdict(r) === 'better' ? ' — better' : verdict(r) === 'worse' ? ' — worse' : '';
	return `${r.arm}: ${r.label.toLowerCase()} ${what}${values}, ${ci}, ${sig}${good}.`;
}
