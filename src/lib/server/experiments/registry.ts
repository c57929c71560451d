/**
 * The experiments folder: experiments/<id>.yaml, one definition per file, validated by the zod
 * schema of src/lib/experiments/schema.ts (experiments.md, "Definition as code"). The folder is
 * CUREWISE_EXPERIMENTS_DIR, else <project>/experiments; every function takes an optional dir
 * so that tests work in a temporary folder.
 *
 * Files are reviewed like code, so writes keep them readable: a draft is written as a fresh
 * document with a header comment; the lifecycle (launch, stop, conclude: lifecycle.ts) only
 * sets its own fields in the existing document, keeping the author's comments. Every write goes
 * to a temporary file first and is renamed into place, so a reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { describeIssues, experimentSchema, renamedMetricMessage, renameOldMetrics, type Experiment } from '../../experiments/schema.ts';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import { projectRoot } from '../paths.ts';
import { getStore } from '../store.ts';
import { canonical } from '../../canonical.ts';

/** who does something to an experiment: a signed-in user, the CLI, or a guardrail */
export interface Actor {
	username: string;
	role: string;
}

/** a refused or failed experiment action; the message says what and why, in words */
export class ExperimentError extends Error {
	constructor(
		message: string,
		/** the validation messages behind it, one line each, when there are several */
		readonly problems: string[] = []
	) {
		super(message);
		this.name = 'ExperimentError';
	}
}

export interface RegistryProblem {
	/** the file's name inside the folder (or the folder itself when it is missing) */
	file: string;
	messages: string[];
}

export interface Registry {
	/** the valid definitions, by id; a file with any problem is left out */
	experiments: Experiment[];
	problems: RegistryProblem[];
	/** what a valid file should change without being left out (a metric name of an earlier release) */
	notices: RegistryProblem[];
}

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const WRITE_OPTIONS = { lineWidth: 100, flowCollectionPadding: false };

/** CUREWISE_EXPERIMENTS_DIR, else <project>/experiments */
export function experimentsDir(dir?: string | null): string {
	return resolve(dir || process.env.CUREWISE_EXPERIMENTS_DIR || join(projectRoot(), 'experiments'));
}


/** the part of a definition that launch freezes: arms (and weights), population, metrics, guardrails, analysis */
export function frozenDefinition(e: Experiment) {
	return {
		arms: e.arms,
		population: e.population,
		metrics: { primary: e.primary_metric, secondary: e.secondary_metrics },
		guardrails: e.guardrails,
		analysis: e.analysis
	};
}

/** sha256 of the canonical JSON of the frozen definition; launch records it in launched.definition_hash */
export function definitionHash(e: Experiment): string {
	return createHash('sha256').update(canonical(frozenDefinition(e))).digest('hex');
}

/** the definition with the metric names it was written with (for its launch hash) */
function withOldNames(e: Experiment, renamed: { from: string; to: string }[]): Experiment {
	const back = (m: string) => (renamed.find((x) => x.to === m)?.from ?? m) as Experiment['primary_metric'];
	return {
		...e,
		primary_metric: back(e.primary_metric),
		secondary_metrics: e.secondary_metrics.map(back),
		guardrails: e.guardrails.map((g) => ({ ...g, metric: back(g.metric) }))
	};
}

/** "YAML syntax error at line 3, column 4: Nested mappings are not allowed in compact mappings" */
function syntaxMessages(file: string, doc: YAML.Document.Parsed): string[] {
	return doc.errors.map((err) => {
		const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		const pos = err.linePos?.[0];
		return `${file}: YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${what}`;
	});
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface ParsedFile {
	file: string;
	/** the id the file says it holds, even when the rest is invalid */
	rawId: string | null;
	rawStatus: string | null;
	experiment: Experiment | null;
	messages: string[];
	/** loaded all the same: an old metric name, with the new one */
	notices: string[];
}

function parseFile(dir: string, file: string): ParsedFile {
	const out: ParsedFile = { file, rawId: null, rawStatus: null, experiment: null, messages: [], notices: [] };
	let text: string;
	try {
		text = readFileSync(join(dir, file), 'utf8');
	} catch (e) {
		out.messages.push(`${file}: cannot be read (${e instanceof Error ? e.message : e})`);
		return out;
	}
	const doc = YAML.parseDocument(text, { prettyErrors: true });
	if (doc.errors.length) {
		out.messages.push(...syntaxMessages(file, doc));
		return out;
	}
	const data: unknown = doc.toJS();
	if (!isMap(data)) {
		out.messages.push(`${file}: holds no experiment definition (expected fields such as id, title, hypothesis, arms)`);
		return out;
	}
	if (typeof data.id === 'string') out.rawId = data.id;
	if (typeof data.status === 'string') out.rawStatus = data.status;
	// metric names of an earlier release load under their new names, with a notice
	const { data: renamedData, renamed } = renameOldMetrics(data);
	for (const x of renamed) out.notices.push(`${file}: ${x.path}: ${renamedMetricMessage(x.from)}; write ${x.to}`);
	const r = experimentSchema.safeParse(renamedData);
	if (!r.success) out.messages.push(...describeIssues(r.error, file));
	const expected = file.replace(/\.yaml$/, '');
	if (out.rawId !== null && out.rawId !== expected) out.messages.push(`${file}: id is ${out.rawId} but the file is named ${file}: a definition lives in <id>.yaml, here ${out.rawId}.yaml`);
	// a definition launched under the old names keeps the hash it was launched with
	const hashes = r.success ? [definitionHash(r.data), ...(renamed.length ? [definitionHash(withOldNames(r.data, renamed))] : [])] : [];
	if (r.success && r.data.launched && !hashes.includes(r.data.launched.definition_hash))
		out.messages.push(
			`${file}: the arms, weights, population, metrics, guardrails or analysis changed after launch (their hash no longer matches launched.definition_hash); ` +
				`a launched experiment's definition is frozen: restore it, or stop the experiment and create a new version`
		);
	if (r.success && !out.messages.length) out.experiment = r.data;
	return out;
}

/** every *.yaml of the folder, parsed and validated; a duplicate id is a problem of every file that holds it */
export function loadExperiments(dir?: string): Registry {
	const folder = experimentsDir(dir);
	if (!existsSync(folder)) return { experiments: [], problems: [{ file: folder, messages: [`the experiments folder ${folder} does not exist`] }], notices: [] };
	const names = readdirSync(folder)
		.filter((f) => !f.startsWith('.'))
		.sort();
	const parsed = names.filter((f) => f.endsWith('.yaml')).map((f) => parseFile(folder, f));
	// a .yml file would be silently ignored: say so
	for (const f of names.filter((n) => n.endsWith('.yml')))
		parsed.push({ file: f, rawId: null, rawStatus: null, experiment: null, notices: [], messages: [`${f}: is not read: experiment definitions are <id>.yaml files; rename it ${f.replace(/\.yml$/, '.yaml')}`] });
	parsed.sort((a, b) => a.file.localeCompare(b.file));
	const byId = new Map<string, ParsedFile[]>();
	for (const p of parsed) if (p.rawId !== null) byId.set(p.rawId, [...(byId.get(p.rawId) ?? []), p]);
	for (const [id, holders] of byId) {
		if (holders.length < 2) continue;
		for (const p of holders) {
			const others = holders.filter((o) => o !== p).map((o) => o.file);
			p.messages.push(`${p.file}: id ${id} is also used by ${others.join(', ')}: every experiment needs its own id`);
			p.experiment = null;
		}
	}
	return {
		experiments: parsed.flatMap((p) => (p.experiment ? [p.experiment] : [])).sort((a, b) => a.id.localeCompare(b.id)),
		problems: parsed.filter((p) => p.messages.length).map((p) => ({ file: p.file, messages: p.messages })),
		notices: parsed.filter((p) => p.notices.length && p.experiment).map((p) => ({ file: p.file, messages: p.notices }))
	};
}

function checkId(id: string): void {
	if (!ID.test(id)) throw new ExperimentError(`"${id}" is not an experiment id (lower-case letters, digits, - or _)`);
}

/** the definition in <id>.yaml; null when there is no such file; an ExperimentError when it is invalid */
export function getExperiment(id: string, dir?: string): Experiment | null {
	checkId(id);
	const folder = experimentsDir(dir);
	const file = `${id}.yaml`;
	if (!existsSync(join(folder, file))) return null;
	const p = parseFile(folder, file);
	if (!p.experiment) throw new ExperimentError(`${file} is not a valid experiment definition:\n${p.messages.join('\n')}`, p.messages);
	return p.experiment;
}

/** writes text to <dir>/<file> through a temporary file and a rename */
function writeAtomically(folder: string, file: string, text: string): void {
	const tmp = join(folder, `.${file}.tmp`);
	try {
		writeFileSync(tmp, text, 'utf8');
		renameSync(tmp, join(folder, file));
	} catch (e) {
		try {
			rmSync(tmp, { force: true });
		} catch {
			/* the temporary path may be something we cannot remove; the error below says what failed */
		}
		throw e;
	}
}

/**
 * Sets top-level fields of <id>.yaml (status, launched, stopped, decision), keeping the rest of
 * the document and its comments as they are; the result must still be a valid definition.
 * Used by the lifecycle; returns the definition as written.
 */
export function updateExperimentFile(id: string, changes: Record<string, unknown>, dir?: string): Experiment {
	checkId(id);
	const folder = experimentsDir(dir);
	const file = `${id}.yaml`;
	const doc = YAML.parseDocument(readFileSync(join(folder, file), 'utf8'));
	if (doc.errors.length) throw new ExperimentError(`${file} cannot be updated:\n${syntaxMessages(file, doc).join('\n')}`);
	for (const [k, v] of Object.entries(changes)) {
		if (v === undefined) doc.delete(k);
		else doc.set(k, doc.createNode(v));
	}
	const r = experimentSchema.safeParse(doc.toJS());
	if (!r.success) throw new ExperimentError(`${file} would not be a valid definition after the change:\n${describeIssues(r.error, file).join('\n')}`, describeIssues(r.error, file));
	writeAtomically(folder, file, doc.toString(WRITE_OPTIONS));
	return r.data;
}

// one lifecycle action at a time per experiment (in this process), so that two launches, or a
// stop racing a conclusion, cannot both pass their checks
const g = globalThis as unknown as { __curewiseExperimentLocks?: Map<string, Promise<unknown>> };

export function withExperimentLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
	const locks = (g.__curewiseExperimentLocks ??= new Map());
	const p = (locks.get(id) ?? Promise.resolve()).catch(() => {}).then(fn);
	locks.set(id, p);
	void p
		.finally(() => {
			if (locks.get(id) === p) locks.delete(id);
		})
		.catch(() => {});
	return p;
}

/** the fields a launched experiment may never change, in words, where `next` differs from `current` */
function frozenChanges(current: Experiment, next: Experiment): string[] {
	const out: string[] = [];
	const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
	const armIds = (e: Experiment) => e.arms.map((a) => a.id);
	if (!same(armIds(current), armIds(next))) out.push('arms');
	else {
		if (!same(current.arms.map((a) => a.weight), next.arms.map((a) => a.weight))) out.push('weights');
		if (!same(current.arms.map((a) => [a.message, a.description]), next.arms.map((a) => [a.message, a.description]))) out.push("the arms' messages");
	}
	if (!same(frozenDefinition(current).metrics, frozenDefinition(next).metrics)) out.push('metrics');
	if (!same(current.population, next.population)) out.push('population');
	if (!same(current.guardrails, next.guardrails)) out.push('guardrails');
	if (!same(current.analysis, next.analysis)) out.push('analysis settings');
	if ((current.salt ?? current.id) !== (next.salt ?? next.id)) out.push('salt');
	return out;
}

function header(e: Experiment, actor: Actor, at: string): string {
	return [
		` Message experiment: ${e.title.replace(/\s+/g, ' ')}`,
		` Draft saved by ${actor.username} (${actor.role}) at ${at}. Definition as code: validated by`,
		` src/lib/experiments/schema.ts (see shared/spec/experiments.md); launching freezes arms,`,
		` weights, population, metrics, guardrails and analysis.`
	].join('\n');
}

/** short lists on one line, long texts folded, a blank line before each section */
function readable(doc: YAML.Document): YAML.Document {
	YAML.visit(doc, {
		Seq(_, seq) {
			if (seq.items.every((i) => YAML.isScalar(i) && String(i.value).length < 40)) seq.flow = true;
		},
		Scalar(_, scalar) {
			if (typeof scalar.value === 'string' && scalar.value.length > 70) scalar.type = 'BLOCK_FOLDED';
		}
	});
	if (YAML.isMap(doc.contents))
		for (const pair of doc.contents.items)
			if (YAML.isScalar(pair.key) && ['population', 'arms', 'start', 'primary_metric', 'guardrails', 'analysis'].includes(String(pair.key.value))) pair.key.spaceBefore = true;
	return doc;
}

export interface SavedDraft {
	experiment: Experiment;
	/** the file's path */
	path: string;
	created: boolean;
}

/**
 * Validates a definition and writes it as experiments/<id>.yaml, only while the experiment is a
 * draft or new; a running, stopped or concluded experiment is refused with an ExperimentError
 * that names what its definition would change. Records experiment.draft_saved in the trail
 * of `store` (default: the server's store).
 */
export async function saveDraft(input: unknown, actor: Actor, dir?: string, store?: Store): Promise<SavedDraft> {
	const r = experimentSchema.safeParse(input);
	const idOf = isMap(input) && typeof input.id === 'string' ? input.id : null;
	if (!r.success) {
		const msgs = describeIssues(r.error);
		throw new ExperimentError(`the definition${idOf ? ` of ${idOf}` : ''} is not valid:\n${msgs.join('\n')}`, msgs);
	}
	const e = r.data;
	if (e.status !== 'draft') throw new ExperimentError(`a draft is saved with status draft, not ${e.status}: launch, stop and conclude change the status`);
	if (e.launched || e.stopped || e.decision) throw new ExperimentError('a draft carries no launched, stopped or decision record: those are written by launch, stop and conclude');
	const folder = experimentsDir(dir);
	const file = `${e.id}.yaml`;
	return withExperimentLock(e.id, async () => {
		const exists = existsSync(join(folder, file));
		if (exists) {
			const current = parseFile(folder, file);
			const status = current.experiment?.status ?? current.rawStatus ?? 'draft';
			if (status !== 'draft') {
				const changes = current.experiment ? frozenChanges(current.experiment, e) : [];
				throw new ExperimentError(
					`experiment ${e.id} is ${status}: ` +
						(changes.length ? `its ${changes.join(', ')} cannot change after launch` : 'only a draft can be edited') +
						`. Stopping and relaunching is a new version: save it under a new id.`
				);
			}
		}
		const at = new Date().toISOString();
		const doc = readable(new YAML.Document(e));
		doc.commentBefore = header(e, actor, at);
		writeAtomically(folder, file, doc.toString(WRITE_OPTIONS));
		const target = store ?? (await getStore());
		await recordTrail(target, {
			actor: actor.username,
			role: actor.role,
			action: 'experiment.draft_saved',
			target: e.id,
			details: { file, created: !exists, definition_hash: definitionHash(e) }
		});
		return { experiment: e, path: join(folder, file), created: !exists };
	});
}
