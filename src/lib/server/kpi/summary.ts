/**
 * The KPIs of kpis.md for a period and filters, each with its numerator and denominator
 * where it is a ratio. The SQL in queries/kpi/ counts; this module divides and runs the
 * Kaplan–Meier estimates. The CLI, the Overview page and its endpoint all call kpiSummary.
 */
import { z } from 'zod';
import { kaplanMeier, kmQuantile, type TimeCount } from '../../stats/km.ts';
import type { Store } from '../db/store.ts';
import { storeOverview } from '../data/overview.ts';
import { querySql } from '../paths.ts';

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'dates are written YYYY-MM-DD' })
	.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')), { error: 'not a real date' });

export const kpiParamsSchema = z
	.object({
		from: isoDate,
		to: isoDate,
		as_of: isoDate.optional(),
		segment: z.enum(['retail', 'sme', 'corporate'], { error: 'segment must be retail, sme or corporate' }).optional(),
		product: z.string().regex(/^[\w-]{1,40}$/, { error: 'product is a word like card' }).optional(),
		region: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'region is an ISO 3166-2 code like US-MA' }).optional(),
		vulnerable: z.boolean().optional(),
		contact_threshold: z.number().int().min(1).max(100).default(7)
	})
	.refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['from'] });
export type KpiParams = z.input<typeof kpiParamsSchema>;

export interface KpiValue {
	value: number | null;
	numerator?: number;
	denominator?: number;
	/** part of the period's cohort is not yet mature: the value covers only the mature part */
	provisional?: boolean;
}

export interface KpiSummary {
	from: string;
	to: string;
	as_of: string;
	filters: { segment?: string; product?: string; region?: string; vulnerable?: boolean };
	kpis: Record<string, KpiValue>;
}

const ratio = (num: number, den: number, scale = 1, provisional?: boolean): KpiValue => ({
	value: den > 0 ? (num / den) * scale : null,
	numerator: num,
	denominator: den,
	...(provisional !== undefined ? { provisional } : {})
});

const n = (v: unknown) => Number(v ?? 0);

/** the data's as-of date: the latest date anywhere in the data */
export async function dataAsOf(store: Store): Promise<string | null> {
	const o = await storeOverview(store);
	return o.as_of ? o.as_of.slice(0, 10) : null;
}

export async function kpiSummary(store: Store, input: KpiParams): Promise<KpiSummary> {
	const p = kpiParamsSchema.parse(input);
	const asOf = p.as_of ?? (await dataAsOf(store)) ?? p.to;
	const filters = { segment: p.segment ?? null, product: p.product ?? null, region: p.region ?? null, vulnerable: p.vulnerable ?? null };
	const base = { from: p.from, to: p.to, ...filters };

	const [ep] = await store.rows<Record<string, unknown>>(querySql('kpi/episodes'), { ...base, as_of: asOf });
	const [ct] = await store.rows<Record<string, unknown>>(querySql('kpi/contacts'), base);
	const [load] = await store.rows<Record<string, unknown>>(querySql('kpi/contact_load'), { ...base, threshold: p.contact_threshold });
	const tte = await store.rows<{ measure: string; t: number; events: number; censored: number }>(querySql('kpi/time_to_event'), { ...base, as_of: asOf });

	const episodes = n(ep!.episodes);
	const mature = (d: number) => n(ep![`mature_${d}`]);
	const cure = (d: 30 | 60 | 90) => ratio(n(ep![`cured_${d}`]), mature(d), 1, episodes > mature(d));
	const km = (measure: string) => kaplanMeier(tte.filter((r) => r.measure === measure).map((r): TimeCount => ({ t: n(r.t), events: n(r.events), censored: n(r.censored) })));
	const pay = km('days_to_pay');
	const contact = km('time_to_first_contact');
	const kmValue = (curve: ReturnType<typeof kaplanMeier>, q: number): KpiValue => ({ value: episodes > 0 ? kmQuantile(curve, q) : null });

	const contacted = n(ct!.accounts_contacted);
	const accountWeeks = n(load!.account_weeks);
	const kpis: Record<string, KpiValue> = {
		cure_rate_30d: cure(30),
		cure_rate_60d: cure(60),
		cure_rate_90d: cure(90),
		self_cure_rate: ratio(n(ep!.self_cured_30), mature(30), 1, episodes > mature(30)),
		days_to_pay_median: kmValue(pay, 0.5),
		days_to_pay_p75: kmValue(pay, 0.75),
		complaints_per_1k_contacted: ratio(n(ct!.complaints), contacted, 1000),
		complaints_per_10k_contacts: ratio(n(ct!.complaints), n(ct!.outbound_contacts), 10_000),
		contact_load_over_threshold: ratio(n(load!.over_threshold), accountWeeks),
		contact_load_median: { value: accountWeeks > 0 ? n(load!.median) : null },
		contact_load_p90: { value: accountWeeks > 0 ? n(load!.p90) : null },
		right_party_contact_rate: ratio(n(ct!.conversations), n(ct!.outbound_calls)),
		opt_out_rate: ratio(n(ct!.opt_outs), contacted, 1000),
		recovery_rate: ratio(n(ep!.recovered_share_sum), mature(30), 1, episodes > mature(30)),
		charge_off_rate: ratio(n(ep!.charged_off_180), mature(180), 1, episodes > mature(180)),
		time_to_first_contact_median: kmValue(contact, 0.5),
		payment_plan_uptake: ratio(n(ep!.plan_within_30), mature(30), 1, episodes > mature(30)),
		attrition_after_cure: ratio(n(ep!.left_after_cure), n(ep!.cured_mature_180))
	};
	return {
		from: p.from,
		to: p.to,
		as_of: asOf,
		filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== null)),
		kpis
	};
}
