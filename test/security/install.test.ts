/**
 * Issue 17, item 6: a reproducible install. `npm ci` must work on Linux x64 and arm64, macOS
 * and Windows, which needs every platform's optional packages (DuckDB's bindings, Rollup's,
 * esbuild's, …) in package-lock.json; and `npm install` must leave the lock file as it is.
 * npm is run with --dry-run / --package-lock-only in a copy: nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

interface Lock {
	packages: Record<string, { optionalDependencies?: Record<string, string>; os?: string[]; cpu?: string[]; dev?: boolean }>;
}

const root = resolve('.');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;

/** optional dependencies named by a locked package but absent from the lock (npm resolves them from the package's folder upwards) */
function missingOptional(l: Lock): string[] {
	const missing: string[] = [];
	for (const [path, p] of Object.entries(l.packages)) {
		for (const name of Object.keys(p.optionalDependencies ?? {})) {
			// node_modules/a/node_modules/b → look in node_modules/a/node_modules, then node_modules
			const parts = path ? path.split('/node_modules/') : [];
			let found = false;
			for (let i = parts.length; i >= 0 && !found; i--) {
				const base = parts.slice(0, i).join('/node_modules/');
				found = `${base ? base + '/' : ''}node_modules/${name}` in l.packages;
			}
			if (!found) missing.push(`${path || '(root)'} → ${name}`);
		}
	}
	return missing;
}

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'curewise-install-'));
	cpSync(join(root, 'package.json'), join(dir, 'package.json'));
	cpSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd = dir) =>
	spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } });

describe('the lock file', () => {
	test('holds every optional package every locked package names (every platform’s native builds)', () => {
		expect(missingOptional(lock)).toEqual([]);
		// the check finds a lock without a platform's build, as the review's lock was
		const broken = structuredClone(lock);
		delete broken.packages['node_modules/@duckdb/node-bindings-darwin-arm64'];
		expect(missingOptional(broken)).toEqual([`${missingOwner(broken)} → @duckdb/node-bindings-darwin-arm64`]);
	});

	test.each([
		['linux', 'x64'],
		['linux', 'arm64'],
		['darwin', 'arm64'],
		['darwin', 'x64'],
		['win32', 'x64']
	])('npm ci on %s %s installs the locked versions, with DuckDB’s binding for that platform', (os, cpu) => {
		const r = npm(['ci', '--dry-run', `--os=${os}`, `--cpu=${cpu}`]);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(new RegExp(`add @duckdb/node-bindings-${os}-${cpu} `));
		expect(r.stdout).toMatch(/add @duckdb\/node-api /);
	});

	test('npm install leaves the lock file unchanged', () => {
		const before = readFileSync(join(dir, 'package-lock.json'), 'utf8');
		const r = npm(['install', '--package-lock-only']);
		expect(r.status, r.stderr).toBe(0);
		expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(before);
		writeFileSync(join(dir, 'package-lock.json'), before);
	});
});

/** the package that names @duckdb/node-bindings-darwin-arm64 as optional */
function missingOwner(l: Lock): string {
	return Object.entries(l.packages).find(([, p]) => p.optionalDependencies?.['@duckdb/node-bindings-darwin-arm64'])![0];
}
