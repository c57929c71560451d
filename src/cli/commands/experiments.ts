import { z } from 'zod';
import type { Experiment } from '../../lib/experiments/schema.ts';
import type { Store } from '../../lib/server/db/store.ts';
import { assignmentCounts, launchExperiment, stopExperiment } from '../../lib/server/experiments/lifecycle.ts';
import { experimentsDir, ExperimentError, getExperiment, loadExperiments, type Actor } from '../../lib/server/experiments/registry.ts';
import type { ExperimentAnalysis, IntervalOut, MetricResult } from '../../lib/experiments/analysis-types.ts';
import { analyzeExperiment } from '../../lib/server/experiments/analysis/analyze.ts';
import { effectOverTime } from '../../lib/server/experiments/analysis/over-time.ts';
import { parse, UsageError } from '../args.ts';
import { localIo, type Io } from '../io.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const usage = `usage: curewise experiments list [--db FILE] [--json]
       curewise experiments show ID [--json]
       curewise experiments launch ID --reason TEXT [--override TEXT] [--db FILE] [--json]
       curewise experiments stop ID --reason TEXT [--db FILE] [--json]
       curewise experiments analyze ID [--as-of DATE] [--over-time] [--db FILE] [--json]

The definitions are experiments/<id>.yaml (the folder is $CUREWISE_EXPERIMENTS_DIR, default
experiments/ in the project).
  list     every definition: status, arms and weights, start, planned end and the accounts
           assigned per arm in the store; files with problems are listed with them (exit 1)
  show     the definition file (--json: the validated definition, defaults filled in)
  launch   a draft: checks every arm's messages (message and cadence checks), assigns every
           eligible account to an arm, stores the assignments and marks the file running (as
           the admin 'cli'); --reason says why now (required); a check that says "must fix"
           refuses the launch unless --override gives the reason to launch anyway
  stop     a running experiment, with the reason (as the admin 'cli')
  analyze  the results per arm and metric against control, guardrails, sample ratio;
           --over-time adds what the analysis said at the end of each week (as-of snapshots)
Exit status: 0 done, 1 refused or failed (the message says why), 2 wrong usage.`;

const CLI_ACTOR: Actor = { username: 'cli', role: 'admin' };
const SUBCOMMANDS = ['list', 'show', 'launch', 'stop', 'analyze'] as const;

const int = (n: number) => n.toLocaleString('en-US');
const pct = (w: number) => `${+(w * 100).toFixed(2)}%`;
// the command's output: this process's, or the control socket's when the server runs it (io.ts)
const printer = (io: Io) => {
	const out = (s: string) => io.out(s + '\n');
	return { out, json: (v: unknown) => out(JSON.stringify(v, null, 2)) };
};

/** columns padded to their widest cell */
function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
	return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function run(argv: string[], io: Io = localIo): Promise<number> {
	const [sub, ...rest] = argv;
	if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(', ')}\n\n${usage}`);
	const { values, positionals } = parse(
		rest,
		{ db: { type: 'string' }, json: { type: 'boolean', default: false }, reason: { type: 'string' }, override: { type: 'string' }, 'as-of': { type: 'string' }, 'over-time': { type: 'boolean', default: false } },
		z.object({
			db: z.string().optional(),
			json: z.boolean(),
			reason: z.string().trim().min(1, { error: 'say why' }).optional(),
			override: z.string().trim().min(1, { error: 'say why' }).optional(),
			'as-of': z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date written YYYY-MM-DD' }).optional(),
			'over-time': z.boolean()
		}),
		usage
	);
	if (sub === 'list') {
		if (positionals.length) throw new UsageError(`list takes no experiment id\n\n${usage}`);
		return list(io, values.db, values.json);
	}
	const [id, ...extra] = positionals;
	if (!id) throw new UsageError(`name the experiment: curewise experiments ${sub} ID\n\n${usage}`);
	if (extra.length) throw new UsageError(`one experiment at a time (got ${positionals.join(', ')})\n\n${usage}`);
	if (sub === 'stop' && !values.reason) throw new UsageError(`--reason is needed: say why the experiment stops\n\n${usage}`);
	if (sub === 'launch' && !values.reason) throw new UsageError(`--reason is needed: say why the experiment is launched now\n\n${usage}`);
	if (values.reason && sub !== 'stop' && sub !== 'launch') throw new UsageError(`--reason goes with launch or stop\n\n${usage}`);
	if (values.override && sub !== 'launch') throw new UsageError(`--override goes with launch\n\n${usage}`);
	if (values['as-of'] && sub !== 'analyze') throw new UsageError(`--as-of goes with analyze\n\n${usage}`);
	if (values['over-time'] && sub !== 'analyze') throw new UsageError(`--over-time goes with analyze\n\n${usage}`);
	try {
		if (sub === 'show') return show(io, id, values.json);
		return await io.withStore({ path: values.db }, async (store) => {
			if (sub === 'launch') return await launch(io, store, id, values.reason!, values.override, values.json);
			if (sub === 'stop') return await stop(io, store, id, values.reason!, values.json);
			return await analyze(io, store, id, values['as-of'], values.json, values['over-time']);
		});
	} catch (e) {
		if (e instanceof ExperimentError) {
			io.err(`curewise experiments ${sub}: ${e.message}\n`);
			return 1;
		}
		throw e;
	}
}

async function list(io: Io, db: string | undefined, asJson: boolean): Promise<number> {
	const { out, json } = printer(io);
	const { experiments, problems, notices } = loadExperiments();
	const counts = await io.withStore({ path: db }, (store) => assignmentCounts(store));
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
	if (asJson) json({ folder: experimentsDir(), experiments: shaped, problems, notices });
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
		if (notices.length) {
			out(`\n${notices.length} file${notices.length === 1 ? '' : 's'} loaded with old metric names (rename them):`);
			for (const p of notices) for (const m of p.messages) out(`  ! ${m}`);
		}
		if (problems.length) {
			out(`\n${problems.length} file${problems.length === 1 ? '' : 's'} with problems (left out above):`);
			for (const p of problems) for (const m of p.messages) out(`  ✗ ${m}`);
		}
	}
	return problems.length ? 1 : 0;
}

function show(io: Io, id: string, asJson: boolean): number {
	const e = getExperiment(id);
	if (!e) throw new ExperimentError(`there is no experiment ${id} (no ${id}.yaml in ${experimentsDir()})`);
	if (asJson) printer(io).json(e);
	else io.out(readFileSync(join(experimentsDir(), `${id}.yaml`), 'utf8'));
	return 0;
}

async function launch(io: Io, store: Store, id: string, reason: string, override: string | undefined, asJson: boolean): Promise<number> {
	const { out, json } = printer(io);
	const r = await launchExperiment(store, id, CLI_ACTOR, { reason, ...(override ? { override } : {}) });
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

async function stop(io: Io, store: Store, id: string, reason: string, asJson: boolean): Promise<number> {
	const { out, json } = printer(io);
	const e: Experiment = await stopExperiment(store, id, { actor: CLI_ACTOR, reason });
	if (asJson) json({ id: e.id, status: e.status, stopped: e.stopped });
	else out(`✓ stopped ${id} at ${e.stopped!.at}: ${reason}`);
	return 0;
}

// ------------------------------------------------------------------------------- analyze

async function analyze(io: Io, store: Store, id: string, asOf: string | undefined, asJson: boolean, overTime: boolean): Promise<number> {
	const { out, json } = printer(io);
	const e = getExperiment(id);
	if (!e) throw new ExperimentError(`there is no experiment ${id} (no ${id}.yaml in ${experimentsDir()})`);
	const a = await analyzeExperiment(store, e, asOf ? { asOf } : {});
	// what the analysis said at the end of each week (one analysis per week: slower the first time)
	const eot = overTime ? await effectOverTime(store, e, { asOf: a.as_of }) : undefined;
	if (asJson) json(eot ? { ...a, effect_over_time: eot } : a);
	else {
		out(analysisText(e, a));
		if (eot) {
			out(`\neffect over time (${eot.metric}): what the analysis said on each date`);
			if (eot.note) out(`  ${eot.note}`);
			for (const s of eot.series)
				out(
					table([
						['as of', `${s.arm} − control`, 'interval', 'accounts'],
						...s.points.map((p) => [p.as_of, fmt(p.difference), `${fmt(p.lower)} to ${fmt(p.upper)}`, int(p.n_arm + p.n_control)])
					])
				);
		}
	}
	return 0;
}

function fmt(v: number | null | undefined, digits = 4): string {
	if (v == null || !Number.isFinite(v)) return '—';
	if (Number.isInteger(v)) return int(v);
	return Math.abs(v) >= 1e-3 || v === 0 ? String(+v.toPrecision(digits)) : v.toExponential(2);
}

const pValue = (v: number | null | undefined) => (v == null ? '—' : v < 1e-4 ? '<0.0001' : v.toFixed(4));
const withCi = (i: IntervalOut | null) => (i ? `${fmt(i.estimate)} [${fmt(i.lower)}, ${fmt(i.upper)}]` : '—');

/** a readable table of arms × metrics, then the guardrails and the sample-ratio test */
export function analysisText(e: Experiment, a: ExperimentAnalysis): string {
	const lines: string[] = [`${e.id}: ${e.title}`, `decision: ${a.decision.sentence}`, ...a.decision.reasons.map((r) => `  - ${r}`), `as of ${a.as_of} · ${a.mode} analysis at alpha ${a.alpha}, ${a.correction} correction`];
	const srm = a.srm.assigned;
	lines.push(`sample ratio: p = ${pValue(srm?.p_value)}${a.srm.flagged ? '  ✗ MISMATCH: the results are not trustworthy' : ''}`);
	for (const w of a.warnings) lines.push(`warning: ${w}`);
	const verdict = (m: MetricResult) =>
		a.guardrails
			.filter((g) => g.metric === m.metric && g.arm === m.arm)
			.map((g) => g.verdict)
			.join(', ');
	lines.push('');
	lines.push(
		table([
			['METRIC', 'ARM', 'N', 'VALUE', 'CONTROL', 'DIFF [CI]', 'LIFT [CI]', 'P FIXED', 'P SEQ', 'P(BEAT CONTROL)', 'GUARDRAIL'],
			...a.metrics.map((m) => [
				m.metric,
				m.arm,
				fmt(m.n_arm),
				fmt(m.arm_value),
				fmt(m.control_value),
				withCi(m.difference),
				withCi(m.relative_lift),
				pValue(m.p_value_fixed),
				pValue(m.p_value_sequential),
				fmt(m.bayes?.chance_to_beat ?? null, 3),
				verdict(m)
			])
		])
	);
	if (a.guardrails.length) {
		lines.push('', 'guardrails:');
		for (const g of a.guardrails) lines.push(`  ${g.arm} ${g.metric} ${g.rule}: ${g.verdict}${g.message ? ` — ${g.message}` : ''}`);
	}
	return lines.join('\n');
}
