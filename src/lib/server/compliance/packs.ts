/**
 * The policy packs folder (CUREWISE_POLICIES_DIR, default <project>/policies): every
 * <id>.yaml parsed and validated; problems name the file, the field and the problem. A pack
 * id appears once; the file name is the id. parsePackText is the one parser of a pack's
 * text, shared by the folder and by the product's pack editor (pack-store.ts): YAML syntax
 * errors carry their line, schema problems their field path and the line of that field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { packSchema, type PolicyPack } from '../../compliance/packs.ts';
import { projectRoot } from '../paths.ts';

export function policiesDir(dir?: string): string {
	return dir ?? process.env.CUREWISE_POLICIES_DIR ?? join(projectRoot(), 'policies');
}

/** one problem of a pack's text: the field (a path like rules.0.limit) and/or the line, and what is wrong */
export interface PackProblem {
	field: string | null;
	line: number | null;
	message: string;
}

export type ParsedPack = { ok: true; pack: PolicyPack; doc: Document } | { ok: false; problems: PackProblem[]; syntax: boolean };

/** the line (1-based) of the node at `path`, or of its nearest ancestor that exists */
function lineOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number | null {
	for (let n = path.length; n >= 0; n--) {
		const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
		const range = (node as { range?: [number, number, number] } | undefined)?.range;
		if (range) return lc.linePos(range[0]).line;
	}
	return null;
}

/**
 * Parses and validates a pack's YAML text. `override` sets fields before validation (the
 * product's editor sets the version itself, whatever the text says).
 */
export function parsePackText(text: string, override: Partial<Record<keyof PolicyPack, unknown>> = {}): ParsedPack {
	const lc = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
	if (doc.errors.length)
		return {
			ok: false,
			syntax: true,
			problems: doc.errors.map((e) => ({ field: null, line: lc.linePos(e.pos[0]).line, message: `not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` }))
		};
	let value: unknown;
	try {
		value = doc.toJS();
	} catch (e) {
		return { ok: false, syntax: true, problems: [{ field: null, line: null, message: `not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : e}` }] };
	}
	if (Object.keys(override).length) {
		if (!isMap(doc.contents) || value === null || typeof value !== 'object' || Array.isArray(value))
			return { ok: false, syntax: false, problems: [{ field: null, line: 1, message: 'a pack is a mapping of id, version, title, applies_to, effective_from and rules' }] };
		value = { ...(value as Record<string, unknown>), ...override };
	}
	const r = packSchema.safeParse(value);
	if (!r.success)
		return {
			ok: false,
			syntax: false,
			problems: r.error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : null, line: lineOf(doc, lc, i.path), message: i.message }))
		};
	return { ok: true, pack: r.data, doc };
}

/** "us-ma.yaml: rules.0.limit: …" (the format of loadPacks' messages) */
export const problemText = (p: PackProblem, file?: string) =>
	`${file ? file + ': ' : ''}${p.field ? p.field + ': ' : ''}${p.message}`;

export interface PackFile {
	file: string;
	/** the file's text, line ends as \n */
	yaml: string;
	pack: PolicyPack | null;
	messages: string[];
}

/** every <id>.yaml of the folder, parsed, in file-name order */
export function readPackFiles(dir?: string): PackFile[] {
	const folder = policiesDir(dir);
	const out: PackFile[] = [];
	for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml')).sort()) {
		const yaml = readFileSync(join(folder, file), 'utf8').replace(/\r\n?/g, '\n');
		const r = parsePackText(yaml);
		if (!r.ok) {
			const messages = r.syntax
				? r.problems.slice(0, 1).map((p) => `${file}: not valid YAML${p.line ? ` (line ${p.line})` : ''}: ${p.message.replace(/^not valid YAML: /, '')}`)
				: r.problems.map((p) => problemText(p, file));
			out.push({ file, yaml, pack: null, messages });
		} else if (basename(file, '.yaml') !== r.pack.id) {
			out.push({ file, yaml, pack: null, messages: [`${file}: the file of pack ${r.pack.id} must be named ${r.pack.id}.yaml`] });
		} else out.push({ file, yaml, pack: r.pack, messages: [] });
	}
	return out;
}

export function loadPacks(dir?: string): { packs: PolicyPack[]; problems: { file: string; messages: string[] }[] } {
	const files = readPackFiles(dir);
	return {
		packs: files.flatMap((f) => (f.pack ? [f.pack] : [])),
		problems: files.filter((f) => !f.pack).map(({ file, messages }) => ({ file, messages }))
	};
}

/** the packs that apply to an account's region (and locality: a pack with localities applies in those only) */
export function packsFor(packs: readonly PolicyPack[], region: string, locality?: string | null): PolicyPack[] {
	return packs.filter((p) => (p.applies_to === 'all' || p.applies_to.includes(region)) && (!p.localities?.length || (!!locality && (p.localities as readonly string[]).includes(locality))));
}
