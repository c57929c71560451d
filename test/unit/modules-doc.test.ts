/**
 * docs/modules.md, the module map (issue 18 item 7): every module it names exists, and every
 * module of the split experiment and KPI code (src/lib/server/experiments/, src/lib/server/kpi/,
 * src/lib/experiments/) is listed, so the map cannot silently fall behind a move or a new module.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/modules.md'), 'utf8');
const named = [...doc.matchAll(/^\| `(src\/[^`]+)` \|/gm)].map((m) => m[1]!);

function modules(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(join(root, dir))) {
		const path = join(dir, name);
		if (statSync(join(root, path)).isDirectory()) modules(path, out);
		else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, join(root, path)));
	}
	return out;
}

describe('docs/modules.md', () => {
	it('names modules, one line each, with a job', () => {
		expect(named.length).toBeGreaterThan(100);
		expect(new Set(named).size).toBe(named.length);
		for (const line of doc.split('\n').filter((l) => /^\| `src\//.test(l))) expect(line).toMatch(/^\| `src\/[^`]+` \| .{10,} \|$/);
	});

	it('names only modules that exist', () => {
		expect(named.filter((p) => !existsSync(join(root, p)))).toEqual([]);
	});

	it('lists every module of the experiment and KPI code', () => {
		const wanted = ['src/lib/server/experiments', 'src/lib/server/kpi', 'src/lib/experiments'].flatMap((d) => modules(d));
		expect(wanted.length).toBeGreaterThan(20);
		expect(wanted.filter((p) => !named.includes(p))).toEqual([]);
	});
});
