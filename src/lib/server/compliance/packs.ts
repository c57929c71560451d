/**
 * The policy packs folder (CUREWISE_POLICIES_DIR, default <project>/policies): every
 * <id>.yaml parsed and validated; problems name the file, the field and the problem. A pack
 * id appears once; the file name is the id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { describePackIssues, packSchema, type PolicyPack } from '../../compliance/packs.ts';
import { projectRoot } from '../paths.ts';

export function policiesDir(dir?: string): string {
	return dir ?? process.env.CUREWISE_POLICIES_DIR ?? join(projectRoot(), 'policies');
}

export function loadPacks(dir?: string): { packs: PolicyPack[]; problems: { file: string; messages: string[] }[] } {
	const folder = policiesDir(dir);
	const packs: PolicyPack[] = [];
	const problems: { file: string; messages: string[] }[] = [];
	for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml')).sort()) {
		let doc: unknown;
		try {
			doc = parse(readFileSync(join(folder, file), 'utf8'));
		} catch (e) {
			const line = e instanceof YAMLParseError ? ` (line ${e.linePos?.[0]?.line ?? '?'})` : '';
			problems.push({ file, messages: [`${file}: not valid YAML${line}: ${e instanceof Error ? e.message.split('\n')[0] : e}`] });
			continue;
		}
		const r = packSchema.safeParse(doc);
		if (!r.success) {
			problems.push({ file, messages: describePackIssues(r.error, file) });
			continue;
		}
		if (basename(file, '.yaml') !== r.data.id) {
			problems.push({ file, messages: [`${file}: the file of pack ${r.data.id} must be named ${r.data.id}.yaml`] });
			continue;
		}
		packs.push(r.data);
	}
	return { packs, problems };
}

/** the packs that apply to an account's region */
export function packsFor(packs: readonly PolicyPack[], region: string): PolicyPack[] {
	return packs.filter((p) => p.applies_to === 'all' || p.applies_to.includes(region));
}
