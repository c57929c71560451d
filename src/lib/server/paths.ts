/**
 * Where the project's own files are (queries/, experiments/), found the same way from the
 * dev server, the built server in build/ and the CLI: walk up to the package.json of curewise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandMetrics } from '../metrics/sql.ts';

let root: string | null = null;

export function projectRoot(): string {
	if (root) return root;
	if (process.env.CUREWISE_ROOT) return (root = process.env.CUREWISE_ROOT);
	for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
		let dir = start;
		for (;;) {
			const pkg = join(dir, 'package.json');
			if (existsSync(pkg)) {
				try {
					if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'curewise') return (root = dir);
				} catch {
					/* keep walking */
				}
			}
			const up = dirname(dir);
			if (up === dir) break;
			dir = up;
		}
	}
	throw new Error('cannot find the curewise project folder; set CUREWISE_ROOT');
}

const cache = new Map<string, string>();

/**
 * queries/<name>.sql, read once, with its `{{include:NAME}}` lines replaced by queries/NAME.sql
 * (a shared chain of CTEs) and its `{{metrics:…}}` placeholders by the SQL the metric catalogue
 * generates (src/lib/metrics/sql.ts)
 */
export function querySql(name: string): string {
	if (!/^[a-z0-9_/]+$/.test(name)) throw new Error(`bad query name ${name}`);
	let sql = cache.get(name);
	if (sql === undefined) {
		const text = readFileSync(join(projectRoot(), 'queries', name + '.sql'), 'utf8');
		// placeholders are filled in outside comments only (a header may name them)
		sql = text
			.split('\n')
			.map((line) =>
				/^\s*--/.test(line) ? line : expandMetrics(line.replace(/\{\{include:([a-z0-9_/]+)\}\}/g, (_, inc: string) => querySql(inc).replace(/^(--.*\n)+/, '').trimEnd()))
			)
			.join('\n');
		cache.set(name, sql);
	}
	return sql;
}

/** the statements of queries/<name>.sql (split at a semicolon that ends a line; comment-only pieces left out) */
export function queryStatements(name: string): string[] {
	return querySql(name)
		.split(/;\s*\n/)
		.map((s) => s.trim())
		.filter((s) => s.replace(/--.*$/gm, '').trim());
}
