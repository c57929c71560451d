/**
 * The architecture rules of docs/architecture-rules.md, checked on the source itself:
 *
 * 1. No import cycles among the modules of src/ (one list entry per cycle, as a path).
 * 2. No module under src/lib/server/ imports `@sveltejs/kit` or `$app/*` (types included): server
 *    modules throw their own errors (src/lib/server/errors.ts) and the routes turn them into
 *    responses, so the CLI can use the same modules.
 * 3. Only the server side reaches into src/lib/server/ (src/lib/server itself, the routes'
 *    +page.server.ts, +layout.server.ts and +server.ts, hooks.server.ts, the CLI, and server-only
 *    `*.server.ts` modules of src/lib such as http.server.ts): a `.svelte` file, another module of
 *    src/lib, or a universal load (+page.ts, +layout.ts) that imports `$lib/server/…` — types
 *    included, the types the pages use live in shared modules — fails.
 *
 * The import graph is built here by a small walker over the TypeScript parser (the `typescript`
 * package the project already has), not by a dependency tool: it reads every `import … from`,
 * `export … from`, side-effect `import '…'` and `import('…')` with a literal, in .ts files and
 * in the <script> blocks of .svelte files, and resolves `$lib`, relative paths, `.ts`, `.js`,
 * `.svelte`, `.svelte.ts` and index files.
 *
 * Which edges count for cycles: only those that exist at run time. A whole-declaration type
 * import (`import type …`, `export type … from`) is erased by the compiler, so a cycle made only
 * of such edges cannot start a module before its imports are ready, and is allowed. An
 * `import { type A } from …` still counts: under `verbatimModuleSyntax` (SvelteKit's tsconfig)
 * it stays in the output as `import {} from …` and runs the module. Rules 2 and 3 count every
 * edge, types included.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

type Edge = { from: string; spec: string; to: string | null; typeOnly: boolean; line: number };

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path, out);
		else if (/\.(ts|js|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
	}
	return out;
}

/** The script text of a file: a .ts file whole, a .svelte file's <script> blocks, each kept at
 *  its place (everything else blanked out, so line numbers stay right). */
function scriptOf(path: string): string {
	const text = readFileSync(path, 'utf8');
	if (!path.endsWith('.svelte')) return text;
	let out = text.replace(/[^\n]/g, ' ');
	for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
		const body = m[1] ?? '';
		const start = m.index + m[0].indexOf('>') + 1;
		out = out.slice(0, start) + body + out.slice(start + body.length);
	}
	return out;
}

function resolveSpec(from: string, spec: string): string | null {
	let base: string;
	if (spec === '$lib' || spec.startsWith('$lib/')) base = join(src, 'lib', spec.slice(4));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null; // a package, $app/*, $env/*: outside src/
	const tries = [
		base,
		base.replace(/\.js$/, '.ts'),
		`${base}.ts`,
		`${base}.js`,
		`${base}.svelte`,
		`${base}.svelte.ts`,
		join(base, 'index.ts'),
		join(base, 'index.js')
	];
	for (const t of tries) if (existsSync(t) && statSync(t).isFile()) return t;
	return null;
}

function edgesOf(path: string): Edge[] {
	const sf = ts.createSourceFile(path, scriptOf(path), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const edges: Edge[] = [];
	const add = (node: ts.Node, spec: string, typeOnly: boolean) => {
		const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
		edges.push({ from: path, spec, to: resolveSpec(path, spec), typeOnly, line });
	};
	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
			add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			add(node, node.moduleSpecifier.text, node.isTypeOnly);
		} else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
			const e = node.moduleReference.expression;
			if (ts.isStringLiteral(e)) add(node, e.text, node.isTypeOnly);
		} else if (
			ts.isCallExpression(node) &&
			node.expression.kind === ts.SyntaxKind.ImportKeyword &&
			node.arguments[0] &&
			ts.isStringLiteralLike(node.arguments[0])
		) {
			add(node, node.arguments[0].text, false);
		} else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
			// `import('…').T` in a type position: a type edge
			add(node, node.argument.literal.text, true);
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return edges;
}

const rel = (p: string) => relative(root, p).split(sep).join('/');

const files = walk(src);
const edges = files.flatMap(edgesOf);

/** Every cycle of the run-time graph, each once, as a path that starts at its smallest module. */
function cycles(): string[][] {
	const graph = new Map<string, string[]>();
	for (const f of files) graph.set(f, []);
	for (const e of edges) {
		if (!e.to || e.typeOnly || !graph.has(e.to)) continue; // a file outside src/ or a type edge
		if (!graph.get(e.from)!.includes(e.to)) graph.get(e.from)!.push(e.to);
	}
	// Tarjan's strongly connected components; then, in each, one shortest cycle through each module
	let index = 0;
	const idx = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const on = new Set<string>();
	const comps: string[][] = [];
	const strong = (v: string) => {
		idx.set(v, index);
		low.set(v, index++);
		stack.push(v);
		on.add(v);
		for (const w of graph.get(v)!) {
			if (!idx.has(w)) {
				strong(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
		}
		if (low.get(v) === idx.get(v)) {
			const comp: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				on.delete(w);
				comp.push(w);
			} while (w !== v);
			if (comp.length > 1 || graph.get(v)!.includes(v)) comps.push(comp);
		}
	};
	for (const f of files) if (!idx.has(f)) strong(f);
	const found = new Map<string, string[]>();
	for (const comp of comps) {
		const inComp = new Set(comp);
		for (const start of comp) {
			// breadth-first from start back to start, inside the component
			const prev = new Map<string, string>();
			const queue = [start];
			let end: string | null = null;
			while (queue.length && !end) {
				const v = queue.shift()!;
				for (const w of graph.get(v)!) {
					if (!inComp.has(w)) continue;
					if (w === start) {
						end = v;
						break;
					}
					if (!prev.has(w)) {
						prev.set(w, v);
						queue.push(w);
					}
				}
			}
			if (!end) continue;
			const path = [end];
			while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
			const names = path.map(rel);
			const min = names.indexOf([...names].sort()[0]!);
			const canon = [...names.slice(min), ...names.slice(0, min)];
			found.set(canon.join(' → '), [...canon, canon[0]!]);
		}
	}
	return [...found.values()];
}

const isServer = (p: string) => rel(p).startsWith('src/lib/server/');
const serverSide = (p: string) => {
	const r = rel(p);
	return (
		r.startsWith('src/lib/server/') ||
		// a server-only module of src/lib (SvelteKit keeps *.server.ts out of the browser): the one
		// that turns the server's errors into answers, src/lib/http.server.ts
		/^src\/lib\/.*\.server\.(ts|js)$/.test(r) ||
		r.startsWith('src/cli/') ||
		/^src\/hooks\.server\.(ts|js)$/.test(r) ||
		/\/\+(page|layout)\.server\.(ts|js)$/.test(r) ||
		/\/\+server\.(ts|js)$/.test(r)
	);
};

describe('architecture', () => {
	it('reads the whole source tree', () => {
		// the walker itself: it must see the modules and resolve the known kinds of import
		expect(files.length).toBeGreaterThan(100);
		const resolved = edges.filter((e) => e.to);
		expect(resolved.some((e) => e.spec.startsWith('$lib/'))).toBe(true);
		expect(resolved.some((e) => e.spec.startsWith('.'))).toBe(true);
		expect(resolved.some((e) => e.from.endsWith('.svelte'))).toBe(true);
		expect(resolved.some((e) => e.to!.endsWith('.svelte'))).toBe(true);
		// every relative or $lib import names a file that exists
		const unresolved = edges
			.filter((e) => !e.to && (e.spec.startsWith('.') || e.spec.startsWith('$lib')) && !e.spec.includes('$types'))
			.map((e) => `${rel(e.from)}:${e.line} imports ${e.spec}`);
		expect(unresolved).toEqual([]);
	});

	it('has no import cycles (type-only imports aside)', () => {
		const found = cycles().map((c) => c.join(' → '));
		expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
	});

	it('keeps @sveltejs/kit and $app/* out of src/lib/server', () => {
		const bad = edges
			.filter((e) => isServer(e.from) && (e.spec === '@sveltejs/kit' || e.spec.startsWith('@sveltejs/kit/') || e.spec.startsWith('$app/')))
			.map((e) => `${rel(e.from)}:${e.line} imports ${e.spec}`);
		expect(bad, `server modules importing SvelteKit:\n${bad.join('\n')}`).toEqual([]);
	});

	it('lets only the server side import from src/lib/server', () => {
		const bad = edges
			.filter((e) => e.to && isServer(e.to) && !serverSide(e.from))
			.map((e) => `${rel(e.from)}:${e.line} imports ${e.spec}${e.typeOnly ? ' (types)' : ''}`);
		expect(bad, `imports of src/lib/server from shared or page code:\n${bad.join('\n')}`).toEqual([]);
	});
});
