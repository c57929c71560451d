/**
 * curewise engine compare|copy: the second engine (issue 19, docs/engines.md) made visible.
 * `copy` copies the store's analytic tables into the engine (PostgreSQL or ClickHouse) the settings name
 * (CUREWISE_ENGINE, CUREWISE_ENGINE_URL; --engine-url overrides them); `compare` copies them,
 * computes every KPI of the catalogue for a period on DuckDB (the app's raw-table path) and on
 * that engine (engines/kpi-raw.ts), and prints both side by side with the time each took; then
 * the same for the experiments' per-arm statistics and their analysis (engines/experiments-compare.ts).
 */
import { z } from 'zod';
import { KPIS } from '../../lib/metrics/catalogue.ts';
import { addDays, presetPeriod, presetSchema, PRESETS, type PresetId } from '../../lib/periods.ts';
import { parseConfig } from '../../lib/server/config.ts';
import type { Store } from '../../lib/server/db/store.ts';
import { openEngine, type Engine } from '../../lib/server/engines/index.ts';
import { engineRawCounts } from '../../lib/server/engines/kpi-raw.ts';
import { copyAnalyticTables, copyPresumedViolations, type CopiedTable } from '../../lib/server/engines/load.ts';
import { compareExperiment, type ExperimentComparison } from '../../lib/server/engines/experiments-compare.ts';
import { loadExperiments } from '../../lib/server/experiments/registry.ts';
import { redactedUrl } from '../../lib/server/engines/postgres.ts';
import { TABLE_NAMES } from '../../lib/contract.ts';
import { dataAsOf } from '../../lib/server/kpi/as-of.ts';
import { kpiParamsSchema, type ParsedKpiParams } from '../../lib/server/kpi/params.ts';
import { kpisFromCounts, kpiSummary, type KpiValue } from '../../lib/server/kpi/values.ts';
import { parse, UsageError } from '../args.ts';
import { localIo, type Io } from '../io.ts';
import { heartbeat } from '../progress.ts';

export const usage = `usage: curewise engine compare [--db FILE] [--from DATE] [--to DATE] [--as-of DATE] [--engine-url URL] [--json]
       curewise engine compare --period PRESET [--db FILE] [--as-of DATE] [--engine-url URL] [--json]
       curewise engine copy [--db FILE] [--engine-url URL] [--json]

The second engine (docs/engines.md), named by the settings CUREWISE_ENGINE and
CUREWISE_ENGINE_URL: postgres with postgres://user:password@host:5432/database, pglite:FOLDER or
pglite:memory; clickhouse with chdb:FOLDER or chdb:memory (embedded ClickHouse, after
npm run install:chdb). --engine-url URL names one for this command only (chdb: means ClickHouse).
  compare  copies the store's analytic tables into the engine (replacing its copy), computes
           every KPI of the Overview for the period on DuckDB and on the engine, and prints them
           side by side, whether each is equal (counts exactly, fractions to 1e-12 relative),
           and the time each engine took. Period: --from/--to (default: the 90 days up to the
           data's as-of date, as curewise kpis), or --period PRESET, one of
           ${PRESETS.map((p) => p.id).join(', ')};
           judged at --as-of (default: the data's as-of date).
           Then each experiment of the experiments folder that has started (running, stopped
           or concluded): its per-arm statistics (the cells of arm, segment, vulnerable and
           entry week, and the days of its times to event) computed on both at --as-of, whether
           every one is equal, and the primary metric's effect the analysis makes of each.
  copy     only copies the tables, and the presumed violations of the latest compliance audit
           that the experiments read (for a server or pglite:FOLDER, to query them there)
A line of progress is printed at least every 5 seconds (on standard error).
Exit status: 0 done and every KPI and experiment statistic equal, 1 one differs or the engine
failed (the message says why), 2 wrong usage or settings.`;

const SUBCOMMANDS = ['compare', 'copy'] as const;
/** the engine's column in the table */
const ENGINE_WORDS: Record<string, string> = { postgres: 'PostgreSQL', clickhouse: 'ClickHouse' };
/** the engine an address names: chdb: is embedded ClickHouse, anything else PostgreSQL (config.ts checks it) */
const urlEngine = (url: string) => (url.startsWith('chdb:') ? 'clickhouse' : 'postgres');
const int = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** the engine settings, from the environment or --engine-url; refused here (exit 2) when they name DuckDB */
function engineSettings(engineUrl: string | undefined, env: Record<string, string | undefined>) {
	const setting = engineUrl !== undefined ? '--engine-url' : 'CUREWISE_ENGINE_URL';
	const given =
		engineUrl !== undefined
			? { CUREWISE_ENGINE: urlEngine(engineUrl), CUREWISE_ENGINE_URL: engineUrl }
			: // an address alone names its engine: CUREWISE_ENGINE may be left out
				{ CUREWISE_ENGINE: env.CUREWISE_ENGINE || (env.CUREWISE_ENGINE_URL ? urlEngine(env.CUREWISE_ENGINE_URL) : undefined), CUREWISE_ENGINE_URL: env.CUREWISE_ENGINE_URL || undefined };
	if ((given.CUREWISE_ENGINE ?? 'duckdb') === 'duckdb')
		throw new UsageError('CUREWISE_ENGINE is duckdb: name a PostgreSQL or ClickHouse engine to compare with (CUREWISE_ENGINE=postgres or clickhouse, and CUREWISE_ENGINE_URL=…)');
	try {
		return { config: parseConfig(given), setting };
	} catch (e) {
		// "bad configuration: CUREWISE_ENGINE_URL: must be …" (the value itself is never repeated)
		const msg = e instanceof Error ? e.message : String(e);
		throw new UsageError(engineUrl !== undefined ? msg.replace(/^bad configuration: CUREWISE_ENGINE_URL:/, '--engine-url:') : msg);
	}
}

/** the engine opened, its failures named after the setting and without the address's password */
async function open(c: ReturnType<typeof engineSettings>, store: Store): Promise<Engine> {
	const url = c.config.CUREWISE_ENGINE_URL ?? '';
	try {
		return await openEngine(c.config, store);
	} catch (e) {
		let msg = e instanceof Error ? e.message : String(e);
		let password = '';
		try {
			password = decodeURIComponent(new URL(url).password);
		} catch {
			// not a URL (pglite:…): nothing to hide
		}
		if (password.length >= 3) msg = msg.replaceAll(password, '***');
		const where = url.startsWith('pglite:') ? url : redactedUrl(url);
		throw new Error(msg.includes(where) ? `${c.setting}: ${msg}` : `${c.setting} (${where}): ${msg}`);
	}
}

/** the period asked for: --period, else --from/--to with curewise kpis' defaults */
function period(v: { from?: string; to?: string; period?: PresetId }, asOf: string): { from: string; to: string } {
	if (v.period) return presetPeriod(v.period, asOf);
	const to = v.to ?? asOf;
	return { from: v.from ?? addDays(to, -89), to };
}

/** equal as the parity test requires: whole numbers exactly, fractions to 1e-12 relative; each field of the KPI */
export function differences(a: KpiValue, b: KpiValue): { field: string; duckdb: unknown; engine: unknown }[] {
	const out: { field: string; duckdb: unknown; engine: unknown }[] = [];
	const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof KpiValue)[];
	for (const f of fields) {
		// a field left out and a field null both mean no value
		const x = a[f] ?? null;
		const y = b[f] ?? null;
		const same =
			typeof x === 'number' && typeof y === 'number'
				? Number.isInteger(x) && Number.isInteger(y)
					? x === y
					: Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))
				: x === y;
		if (!same) out.push({ field: f, duckdb: x, engine: y });
	}
	return out;
}

/** a value as the table shows it: percentages to 2 decimals, other numbers to 4 */
function shown(format: string, v: number | null): string {
	if (v === null) return 'no data';
	if (format === 'percent') return `${(v * 100).toFixed(2)}%`;
	return String(+v.toFixed(4));
}

const fixed = (v: number | null, digits = 4) => (v === null ? 'none' : (v >= 0 ? '+' : '') + v.toFixed(digits));
const pText = (v: number | null) => (v === null ? 'none' : v < 0.0001 ? v.toExponential(2) : v.toFixed(4));

/** the experiments' section of compare's text: per arm, equal or not; the primary metric's effect on each engine */
function experimentsText(experiments: ExperimentComparison[], asOf: string, engine: Engine): string {
	const word = ENGINE_WORDS[engine.name] ?? engine.name;
	let out = `\nExperiments as of ${asOf}: the per-arm statistics (cells of arm × segment × vulnerable × entry week, and the days of the times to event) on DuckDB (the store) against ${engine.where}\n\n`;
	if (!experiments.length) return out + 'no experiment has started (none running, stopped or concluded in the experiments folder)\n';
	const table = [
		['experiment', 'arm', 'equal', 'assigned', 'with episode', 'cells', 'time cells'],
		...experiments.flatMap((x) => x.arms.map((a) => [x.experiment, a.arm, a.equal ? 'yes' : 'no', int(a.assigned), int(a.with_episode), int(a.cells), int(a.time_cells)]))
	];
	const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
	for (const r of table) out += r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd() + '\n';
	out += '\n';
	for (const x of experiments)
		for (const p of x.primary) {
			const eff = (v: PrimaryEffectValue) => `difference ${fixed(v.difference)} [${fixed(v.lower)}, ${fixed(v.upper)}], ${x.mode === 'sequential' ? 'always-valid p' : 'p'} ${pText(v.p_value)}`;
			const w = Math.max('DuckDB'.length, word.length);
			out += `${x.experiment}, ${p.arm} against control, ${p.metric} (the analysis ${x.analysis_equal ? 'is equal' : 'differs'}):\n`;
			out += `  ${'DuckDB'.padEnd(w)}  ${eff(p.duckdb)}\n  ${word.padEnd(w)}  ${eff(p.engine)}\n`;
		}
	const d = experiments.reduce((s, x) => s + x.duckdb_ms, 0);
	const e = experiments.reduce((s, x) => s + x.engine_ms, 0);
	out += `\ntime: DuckDB ${secs(d)}, ${engine.where} ${secs(e)}\n`;
	const differ = experiments.filter((x) => !x.equal);
	if (!differ.length) out += `the statistics and the analysis of all ${experiments.length} experiments are equal\n`;
	else {
		out += `${differ.length} of ${experiments.length} experiments differ:\n`;
		for (const x of differ) out += `  ${x.experiment}: ${x.differences.join('; ')}\n`;
	}
	return out;
}
type PrimaryEffectValue = ExperimentComparison['primary'][number]['duckdb'];

export async function run(argv: string[], io: Io = localIo): Promise<number> {
	const [sub, ...rest] = argv;
	if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(' or ')}\n\n${usage}`);
	const { values, positionals } = parse(
		rest,
		{
			db: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			period: { type: 'string' },
			'as-of': { type: 'string' },
			'engine-url': { type: 'string' },
			json: { type: 'boolean', default: false }
		},
		z.object({
			db: z.string().optional(),
			from: z.string().optional(),
			to: z.string().optional(),
			period: presetSchema.optional(),
			'as-of': z.string().optional(),
			'engine-url': z.string().optional(),
			json: z.boolean()
		}),
		usage
	);
	if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}\n\n${usage}`);
	if (sub === 'copy') {
		for (const o of ['from', 'to', 'period', 'as-of'] as const) if (values[o] !== undefined) throw new UsageError(`--${o} goes with compare\n\n${usage}`);
	}
	if (values.period && (values.from || values.to)) throw new UsageError(`--period or --from/--to, not both\n\n${usage}`);
	const settings = engineSettings(values['engine-url'], process.env);
	if (sub === 'copy' && settings.config.CUREWISE_ENGINE_URL === 'pglite:memory')
		throw new UsageError(`${settings.setting} is pglite:memory: a copy there ends with the command; name pglite:FOLDER or a server to copy into (curewise engine compare copies into memory itself)`);

	const err = process.stderr;
	const beat = heartbeat(err);
	const say = (line: string) => {
		err.write(line + '\n');
		beat.touch();
	};
	try {
		return await io.withStore({ path: values.db }, async (store) => {
			let range: { from: string; to: string; as_of: string } | null = null;
			let params: ParsedKpiParams | null = null;
			if (sub === 'compare') {
				const asOf = values['as-of'] ?? (await dataAsOf(store));
				if (!asOf) {
					io.err('the store holds no data yet: import some with curewise import, or make a demo store with curewise demo\n');
					return 1;
				}
				const r = kpiParamsSchema.safeParse({ ...period(values, asOf), as_of: asOf });
				if (!r.success) throw new UsageError(r.error.issues.map((i) => `--${String(i.path[0] ?? '').replace('as_of', 'as-of')}: ${i.message}`).join('\n') + '\n\n' + usage);
				params = r.data;
				range = { from: params.from, to: params.to, as_of: asOf };
			}

			beat.step('opening the engine');
			const engine = await open(settings, store);
			try {
				// the copy, a table at a time so that each is said when done
				const t0 = Date.now();
				say(`copying the store's analytic tables into ${engine.where} …`);
				const copied: CopiedTable[] = [];
				for (const table of TABLE_NAMES) {
					beat.step(`copying ${table}`);
					const [c] = await copyAnalyticTables(store, engine, { tables: [table] });
					copied.push(c!);
					say(`  ${table}: ${int(c!.rows)} rows (${secs(c!.ms)})`);
				}
				// the experiments' presumed violations are findings of the compliance audit, which runs in DuckDB
				beat.step('copying the presumed violations');
				const violations = await copyPresumedViolations(store, engine);
				say(`  the latest audit's presumed violations: ${int(violations.rows)} rows (${secs(violations.ms)})`);
				const copyMs = Date.now() - t0;
				say(`copied ${int(copied.reduce((s, c) => s + c.rows, 0))} rows in ${secs(copyMs)}`);
				const copy = { tables: copied, presumed_violations: violations, ms: copyMs };

				if (sub === 'copy' || !params || !range) {
					beat.step(null);
					if (values.json) io.out(JSON.stringify({ engine: { name: engine.name, where: engine.where }, copy }, null, 2) + '\n');
					else {
						io.out(`copied the store's analytic tables into ${engine.where}: ${copied.map((c) => `${c.table} ${int(c.rows)}`).join(', ')} rows (${secs(copyMs)})\n`);
						io.out(`and the latest compliance audit's presumed violations (${int(violations.rows)} rows) as ${violations.table}, which the experiments' statistics read\n`);
					}
					return 0;
				}

				beat.step('computing the KPIs on DuckDB');
				const d0 = Date.now();
				const duck = (await kpiSummary(store, params, { source: 'raw' })).kpis;
				const duckMs = Date.now() - d0;
				say(`KPIs on DuckDB in ${secs(duckMs)}`);
				beat.step(`computing the KPIs on ${engine.where}`);
				const e0 = Date.now();
				const other = kpisFromCounts(await engineRawCounts(engine, params, range.as_of), params.contact_threshold);
				const engineMs = Date.now() - e0;
				say(`KPIs on ${engine.where} in ${secs(engineMs)}`);
				beat.step(null);

				const rows = KPIS.map((k) => {
					const a = duck[k.name] ?? { value: null };
					const b = other[k.name] ?? { value: null };
					const diff = differences(a, b);
					return { def: k, duckdb: a, engine: b, differences: diff, equal: diff.length === 0 };
				});
				const kpisEqual = rows.every((r) => r.equal);

				// the experiments that have started: their per-arm statistics on both
				const started = loadExperiments().experiments.filter((x) => x.status !== 'draft');
				const experiments: ExperimentComparison[] = [];
				for (const x of started) {
					beat.step(`comparing the statistics of experiment ${x.id}`);
					const c = await compareExperiment(store, engine, x, range.as_of);
					experiments.push(c);
					say(`experiment ${x.id}: statistics on DuckDB in ${secs(c.duckdb_ms)}, on ${engine.where} in ${secs(c.engine_ms)}`);
				}
				beat.step(null);
				const experimentsEqual = experiments.every((x) => x.equal);
				const equal = kpisEqual && experimentsEqual;
				if (values.json) {
					io.out(
						JSON.stringify(
							{
								...range,
								engine: { name: engine.name, where: engine.where },
								copy,
								duckdb_ms: duckMs,
								engine_ms: engineMs,
								equal,
								kpis: rows.map((r) => ({ name: r.def.name, label: r.def.label, duckdb: r.duckdb, engine: r.engine, equal: r.equal, differences: r.differences })),
								experiments
							},
							null,
							2
						) + '\n'
					);
					return equal ? 0 : 1;
				}
				io.out(`KPIs for episodes and contacts from ${range.from} to ${range.to}, as of ${range.as_of}: DuckDB (the store) against ${engine.where}\n\n`);
				const table = [['KPI', 'DuckDB', ENGINE_WORDS[engine.name] ?? engine.name, 'equal'], ...rows.map((r) => [r.def.label, shown(r.def.format, r.duckdb.value), shown(r.def.format, r.engine.value), r.equal ? 'yes' : 'no'])];
				const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
				for (const r of table) io.out(r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd() + '\n');
				io.out(`\ntime: DuckDB ${secs(duckMs)}, ${engine.where} ${secs(engineMs)} (the copy before: ${secs(copyMs)})\n`);
				const differ = rows.filter((r) => !r.equal);
				if (!differ.length) io.out(`all ${rows.length} KPIs are equal\n`);
				else {
					io.out(`${differ.length} of ${rows.length} KPIs differ:\n`);
					for (const r of differ) io.out(`  ${r.def.name}: ${r.differences.map((d) => `${d.field} ${String(d.duckdb)} on DuckDB, ${String(d.engine)} on the engine`).join('; ')}\n`);
				}
				io.out(experimentsText(experiments, range.as_of, engine));
				return equal ? 0 : 1;
			} finally {
				await engine.close();
			}
		});
	} finally {
		beat.stop();
	}
}
