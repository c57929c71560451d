/**
 * Why a KPI has no value, and when it will have one where that can be known: the words under a
 * tile's "no data" on the Overview (and the comparison's). Derived only from what the page
 * already holds (the period, the data's as-of date, the KPI's definition and the numerators and
 * denominators of the period's KPIs). Pure; shared by server and browser. docs/wording.md.
 */
import { metricDef } from './metrics/catalogue.ts';
import { firstMatureOn, type Period } from './periods.ts';

export interface NoDataValue {
	value: number | null;
	numerator?: number;
	denominator?: number;
	provisional?: boolean;
}

export interface NoDataContext {
	period: Period;
	/** the data's as-of date (its last day) */
	asOf: string;
	/** every KPI of the same period (to tell "no episode began" from "none is old enough yet") */
	kpis: Record<string, NoDataValue | undefined>;
	/** a filter is in force: "with these filters" */
	filtered?: boolean;
	/** 'this' for the period shown, 'that' for the period it is compared with */
	which?: 'this' | 'that';
}

export interface NoDataReason {
	/** why there is no value, as a sentence without its full stop */
	why: string;
	/** when there will be one, where that can be known */
	when: string | null;
}

const fmtDay = (d: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z'));

/** whether any delinquency episode began in the period, from the maturity-based KPIs (provisional: some episode is not mature yet) */
export function episodesBegan(kpis: NoDataContext['kpis']): boolean {
	for (const [name, v] of Object.entries(kpis)) {
		const c = metricDef(name)?.compute;
		if (!v || c?.kind !== 'ratio' || !c.denominator.startsWith('mature_')) continue;
		if ((v.denominator ?? 0) > 0 || v.provisional === true) return true;
	}
	return false;
}

const EVENT_WORDS: Record<string, { had: string; who: string }> = {
	days_to_pay: { had: 'made a payment', who: 'episodes' },
	first_contact_to_pay: { had: 'paid after their first contact', who: 'contacted episodes' },
	time_to_first_contact: { had: 'been contacted', who: 'episodes' },
	time_to_cure: { had: 'cured', who: 'episodes' }
};

/** the reason a KPI of the catalogue has no value; null when it has one */
export function noDataReason(name: string, v: NoDataValue | undefined, ctx: NoDataContext): NoDataReason | null {
	if (v && v.value != null) return null;
	const def = metricDef(name);
	const period = `${ctx.which === 'that' ? 'that' : 'this'} period${ctx.filtered ? ' with these filters' : ''}`;
	const noEpisodes: NoDataReason = { why: `no delinquency episode began in ${period}`, when: ctx.period.to >= ctx.asOf ? 'new episodes count as they begin' : null };
	if (!def) return { why: `nothing to count in ${period}`, when: null };
	const c = def.compute;
	if (c.kind === 'ratio') {
		const mature = /^mature_(\d+)$/.exec(c.denominator);
		if (mature) {
			const days = Number(mature[1]);
			if (!v?.provisional && !episodesBegan(ctx.kpis)) return noEpisodes;
			const first = firstMatureOn(ctx.period, ctx.asOf, days);
			return {
				why: `no episode that began in ${period} is ${days} days old yet`,
				when: `the first will be on ${fmtDay(first.on)}${first.exact ? '' : ' at the earliest'}`
			};
		}
		if (c.denominator === 'cured_mature_180') {
			if (!episodesBegan(ctx.kpis)) return noEpisodes;
			const first = firstMatureOn(ctx.period, ctx.asOf, 180);
			return {
				why: `no cure of an episode of ${period} is 180 days old yet (attrition is judged 180 days after a cure)`,
				when: `the first can be on ${fmtDay(first.on)} at the earliest`
			};
		}
		const population = def.words?.population ?? 'cases to count';
		return { why: `no ${population} in ${period}, so there is nothing to divide by`, when: null };
	}
	if (c.kind === 'km_quantile' || c.kind === 'time') {
		if (!episodesBegan(ctx.kpis)) return noEpisodes;
		const w = EVENT_WORDS[c.measure] ?? { had: 'reached the event', who: 'episodes' };
		const share = c.kind === 'km_quantile' ? (c.q === 0.5 ? 'half' : `${Math.round(c.q * 100)}%`) : 'half';
		return {
			why: `fewer than ${share} of the ${w.who} of ${period} had ${w.had} by ${fmtDay(ctx.asOf)}, the data's last day, so the ${c.kind === 'km_quantile' && c.q !== 0.5 ? 'percentile' : 'median'} is not reached yet`,
			when: `once ${share} of them have; the day cannot be known in advance`
		};
	}
	if (c.kind === 'load_quantile' || c.kind === 'load_max') return { why: `no account had an outbound contact in a week of ${period}`, when: null };
	return { why: `nothing to count in ${period}`, when: null };
}

/** the reason as one sentence: "Why: when." */
export function reasonText(r: NoDataReason): string {
	const s = r.why.charAt(0).toUpperCase() + r.why.slice(1);
	return r.when ? `${s}; ${r.when}.` : `${s}.`;
}

/** the few words a table cell shows instead of a value: "no episode 30 days old yet", "no outbound calls" */
export function shortNoData(name: string): string {
	const c = metricDef(name)?.compute;
	if (c?.kind === 'ratio') {
		const mature = /^mature_(\d+)$/.exec(c.denominator);
		if (mature) return `no episode ${mature[1]} days old yet`;
		return `no ${metricDef(name)?.words?.population ?? 'cases'}`;
	}
	if (c?.kind === 'km_quantile') return 'not reached yet';
	return 'nothing to count';
}
