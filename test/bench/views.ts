/**
 * The Overview views the bench times (test/bench/bench.ts) and the load test requests
 * (test/bench/load.ts): the period presets, random periods inside the data, each filter alone
 * and pairs of filters (account and contact filters mixed, and two contact filters). Drawn
 * from the store with a seeded generator, so that two runs with the same --seed on the same
 * data time the same views. Every view carries its period explicitly (from, to), as the
 * page's links and its chart requests do; the arm filter is "experiment/arm" in `arm`, as the
 * page's select sends it.
 */
import type { Store } from '../../src/lib/server/db/store.ts';
import { overviewParams } from '../../src/lib/server/kpi/overview.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { addDays, daysBetween, PRESETS, presetPeriod } from '../../src/lib/periods.ts';

export interface BenchView {
	/** short words for the report: "preset last_month", "segment=sme", "region=US-CA + tone=firm, 2024-02-03…2024-05-09" */
	label: string;
	kind: 'preset' | 'period' | 'filter' | 'pair';
	/** the URL query of the Overview (and, with grain or format added, of its chart requests) */
	query: Record<string, string>;
}

/** mulberry32: a small seeded generator, the same sequence on every machine */
export function seeded(seed: number): () => number {
	let a = (seed >>> 0) + 0x9e3779b9;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ACCOUNT_FILTERS = ['segment', 'product', 'region', 'vulnerable', 'experiment', 'arm'] as const;
const CONTACT_FILTERS = ['channel', 'tone', 'template', 'agent'] as const;
type Filter = (typeof ACCOUNT_FILTERS)[number] | (typeof CONTACT_FILTERS)[number];

/** the pairs: account + account, account + contact (the most), contact + contact */
const PAIRS: [Filter, Filter][] = [
	['segment', 'region'],
	['product', 'vulnerable'],
	['segment', 'channel'],
	['region', 'tone'],
	['product', 'template'],
	['vulnerable', 'agent'],
	['arm', 'channel'],
	['experiment', 'segment'],
	['segment', 'agent'],
	['channel', 'tone'],
	['agent', 'tone'],
	['template', 'tone']
];

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v == null ? null : String(v).slice(0, 10));

/** each filter's values: kpi_filter_values where it has them, the raw tables for the others */
async function filterValues(store: Store): Promise<Record<Filter, string[]>> {
	const out = Object.fromEntries([...ACCOUNT_FILTERS, ...CONTACT_FILTERS].map((k) => [k, [] as string[]])) as Record<Filter, string[]>;
	const stored = await store.rows<{ dimension: string; value: unknown }>(`SELECT dimension, value FROM kpi_filter_values ORDER BY dimension, value`).catch(() => []);
	for (const r of stored) if (r.dimension in out && r.value != null) out[r.dimension as Filter].push(String(r.value));
	const fill = async (k: Filter, sql: string) => {
		if (out[k].length) return;
		out[k] = (await store.rows<{ v: unknown }>(sql)).map((r) => String(r.v));
	};
	await fill('segment', `SELECT DISTINCT segment::VARCHAR AS v FROM accounts WHERE segment IS NOT NULL ORDER BY 1`);
	await fill('product', `SELECT DISTINCT product::VARCHAR AS v FROM accounts WHERE product IS NOT NULL ORDER BY 1`);
	await fill('region', `SELECT DISTINCT region::VARCHAR AS v FROM accounts WHERE region IS NOT NULL ORDER BY 1`);
	if (!out.vulnerable.length) out.vulnerable = ['true', 'false'];
	else out.vulnerable = out.vulnerable.map((v) => (v === '1' ? 'true' : v === '0' ? 'false' : v));
	await fill('channel', `SELECT DISTINCT channel::VARCHAR AS v FROM interactions WHERE direction = 'outbound' ORDER BY 1`);
	await fill('tone', `SELECT DISTINCT tone::VARCHAR AS v FROM interactions WHERE direction = 'outbound' AND tone IS NOT NULL ORDER BY 1`);
	await fill('template', `SELECT DISTINCT template_id AS v FROM interactions WHERE direction = 'outbound' AND template_id IS NOT NULL ORDER BY 1`);
	await fill('agent', `SELECT DISTINCT agent_id AS v FROM interactions WHERE direction = 'outbound' AND agent_id IS NOT NULL ORDER BY 1`);
	await fill('experiment', `SELECT DISTINCT experiment_id AS v FROM experiment_assignments ORDER BY 1`);
	await fill('arm', `SELECT DISTINCT experiment_id || '/' || variant AS v FROM experiment_assignments ORDER BY 1`);
	return out;
}

/**
 * The views: the default (last 90 days), every other preset, two presets against the same days a
 * year before, `randomPeriods` random periods, each filter alone on the default period, and the
 * pairs on a preset or a random period. Views whose query the Overview would refuse (it would
 * show the default instead) are left out and listed in `refused`.
 */
export async function benchViews(store: Store, seed: number, opts: { randomPeriods?: number } = {}): Promise<{ views: BenchView[]; as_of: string; data_from: string; refused: { label: string; problems: string[] }[] }> {
	const asOf = await dataAsOf(store);
	if (!asOf) throw new Error('bench views: the store holds no data');
	const [first] = await store.rows<{ d: unknown }>(
		`SELECT least((SELECT min(started_on) FROM delinquencies), (SELECT min(occurred_at) FROM interactions)::DATE) AS d`
	);
	const dataFrom = day(first?.d) ?? addDays(asOf, -365);
	const rnd = seeded(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
	const span = daysBetween(dataFrom, asOf);
	const randomPeriod = () => {
		const a = addDays(dataFrom, Math.floor(rnd() * span));
		const b = addDays(dataFrom, Math.floor(rnd() * span));
		return a <= b ? { from: a, to: b } : { from: b, to: a };
	};
	const values = await filterValues(store);
	const def = presetPeriod('last_90_days', asOf);
	const views: BenchView[] = [{ label: 'default (last 90 days)', kind: 'preset', query: { ...def } }];
	for (const p of PRESETS) if (p.id !== 'last_90_days') views.push({ label: `preset ${p.id}`, kind: 'preset', query: { ...presetPeriod(p.id, asOf) } });
	for (const id of ['last_90_days', 'last_quarter'] as const) views.push({ label: `preset ${id}, compare year`, kind: 'preset', query: { ...presetPeriod(id, asOf), compare: 'year' } });
	for (let i = 0; i < (opts.randomPeriods ?? 10); i++) {
		const p = randomPeriod();
		views.push({ label: `period ${p.from}…${p.to}`, kind: 'period', query: p });
	}
	const chosen = (k: Filter) => (values[k].length ? pick(values[k]) : null);
	for (const k of [...ACCOUNT_FILTERS, ...CONTACT_FILTERS]) {
		const v = chosen(k);
		if (v != null) views.push({ label: `${k}=${v}`, kind: 'filter', query: { ...def, [k]: v } });
	}
	for (const [a, b] of PAIRS) {
		const va = chosen(a);
		const vb = chosen(b);
		if (va == null || vb == null) continue;
		// an arm filter names its experiment: the pair experiment + arm would be one filter
		const p = rnd() < 0.5 ? { ...presetPeriod(pick(PRESETS).id, asOf) } : randomPeriod();
		views.push({ label: `${a}=${va} + ${b}=${vb}, ${p.from}…${p.to}`, kind: 'pair', query: { ...p, [a]: va, [b]: vb } });
	}
	const refused: { label: string; problems: string[] }[] = [];
	const ok: BenchView[] = [];
	for (const v of views) {
		const { problems } = await overviewParams(store, v.query);
		if (problems.length) refused.push({ label: v.label, problems });
		else ok.push(v);
	}
	return { views: ok, as_of: asOf, data_from: dataFrom, refused };
}

/** the view's query as a URL search string */
export const searchOf = (q: Record<string, string>, extra: Record<string, string> = {}) => new URLSearchParams({ ...q, ...extra }).toString();

/** nearest-rank quantile of numbers (q in 0…1); null for none */
export function quantile(xs: readonly number[], q: number): number | null {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
