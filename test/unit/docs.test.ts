/**
 * The README is a user's manual (issue 18 item 7): at most 400 lines, the Quick start's two
 * commands as they are (CI and people run them), every relative link in the README and docs/
 * leads to a file that exists (no anchors: headings change, files are checked), and every
 * CUREWISE_* variable the code reads is in the README's configuration table.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const docs = readdirSync(join(ROOT, 'docs'))
	.filter((f) => f.endsWith('.md'))
	.map((f) => join(ROOT, 'docs', f));

/** the text without fenced code blocks and inline code, where brackets are not links */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, '``');

/** [text](target) links of a markdown file, with their line numbers */
function links(md: string): { target: string; line: number }[] {
	const out: { target: string; line: number }[] = [];
	prose(md)
		.split('\n')
		.forEach((text, i) => {
			for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1]!, line: i + 1 });
		});
	return out;
}

/** the CUREWISE_* variables the code reads: process.env.X, process.env['X'], or X: z.… in a schema parsed from process.env */
function variablesRead(dirs: string[]): Set<string> {
	const found = new Set<string>();
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (/\.(ts|js|svelte)$/.test(name)) {
				const text = readFileSync(path, 'utf8');
				for (const m of text.matchAll(/process\.env\.(CUREWISE_[A-Z0-9_]+)|process\.env\[['"](CUREWISE_[A-Z0-9_]+)['"]\]|\b(CUREWISE_[A-Z0-9_]+)\s*:\s*z\./g)) found.add((m[1] ?? m[2] ?? m[3])!);
			}
		}
	};
	for (const d of dirs) walk(join(ROOT, d));
	return found;
}

/** the variables named in the first column of the README's configuration table */
function configurationTable(md: string): Set<string> {
	const section = /^## Configuration\b[^\n]*\n([\s\S]*?)(?=^## )/m.exec(md + '\n## end');
	const names = new Set<string>();
	for (const line of (section?.[1] ?? '').split('\n')) {
		if (!line.startsWith('|')) continue;
		const first = line.split('|')[1] ?? '';
		for (const m of first.matchAll(/CUREWISE_[A-Z0-9_]+/g)) names.add(m[0]);
	}
	return names;
}

describe('the README', () => {
	test('has at most 400 lines', () => {
		const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
		expect(lines, `README.md has ${lines} lines; move the details to docs/`).toBeLessThanOrEqual(400);
	});

	test("keeps the Quick start's two commands as they are", () => {
		const quick = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
		const block = /^```sh\n([\s\S]*?)^```/m.exec(quick)?.[1] ?? '';
		const commands = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
		expect(commands).toContain('npm install && npm start');
		expect(commands).toContain('npm install && npm test');
	});

	test('lists every CUREWISE_* variable the code reads in its configuration table', () => {
		const read = variablesRead(['src', 'scripts', 'bin']);
		// the scan finds the variables it must (so that it cannot pass by finding none)
		for (const known of ['CUREWISE_DB', 'CUREWISE_STALE_DAYS', 'CUREWISE_HEAVY_QUERIES', 'CUREWISE_TRAIL_KEY']) expect(read).toContain(known);
		const table = configurationTable(readme);
		expect([...read].filter((v) => !table.has(v)).sort(), 'variables read by the code but missing from the README\'s "## Configuration" table').toEqual([]);
	});

	test('lists every file of docs/ under Further reading', () => {
		const further = /^## Further reading\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(readme)?.[1] ?? '';
		const listed = new Set(links(further).map((l) => l.target));
		const missing = docs.map((f) => relative(ROOT, f)).filter((f) => !listed.has(f));
		expect(missing, 'docs/ files not linked from the README\'s "## Further reading"').toEqual([]);
	});
});

test('every relative link in the README and docs/ leads to an existing file, without an anchor', () => {
	const bad: string[] = [];
	for (const file of [join(ROOT, 'README.md'), ...docs]) {
		for (const { target, line } of links(readFileSync(file, 'utf8'))) {
			if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
			const where = `${relative(ROOT, file)}:${line}: ${target}`;
			if (target.includes('#')) bad.push(`${where} (an anchor: link the file)`);
			else if (!existsSync(resolve(dirname(file), target))) bad.push(`${where} (no such file)`);
		}
	}
	expect(bad).toEqual([]);
});

test('the link and variable scans find what they must', () => {
	expect(links('see [a](docs/a.md) and `[b](c.md)`\n```\n[d](e.md)\n```\n[f](https://x.org "t")')).toEqual([
		{ target: 'docs/a.md', line: 1 },
		{ target: 'https://x.org', line: 5 }
	]);
	expect([...configurationTable('## Configuration\n\n| `CUREWISE_A`, `CUREWISE_B` | 1 | mentions CUREWISE_C |\n## Next\n| `CUREWISE_D` |')]).toEqual(['CUREWISE_A', 'CUREWISE_B']);
});
