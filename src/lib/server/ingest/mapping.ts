/**
 * The mappings folder: mappings/<name>.yaml, one mapping per file (docs/mappings.md), validated
 * by the zod schema of src/lib/mapping-schema.ts and against the data contract. A mapping is
 * chosen by its name, which must be one of the folder's files: a name from a request is looked
 * up in the folder's listing and never joined into a path as it is.
 *
 * The folder is CUREWISE_MAPPINGS_DIR, else <project>/mappings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import YAML from 'yaml';
import { contractProblems, describeMappingIssues, MAPPING_NAME, mappingSchema, type Mapping } from '../../mapping-schema.ts';
import { projectRoot } from '../paths.ts';

/** a mapping that cannot be used: each message names the file, the field and the problem */
export class MappingError extends Error {
	constructor(readonly messages: string[]) {
		super(messages.join('\n'));
		this.name = 'MappingError';
	}
}

export interface LoadedMapping {
	name: string;
	/** the file as messages name it: mappings/<name>.yaml */
	file: string;
	spec: Mapping;
}

export interface MappingListing {
	name: string;
	file: string;
	/** null when the file is not a valid mapping */
	title: string | null;
	description: string | null;
	/** why the file cannot be used (empty: it can) */
	problems: string[];
}

export function mappingsDir(dir?: string | null): string {
	return resolve(dir || process.env.CUREWISE_MAPPINGS_DIR || join(projectRoot(), 'mappings'));
}

/** the names of the folder's mappings (its *.yaml files), sorted */
export function mappingNames(dir?: string | null): string[] {
	const folder = mappingsDir(dir);
	if (!existsSync(folder)) return [];
	return readdirSync(folder)
		.filter((f) => f.endsWith('.yaml') && MAPPING_NAME.test(f.slice(0, -'.yaml'.length)))
		.map((f) => f.slice(0, -'.yaml'.length))
		.sort();
}

/** "YAML syntax error at line 3, column 4: …" */
function syntaxMessages(file: string, doc: YAML.Document.Parsed): string[] {
	return doc.errors.map((err) => {
		const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		const pos = err.linePos?.[0];
		return `${file}: YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${what}`;
	});
}

/** the mapping in text (the content of `file`): the mapping, or the problems, each naming the file and the field */
export function parseMapping(text: string, file: string): { spec: Mapping | null; problems: string[] } {
	const doc = YAML.parseDocument(text, { prettyErrors: true });
	if (doc.errors.length) return { spec: null, problems: syntaxMessages(file, doc) };
	const data: unknown = doc.toJS({ maxAliasCount: 100 });
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		return { spec: null, problems: [`${file}: holds no mapping (expected fields such as title, source and tables)`] };
	}
	const r = mappingSchema.safeParse(data);
	if (!r.success) return { spec: null, problems: describeMappingIssues(r.error).map((m) => `${file}: ${m}`) };
	const problems = contractProblems(r.data).map((m) => `${file}: ${m}`);
	return { spec: problems.length ? null : r.data, problems };
}

/**
 * The mapping called name: a MappingError when no file of the folder has that name (the
 * message lists those that do) or when the file is not a valid mapping
 */
export function loadMapping(name: string, dir?: string | null): LoadedMapping {
	const folder = mappingsDir(dir);
	const names = mappingNames(folder);
	// the allow-list: the name must be one of the folder's files, never a path
	const known = names.find((n) => n === name);
	if (known === undefined) {
		const have = names.length ? `the mappings are: ${names.join(', ')}` : `there are none in ${basename(folder)}/`;
		throw new MappingError([`there is no mapping called "${name}": ${have}`]);
	}
	const file = `${basename(folder)}/${known}.yaml`;
	let text: string;
	try {
		text = readFileSync(join(folder, `${known}.yaml`), 'utf8');
	} catch (e) {
		throw new MappingError([`${file}: cannot be read (${e instanceof Error ? e.message : e})`]);
	}
	const { spec, problems } = parseMapping(text, file);
	if (!spec) throw new MappingError(problems);
	return { name: known, file, spec };
}

/** every mapping of the folder, with its title, or why it cannot be used */
export function listMappings(dir?: string | null): MappingListing[] {
	const folder = mappingsDir(dir);
	return mappingNames(folder).map((name) => {
		try {
			const m = loadMapping(name, folder);
			return { name, file: m.file, title: m.spec.title, description: m.spec.description?.trim() ?? null, problems: [] };
		} catch (e) {
			return { name, file: `${basename(folder)}/${name}.yaml`, title: null, description: null, problems: e instanceof MappingError ? e.messages : [String(e)] };
		}
	});
}
