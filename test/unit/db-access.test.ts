/**
 * One way to reach the database (issue 18 item 7; docs/architecture-rules.md): the app's own
 * tables (users, sessions, the trail, import batches, policy packs, the bookkeeping of the
 * summaries and the contact index…) are read and written through Kysely (`store.kysely`, or
 * `kyselyOn(conn)` inside a transaction on a connection), typed by src/lib/server/db/schema.ts;
 * the analytic tables (the data contract's, the summaries, the findings) through the SQL files in
 * queries/ or SQL built from the metric catalogue.
 *
 * This test reads every string literal and template in src/lib/server and src/cli with the
 * TypeScript parser and lists those that are SQL on one of the app's tables (a statement that
 * reads or writes it: FROM, JOIN, INTO or UPDATE followed by its name). A template tagged `sql`
 * is Kysely's and does not count. The app's tables are the tables typed in db/schema.ts's
 * AppDatabase, less the analytic ones that may be typed there for reading.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** analytic tables: reached through queries/ (none is typed in schema.ts today; listed should one be) */
const ANALYTIC = new Set(['accounts', 'delinquencies', 'interactions', 'payments', 'complaints', 'contact_preferences', 'experiment_assignments', 'compliance_findings', 'contact_index', 'account_zones', 'kpi_filter_values', 'kpi_replaced_rows']);

/** files that may still reach the app's tables by SQL strings */
const ALLOWED: Record<string, string> = {
	// schema changes are SQL by nature (CREATE, ALTER, and the data fixes that go with them)
	'src/lib/server/db/migrations.ts': 'migrations'
};

/** the table names of AppDatabase in db/schema.ts */
function schemaTables(): string[] {
	const text = readFileSync(join(root, 'src/lib/server/db/schema.ts'), 'utf8');
	const body = /export interface AppDatabase \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
	return [...body.matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1]!);
}

const appTables = () => schemaTables().filter((t) => !ANALYTIC.has(t));

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path, out);
		else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
	}
	return out;
}

interface Hit {
	file: string;
	line: number;
	table: string;
	text: string;
}

/** the literal text of a string or template (a substitution as ${}) */
function literalText(node: ts.Node): string | null {
	if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
	if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => '${}' + s.literal.text).join('');
	return null;
}

/** a template Kysely builds: sql`…` (sql<T>`…` too) */
function isKyselySql(node: ts.Node): boolean {
	const p = node.parent;
	return !!p && ts.isTaggedTemplateExpression(p) && p.template === node && ts.isIdentifier(p.tag) && p.tag.text === 'sql';
}

function sqlStrings(file: string, tables: string[]): Hit[] {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const names = tables.join('|');
	const use = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE)\\s+(?:main\\.)?"?(${names})"?(?![\\w.])`, 'i');
	const hits: Hit[] = [];
	const visit = (node: ts.Node) => {
		const text = literalText(node);
		if (text !== null && !isKyselySql(node)) {
			const m = use.exec(text);
			if (m) {
				const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
				hits.push({ file: relative(root, file), line, table: m[1]!, text: text.replace(/\s+/g, ' ').slice(0, 100) });
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return hits;
}

function allHits(): Hit[] {
	const tables = appTables();
	return [...walk(join(root, 'src/lib/server')), ...walk(join(root, 'src/cli'))].flatMap((f) => sqlStrings(f, tables));
}

describe('one way to reach the database', () => {
	it('knows the app’s tables from db/schema.ts', () => {
		const tables = appTables();
		for (const t of ['users', 'sessions', 'trail', 'import_batches', 'quarantine', 'experiment_alerts', 'experiment_stats', 'policy_pack_versions', 'kpi_summary_state', 'contact_index_state', 'compliance_audits', 'audit_owed'])
			expect(tables, `db/schema.ts's AppDatabase types ${t}`).toContain(t);
	});

	it('finds a SQL string on an app table, and not one Kysely builds', () => {
		const tmp = join(root, 'test/unit/.db-access-sample.ts');
		const sample = [
			"const a = 'SELECT * FROM users WHERE username = $u';",
			'const b = `UPDATE sessions SET last_seen_at = now() WHERE token_hash = ${h}`;',
			'const c = sql`(SELECT count(*) FROM quarantine q)`;',
			"const d = 'SELECT * FROM interactions';",
			"const e = 'the user was removed from the list';"
		].join('\n');
		writeFileSync(tmp, sample);
		let hits: Hit[];
		try {
			hits = sqlStrings(tmp, appTables());
		} finally {
			rmSync(tmp, { force: true });
		}
		expect(hits.map((h) => [h.line, h.table])).toEqual([
			[1, 'users'],
			[2, 'sessions']
		]);
	});

	it('reaches the app’s tables through Kysely outside the allowed files', () => {
		const outside = allHits()
			.filter((h) => !(h.file in ALLOWED))
			.map((h) => `${h.file}:${h.line} (${h.table}): ${h.text}`);
		expect(outside, 'SQL strings on the app’s own tables: use store.kysely (or kyselyOn(conn) in a transaction), typed in db/schema.ts').toEqual([]);
	});

	it('allows only files that still need it', () => {
		const files = new Set(allHits().map((h) => h.file));
		const stale = Object.keys(ALLOWED).filter((f) => !files.has(f));
		expect(stale, 'allowed files with no SQL string on the app’s tables left: take them off ALLOWED').toEqual([]);
	});
});
