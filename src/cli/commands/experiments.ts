import { z } from 'zod';
import type { Experiment } from '../../lib/experiments/schema.ts';
import { Store } from '../../lib/server/db/store.ts';
import { assignmentCounts, launchExperiment, stopExperiment } from '../../lib/server/experiments/lifecycle.ts';
import { experimentsDir, ExperimentError, getExperiment, loadExperiments, type Actor } from '../../lib/server/experiments/registry.ts';
import { parse, UsageError } from '../args.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const usage = `usage: curewise experiments list [--db FILE] [--json]
       curewise experiments show ID [--json]
       curewise experiments launch ID [--db FILE] [--json]
       curewise experiments stop ID --reason TEXT [--db FILE] [--json]
       curewise experiments analyze ID [--as-of DATE] [--db FILE] [--json]

The definitions are experiments/<id>.yaml (the folder is $CUREWISE_EXPERIMENTS_DIR, default
experiments/ in the project).
  list     every definition: status, arms and weights, start, planned end and the accounts
           assigned per arm in the store; files with problems are listed with them (exit 1)
  show     the definition file (--json: the validated definition, defaults filled in)
  launch   a draft: assigns every eligible account to an arm, stores the assignments and
           marks the file running (as the admin 'cli')
  stop     a running experiment, with the reason (as the admin 'cli')
  analyze  the results per arm and metric against control, guardrails, sample ratio
Exit status: 0 done, 1 refused or failed (the message says why), 2 wrong usage.`;

const CLI_ACTOR: Actor = { username: 'cli', role: 'admin' };
const SUBCOMMANDS = ['list', 'show', 'launch', 'stop', 'analyze'] as const;

const int = (n: number) => n.toLocaleString('en-US');
const pct = (w: number) => `${+(w * 100).toFixed(2)}%`;
const out = (s: string) => process.stdout.write(s + '\n');
const json = (v: unknown) => out(JSON.stringify(v, null, 2));

/** columns padded to their widest cell */
function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
	return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function run(argv: string[]): Promise<number> {
	const [sub, ...rest] = argv;
	if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(', ')}\n\n${usage}`);
	const { values, positionals } = parse(
		rest,
		{ db: { type: 'string' }, json: { type: 'boolean', default: false }, reason: { type: 'string' }, 'as-of': { type: 'string' } },
		z.object({
			db: z.string().optional(),
			json: z.boolean(),
			reason: z.string().trim().min(1, { error: 'say why' }).optional(),
			'as-of': z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date written YYYY-MM-DD' }).optional()
		}),
		usage
	);
	if (sub === 'list') {
		if (positionals.length) throw new UsageError(`list takes no experiment id\n\n${usage}`);
		return list(values.db, values.json);
	}
	const [id, ...extra] = positionals;
	if (!id) throw new UsageError(`name the experiment: curewise experiments ${sub} ID\n\n${usage}`);
	if (extra.length) throw new UsageError(`one experiment at a time (got ${positionals.join(', ')})\n\n${usage}`);
	if (sub === 'stop' && !values.reason) throw new UsageError(`--reason is needed: say why the experiment stops\n\n${usage}`);
	if (values.reason && sub !== 'stop') throw new UsageError(`--reason goes with stop\n\n${usage}`);
	if (values['as-of'] && sub !== 'analyze') throw new UsageError(`--as-of goes with analyze\n\n${usage}`);
	try {
		if (sub === 'show') return show(id, values.json);
		const store = await Store.open({ path: values.db });
		try {
			if (sub === 'launch') return await launch(store, id, values.json);
			if (sub === 'stop') return await stop(store, id, values.reason!, values.json);
			return await analyze(store, id, values['as-of'], values.json);
		} finally {
			await store.close();
		}
	} catch (e) {
		if (e instanceof ExperimentError) {
			process.stderr.write(`curewise experiments ${sub}: ${e.message}\n`);
			return 1;
		}
		throw e;
	}
}

async function list(db: string | undefined, asJson: boolean): Promise<number> {
	const { experiments, problems } = loadExperiments();
	const store = await Store.open({ path: db });
	let counts: Awaited<ReturnType<typeof assignmentCounts>>;
	try {
		counts = await assignmentCounts(store);
	} finally {
		await store.close();
	}
	const shaped = experiments.map((e) => {
		const assigned = counts[e.id] ?? {};
		return {
			id: e.id,
			title: e.title,
			status: e.status,
			start: e.start,
			planned_end: e.planned_end,
			arms: e.arms.map((a) => ({ id: a.id, weight: a.weight, assigned: assigned[a.id] ?? 0 })),
			assigned: Object.values(assigned).reduce((s, n) => s + n, 0)
		};
	});
	if (asJson) json({ folder: experimentsDir(), experiments: shaped, problems });
	else {
		if (!shaped.length) out(`no valid experiment definitions in ${experimentsDir()}`);
		else
			out(
				table([
					['ID', 'STATUS', 'ARMS', 'START', 'PLANNED END', 'ASSIGNED'],
					...shaped.map((e) => [
						e.id,
						e.status,
						e.arms.map((a) => `${a.id} ${pct(a.weight)}`).join(', '),
						e.start,
						e.planned_end,
						e.assigned ? `${int(e.assigned)} (${e.arms.map((a) => `${a.id} ${int(a.assigned)}`).join(', ')})` : '—'
					])
				])
			);
		if (problems.length) {
			out(`\n${problems.length} file${problems.length === 1 ? '' : 's'} with problems (left out above):`);
			for (const p of problems) for (const m of p.messages) out(`  ✗ ${m}`);
		}
	}
	return problems.length ? 1 : 0;
}

function show(id: string, asJson: boolean): number {
	const e = getExperiment(id);
	if (!e) throw new ExperimentError(`there is no experiment ${id} (no ${id}.yaml in ${experimentsDir()})`);
	if (asJson) json(e);
	else process.stdout.write(readFileSync(join(experimentsDir(), `${id}.yaml`), 'utf8'));
	return 0;
}

async function launch(store: Store, id: string, asJson: boolean): Promise<number> {
	const r = await launchExperiment(store, id, CLI_ACTOR);
	if (asJson) json(r);
	else {
		const arms = Object.entries(r.assigned)
			.map(([a, n]) => `${a} ${int(n)}`)
			.join(', ');
		out(`✓ launched ${id}: ${int(r.eligible)} eligible accounts assigned (${arms}) in ${(r.duration_ms / 1000).toFixed(1)} s`);
		out(`  ${id}.yaml is running, launched by ${CLI_ACTOR.username} at ${r.launched_at}, definition hash ${r.definition_hash.slice(0, 12)}…`);
	}
	return 0;
}

async function stop(store: Store, id: string, reason: string, asJson: boolean): Promise<number> {
	const e: Experiment = await stopExperiment(store, id, { actor: CLI_ACTOR, reason });
	if (asJson) json({ id: e.id, status: e.status, stopped: e.stopped });
	else out(`✓ stopped ${id} at ${e.stopped!.at}: ${reason}`);
	return 0;
}

// ------------------------------------------------------------------------------- analyze

/**
 * The analysis is written by src/lib/server/experiments/analyze.ts:
 * analyzeExperiment(store, e, { asOf }) → a JSON-serialisable object. The text view reads the
 * parts it knows by name and leaves out what it does not find.
 */
type AnalyzeModule = { analyzeExperiment: (store: Store, e: Experiment, opts?: { asOf?: string }) => Promise<unknown> };
const ANALYZE_MODULE = '../../lib/server/experiments/analyze.ts';

async function analyze(store: Store, id: string, asOf: string | undefined, asJson: boolean): Promise<number> {
	const e = getExperiment(id);
	if (!e) throw new ExperimentError(`there is no experiment ${id} (no ${id}.yaml in ${experimentsDir()})`);
	let mod: AnalyzeModule;
	try {
		mod = (await import(/* @vite-ignore */ ANALYZE_MODULE)) as AnalyzeModule;
	} catch (err) {
		if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !String(err).includes('analyze')) throw err;
		throw new ExperimentError('the analysis (src/lib/server/experiments/analyze.ts) is not part of this build yet');
	}
	const { analyzeExperiment } = mod;
	const a = await analyzeExperiment(store, e, asOf ? { asOf } : {});
	if (asJson) json(a);
	else out(analysisText(e, a));
	return 0;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** the first of several names a field may have */
const pick = (o: Obj | undefined, ...names: string[]): unknown => {
	for (const n of names) if (o && o[n] !== undefined) return o[n];
	return undefined;
};

function fmt(v: unknown, digits = 4): string {
	const n = num(v);
	if (n === null) return v === null || v === undefined ? '—' : String(v);
	if (Number.isInteger(n)) return int(n);
	return Math.abs(n) >= 1e-3 || n === 0 ? String(+n.toPrecision(digits)) : n.toExponential(2);
}

function pValue(v: unknown): string {
	const n = num(v);
	if (n === null) return '—';
	return n < 1e-4 ? '<0.0001' : n.toFixed(4);
}

/** "0.0123 [0.0051, 0.0195]" from a value and an interval given as [lo, hi] or {low, high} */
function withCi(value: unknown, ci: unknown): string {
	let lo: unknown;
	let hi: unknown;
	if (Array.isArray(ci)) [lo, hi] = ci;
	else if (isObj(ci)) {
		lo = pick(ci, 'low', 'lower', 'lo');
		hi = pick(ci, 'high', 'upper', 'hi');
	}
	return lo === undefined && hi === undefined ? fmt(value) : `${fmt(value)} [${fmt(lo)}, ${fmt(hi)}]`;
}

/** one row per (metric, arm): reads {metrics: [{metric, arms: [...]}]} or {arms: [{arm, metrics: [...]}]} or {results: [...]} */
function resultRows(a: Obj): Obj[] {
	const rows: Obj[] = [];
	const metrics = pick(a, 'metrics', 'results');
	if (Array.isArray(metrics))
		for (const m of metrics.filter(isObj)) {
			const arms = pick(m, 'arms', 'comparisons');
			if (Array.isArray(arms)) for (const r of arms.filter(isObj)) rows.push({ metric: pick(m, 'metric', 'name'), ...r });
			else rows.push(m);
		}
	else if (isObj(metrics))
		for (const [metric, m] of Object.entries(metrics)) {
			const arms = isObj(m) ? pick(m, 'arms', 'comparisons') : undefined;
			if (Array.isArray(arms)) for (const r of arms.filter(isObj)) rows.push({ metric, ...r });
			else if (isObj(arms)) for (const [arm, r] of Object.entries(arms)) if (isObj(r)) rows.push({ metric, arm, ...r });
		}
	const arms = pick(a, 'arms');
	if (!rows.length && Array.isArray(arms))
		for (const arm of arms.filter(isObj)) {
			const ms = pick(arm, 'metrics', 'results');
			if (Array.isArray(ms)) for (const r of ms.filter(isObj)) rows.push({ arm: pick(arm, 'arm', 'id'), ...r });
		}
	return rows;
}

function guardrailText(r: Obj, guardrails: unknown): string {
	const own = pick(r, 'guardrail', 'verdict', 'guardrail_verdict');
	if (own !== undefined) return isObj(own) ? String(pick(own, 'verdict', 'status') ?? '') : String(own);
	if (!Array.isArray(guardrails)) return '';
	const mine = guardrails.filter(isObj).filter((g) => pick(g, 'metric') === r.metric && pick(g, 'arm') === r.arm);
	return mine.map((g) => String(pick(g, 'verdict', 'status', 'breached') ?? '')).join(', ');
}

/** a readable table of arms × metrics, then the guardrails and the sample-ratio test */
export function analysisText(e: Experiment, analysis: unknown): string {
	if (!isObj(analysis)) return JSON.stringify(analysis, null, 2);
	const lines: string[] = [`${e.id}: ${e.title}`];
	const asOf = pick(analysis, 'as_of', 'asOf');
	if (asOf) lines.push(`as of ${asOf}`);
	const srm = pick(analysis, 'srm', 'sample_ratio', 'sample_ratio_mismatch');
	const srmP = isObj(srm) ? pick(srm, 'p_value', 'p', 'pValue') : srm;
	const flagged = isObj(srm) ? pick(srm, 'flagged', 'mismatch', 'untrustworthy') : undefined;
	lines.push(`sample ratio: p = ${pValue(srmP)}${flagged === true ? '  ✗ MISMATCH: the results are not trustworthy' : ''}`);
	const guardrails = pick(analysis, 'guardrails');
	const rows = resultRows(analysis);
	if (rows.length) {
		lines.push('');
		lines.push(
			table([
				['METRIC', 'ARM', 'N', 'VALUE', 'DIFF [CI]', 'LIFT [CI]', 'P FIXED', 'P SEQ', 'P(BEAT CONTROL)', 'GUARDRAIL'],
				...rows.map((r) => {
					const diff = pick(r, 'diff', 'difference', 'effect', 'absolute');
					const lift = pick(r, 'lift', 'relative', 'relative_lift');
					const diffObj = isObj(diff) ? diff : undefined;
					const liftObj = isObj(lift) ? lift : undefined;
					const bayes = pick(r, 'chance_to_beat_control', 'prob_beat_control', 'p_beat_control', 'bayes');
					return [
						String(pick(r, 'metric') ?? ''),
						String(pick(r, 'arm', 'variant') ?? ''),
						fmt(pick(r, 'n', 'count', 'accounts')),
						fmt(pick(r, 'value', 'mean', 'rate', 'estimate')),
						withCi(diffObj ? pick(diffObj, 'value', 'estimate') : diff, diffObj ? pick(diffObj, 'ci', 'interval') ?? diffObj : pick(r, 'diff_ci', 'ci')),
						withCi(liftObj ? pick(liftObj, 'value', 'estimate') : lift, liftObj ? pick(liftObj, 'ci', 'interval') ?? liftObj : pick(r, 'lift_ci')),
						pValue(pick(r, 'p_fixed', 'p_value', 'p')),
						pValue(pick(r, 'p_sequential', 'p_seq', 'always_valid_p')),
						fmt(isObj(bayes) ? pick(bayes, 'chance_to_beat_control', 'probability', 'p') : bayes, 3),
						guardrailText(r, guardrails)
					];
				})
			])
		);
	}
	if (Array.isArray(guardrails) && guardrails.length) {
		lines.push('', 'guardrails:');
		for (const g of guardrails.filter(isObj)) {
			const verdict = pick(g, 'verdict', 'status') ?? (pick(g, 'breached') === true ? 'breached' : pick(g, 'breached') === false ? 'ok' : '');
			lines.push(`  ${String(pick(g, 'arm') ?? '')} ${String(pick(g, 'metric') ?? '')} ${isObj(pick(g, 'rule')) ? String(pick(pick(g, 'rule') as Obj, 'kind')) : String(pick(g, 'rule', 'kind') ?? '')}: ${String(verdict)}${pick(g, 'message') ? ` — ${String(pick(g, 'message'))}` : ''}`);
		}
	}
	if (!rows.length) lines.push('', JSON.stringify(analysis, null, 2));
	return lines.join('\n');
}
