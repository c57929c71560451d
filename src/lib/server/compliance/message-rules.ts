/**
 * The message check's rules, read from policies/messages/message-check.yaml
 * (CUREWISE_MESSAGE_CHECK_FILE overrides the path) and validated by messageRulesSchema. A bad
 * file is not thrown at the pages: it comes back as problems that name the file, the line, the
 * field and the problem, and the pages say the message check cannot run and why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { messageRulesSchema, type MessageRules } from '../../compliance/message-check.ts';
import type { CheckRules } from '../../experiments/checks.ts';
import type { Store } from '../db/store.ts';
import { projectRoot } from '../paths.ts';
import { currentPacks } from './pack-store.ts';

export function messageRulesFile(file?: string): string {
	return file ?? process.env.CUREWISE_MESSAGE_CHECK_FILE ?? join(projectRoot(), 'policies', 'messages', 'message-check.yaml');
}

export interface LoadedMessageRules {
	/** null when the file cannot be used */
	rules: MessageRules | null;
	file: string;
	/** "policies/messages/message-check.yaml, line 12, wording.phrases.3.reason: reason is missing …" */
	problems: string[];
}

/** the node at a zod path, or the deepest existing node above it (a missing field is reported at its parent) */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: PropertyKey[]): Node | null {
	let node: unknown = doc.contents;
	for (const key of path) {
		if (isMap(node)) {
			const next = node.get(String(key), true);
			if (next === undefined) break;
			node = next;
		} else if (isSeq(node) && typeof key === 'number') {
			const next = node.get(key, true);
			if (next === undefined) break;
			node = next;
		} else break;
	}
	return (node as Node | null) ?? null;
}

/** reads and validates the file; never throws for a missing or bad file */
export function loadMessageRules(file?: string): LoadedMessageRules {
	const path = messageRulesFile(file);
	const shown = path.startsWith(projectRoot() + '/') ? path.slice(projectRoot().length + 1) : path;
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		return { rules: null, file: shown, problems: [`${shown}: ${code === 'ENOENT' ? 'the file does not exist' : `cannot be read (${code ?? e})`}`] };
	}
	const lines = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
	if (doc.errors.length)
		return {
			rules: null,
			file: shown,
			problems: doc.errors.map((err) => `${shown}, line ${lines.linePos(err.pos[0]).line}: not valid YAML: ${err.message.split('\n')[0]}`)
		};
	const r = messageRulesSchema.safeParse(doc.toJS());
	if (!r.success)
		return {
			rules: null,
			file: shown,
			problems: r.error.issues.map((i) => {
				const node = nodeAt(doc, i.path);
				const line = node?.range ? `, line ${lines.linePos(node.range[0]).line}` : '';
				return `${shown}${line}, ${i.path.length ? i.path.join('.') : 'the file'}: ${i.message}`;
			})
		};
	return { rules: r.data, file: shown, problems: [] };
}

/**
 * Everything the message and cadence checks need, for a page to hand to the browser: the
 * message rules and the policy packs in force (the latest version of each, from the store).
 */
export async function checkRules(store: Store): Promise<CheckRules> {
	const m = loadMessageRules();
	const packs = await currentPacks(store);
	return { message: m.rules, packs: packs.map((p) => p.pack), problems: m.problems };
}
