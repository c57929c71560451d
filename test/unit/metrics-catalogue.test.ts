/**
 * The metric catalogue (src/lib/metrics) is the one place a metric is defined: it is well formed,
 * no query file or page defines a metric or a named count by hand, the vocabularies are written
 * once (src/lib/vocabulary.ts), the SQL it generates is valid DuckDB, and docs/metrics.md's metrics
 * table is the one generated from it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import { EXPERIMENT_METRIC_DEFS, KPIS, METRICS, RATIO_KPIS, RENAMED_METRICS, type MetricDef } from '../../src/lib/metrics/catalogue.ts';
import { COUNT_NAMES, COUNTS, EPISODE_BASE_COLUMNS, TIME_COLUMNS } from '../../src/lib/metrics/counts.ts';
import { contactCountColumns, episodeAge, episodeCountColumns, episodeFactColumns, eventCountColumns, experimentCellColumns, experimentOutcomeColumns } from '../../src/lib/metrics/sql.ts';
import { querySql } from '../../src/lib/server/paths.ts';
import { CHANNELS, COMPLAINT_CATEGORIES, OUTCOMES, SEGMENTS, TONES } from '../../src/lib/vocabulary.ts';
import { metricsMarkdown, readBlock } from '../../scripts/docs.ts';

const ROOT = process.cwd();
const ALL: readonly MetricDef[] = METRICS;
const METRIC_NAMES = ALL.map((m) => m.name);
const COUNT_SET = new Set<string>(COUNT_NAMES);
/** the names a metric or a named count goes by: nothing else may produce them */
const DEFINED = new Set<string>([...METRIC_NAMES, ...COUNT_NAMES]);

// ------------------------------------------------------------------ files and masking

function walk(dir: string, keep: (f: string) => boolean): string[] {
	const out: string[] = [];
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		if (e.isDirectory()) out.push(...walk(p, keep));
		else if (keep(p)) out.push(p);
	}
	return out.sort();
}
const rel = (p: string) => relative(ROOT, p).split('\\').join('/');
const blank = (s: string) => s.replace(/[^\n]/g, ' ');
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
const lineText = (text: string, index: number) => text.split('\n')[lineOf(text, index) - 1]!.trim();

/** SQL with its comments blanked (lengths and line breaks kept); with strings: their contents too */
function maskSql(text: string, strings: boolean): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const c = text[i]!;
		if (c === '-' && text[i + 1] === '-') {
			const end = text.indexOf('\n', i);
			const stop = end < 0 ? text.length : end;
			out += blank(text.slice(i, stop));
			i = stop;
		} else if (c === '/' && text[i + 1] === '*') {
			const end = text.indexOf('*/', i + 2);
			const stop = end < 0 ? text.length : end + 2;
			out += blank(text.slice(i, stop));
			i = stop;
		} else if (c === "'") {
			let j = i + 1;
			while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
			const body = text.slice(i + 1, j);
			out += "'" + (strings ? blank(body) : body) + (j < text.length ? "'" : '');
			i = j + 1;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

/** TypeScript (or a Svelte script) with its comments blanked; strings, templates and regular expressions kept */
function maskScript(text: string): string {
	let out = '';
	let i = 0;
	let last = '';
	while (i < text.length) {
		const c = text[i]!;
		if (c === '/' && text[i + 1] === '/') {
			const end = text.indexOf('\n', i);
			const stop = end < 0 ? text.length : end;
			out += blank(text.slice(i, stop));
			i = stop;
		} else if (c === '/' && text[i + 1] === '*') {
			const end = text.indexOf('*/', i + 2);
			const stop = end < 0 ? text.length : end + 2;
			out += blank(text.slice(i, stop));
			i = stop;
		} else if (c === "'" || c === '"' || c === '`') {
			let j = i + 1;
			while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
			last = c;
		} else if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last) || /\b(return|typeof|case|in|of)\s*$/.test(out))) {
			// a regular expression literal
			let j = i + 1;
			let inClass = false;
			while (j < text.length && text[j] !== '\n') {
				if (text[j] === '\\') j++;
				else if (text[j] === '[') inClass = true;
				else if (text[j] === ']') inClass = false;
				else if (text[j] === '/' && !inClass) break;
				j++;
			}
			out += text.slice(i, j + 1);
			i = j + 1;
			last = '/';
		} else {
			out += c;
			if (!/\s/.test(c)) last = c;
			i++;
		}
	}
	return out;
}

/** a .ts file or a .svelte component with its comments blanked (script blocks as TypeScript, markup's <!-- -->) */
function maskSource(path: string, text: string): string {
	if (!path.endsWith('.svelte')) return maskScript(text);
	let out = '';
	let at = 0;
	for (const m of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)(<\/script>)/g)) {
		out += text.slice(at, m.index).replace(/<!--[\s\S]*?-->/g, blank) + m[1] + maskScript(m[2]!) + m[3];
		at = m.index + m[0].length;
	}
	return out + text.slice(at).replace(/<!--[\s\S]*?-->/g, blank);
}

// ------------------------------------------------------------------ finders

interface Hit {
	file: string;
	line: number;
	why: string;
	text: string;
}
const report = (hits: Hit[]) => hits.map((h) => `${h.file}:${h.line}: ${h.why}\n    ${h.text}`).join('\n');

const STOP_WORDS = new Set(['SELECT', 'FROM', 'WHERE', 'JOIN', 'ON', 'BY', 'HAVING', 'WITH', 'UNION', 'DISTINCT', 'QUALIFY', 'WINDOW', 'USING']);

/** where the select item that ends at `end` (just before its AS) starts */
function itemStart(s: string, end: number): number {
	let depth = 0;
	for (let i = end - 1; i >= 0; i--) {
		const c = s[i]!;
		if (c === ')' || c === ']' || c === '}') depth++;
		else if (c === '(' || c === '[' || c === '{') {
			if (depth === 0) return i + 1;
			depth--;
		} else if (depth === 0 && (c === ',' || c === ';' || c === '`')) return i + 1;
		else if (depth === 0 && /[A-Za-z]/.test(c) && (i === 0 || !/[\w$]/.test(s[i - 1]!))) {
			const word = /^[A-Za-z_]+/.exec(s.slice(i))![0];
			if (STOP_WORDS.has(word.toUpperCase())) return i + word.length;
		}
	}
	return 0;
}

const COMPUTES = /\b(count|sum)\s*\(|\bFILTER\s*\(\s*WHERE\b|\//i;

/** `sum(x.name)`, `coalesce(sum(name), 0)`, `count(*) FILTER (WHERE name)`: the same column, re-aggregated under its name */
function reaggregates(item: string, name: string): boolean {
	const x = item.replace(/::\s*[A-Za-z]+(\s*\(\s*\d+(\s*,\s*\d+)?\s*\))?/g, '').trim();
	const col = `(?:[A-Za-z_]\\w*\\.)?${name}`;
	return [
		new RegExp(`^sum\\s*\\(\\s*${col}\\s*\\)$`, 'i'),
		new RegExp(`^coalesce\\s*\\(\\s*sum\\s*\\(\\s*${col}\\s*\\)\\s*,\\s*0\\s*\\)$`, 'i'),
		new RegExp(`^count\\s*\\(\\s*\\*\\s*\\)\\s*FILTER\\s*\\(\\s*WHERE\\s+${col}\\s*\\)$`, 'i')
	].some((re) => re.test(x));
}

/** SQL select items that compute a column named as a metric or a named count (masked text; hits at its lines) */
function sqlDefinitions(file: string, text: string, masked: string): Hit[] {
	const hits: Hit[] = [];
	for (const m of masked.matchAll(/\bAS\s+("?)([A-Za-z_][A-Za-z0-9_]*)\1(?![\w(])/gi)) {
		const name = m[2]!.toLowerCase();
		if (!DEFINED.has(name)) continue;
		const item = masked.slice(itemStart(masked, m.index), m.index);
		if (!COMPUTES.test(item) || reaggregates(item, name)) continue;
		const what = COUNT_SET.has(name) ? 'the named count' : 'the metric';
		hits.push({ file, line: lineOf(text, m.index), why: `computes ${what} ${name} by hand (use a {{metrics:…}} placeholder)`, text: lineText(text, m.index) });
	}
	return hits;
}

const NAMES_RE = [...DEFINED].sort((a, b) => b.length - a.length).join('|');
const COUNTS_RE = [...COUNT_NAMES].sort((a, b) => b.length - a.length).join('|');
const DEFINING_KEYS = /^(label|kind|definition|format|better|unit|grain)$/;

/** the object literal around `at` (the unmatched `{` before it to its `}`), or null */
function enclosingObject(s: string, at: number): { start: number; end: number } | null {
	let depth = 0;
	let start = -1;
	for (let i = at; i >= 0; i--) {
		const c = s[i]!;
		if (c === '}') depth++;
		else if (c === '{') {
			if (depth === 0) {
				start = i;
				break;
			}
			depth--;
		}
	}
	if (start < 0) return null;
	return objectAt(s, start);
}
/** the object literal whose `{` is at start */
function objectAt(s: string, start: number): { start: number; end: number } | null {
	let depth = 0;
	for (let i = start; i < s.length; i++) {
		if (s[i] === '{') depth++;
		else if (s[i] === '}' && --depth === 0) return { start, end: i };
	}
	return null;
}
/** the keys at the top level of an object literal */
function topLevelKeys(s: string, o: { start: number; end: number }): string[] {
	let flat = '';
	let depth = 0;
	for (let i = o.start + 1; i < o.end; i++) {
		const c = s[i]!;
		if ('([{'.includes(c)) depth++;
		if (depth === 0) flat += c;
		if (')]}'.includes(c)) depth--;
	}
	return [...flat.matchAll(/(?:^|[,\s])['"]?([A-Za-z_$][\w$]*)['"]?\s*:/g)].map((m) => m[1]!);
}

const OPERAND = `(?:[\\w$]+\\s*\\(\\s*)?(?:[\\w$]+(?:\\?\\.|\\.|\\[\\s*['"]))*`;
/** the catalogue's ratios as numerator/denominator pairs */
const RATIO_PAIRS = new Set(ALL.flatMap((m) => (m.compute.kind === 'ratio' ? [`${m.compute.numerator}/${m.compute.denominator}`] : [])));

/** a metric defined in a .ts or .svelte file outside src/lib/metrics */
function sourceDefinitions(file: string, text: string, masked: string): Hit[] {
	const hits: Hit[] = [];
	const hit = (index: number, why: string) => hits.push({ file, line: lineOf(text, index), why, text: lineText(text, index) });
	// `cure_rate_30d: { label: … }`
	for (const m of masked.matchAll(new RegExp(`(?<![\\w$.])(['"]?)(${NAMES_RE})\\1\\s*:\\s*\\{`, 'g'))) {
		const o = objectAt(masked, m.index + m[0].length - 1);
		const keys = o ? topLevelKeys(masked, o).filter((k) => DEFINING_KEYS.test(k)) : [];
		if (keys.length) hit(m.index, `an object keyed by ${m[2]} with ${keys.join(', ')}: a definition outside the catalogue`);
	}
	// `{ name: 'cure_rate_30d', label: … }`
	for (const m of masked.matchAll(new RegExp(`(?<![\\w$])name\\s*:\\s*(['"\`])(${NAMES_RE})\\1`, 'g'))) {
		const o = enclosingObject(masked, m.index);
		const keys = o ? topLevelKeys(masked, o).filter((k) => DEFINING_KEYS.test(k)) : [];
		if (keys.length) hit(m.index, `an object named ${m[2]} with ${keys.join(', ')}: a definition outside the catalogue`);
	}
	// `{ cure_rate_30d: 'Cure rate' }`, `[['cure_rate_30d', 'Cure rate']]`: a label of its own
	const labelish = (v: string) => /^[A-Z]/.test(v) || /\s/.test(v.trim());
	for (const m of masked.matchAll(new RegExp(`(?<![\\w$.])(['"]?)(${NAMES_RE})\\1\\s*:\\s*(['"\`])([^'"\`\\n]*)\\3`, 'g')))
		if (labelish(m[4]!)) hit(m.index, `a label for ${m[2]} ('${m[4]}') outside the catalogue`);
	// `[['cure_rate_30d', 'Cure rate']]`, `tile('cure_rate_30d', 'Cure rate', …)`, `m === 'days_to_pay' ? 'Days to pay' : …`
	for (const re of [
		new RegExp(`\\[\\s*(['"\`])(${NAMES_RE})\\1\\s*,\\s*(['"\`])([^'"\`\\n]*)\\3\\s*\\]`, 'g'),
		new RegExp(`[\\w$]\\s*\\(\\s*(['"\`])(${NAMES_RE})\\1\\s*,\\s*(['"\`])([^'"\`\\n]*)\\3`, 'g'),
		new RegExp(`==\\s*(['"\`])(${NAMES_RE})\\1\\s*\\?\\s*(['"\`])([^'"\`\\n]*)\\3`, 'g')
	])
		for (const m of masked.matchAll(re)) if (labelish(m[4]!)) hit(m.index, `a label for ${m[2]} ('${m[4]}') outside the catalogue`);
	// `cured_30 / mature_30`, `n(r.cured_30) / n(r.mature_30)`
	for (const m of masked.matchAll(/\/(?![/*=])/g)) {
		const before = masked.slice(Math.max(0, m.index - 100), m.index);
		const after = masked.slice(m.index + 1, m.index + 101);
		const l = new RegExp(`(?<![\\w$])(${COUNTS_RE})['"]?\\]?(?:\\s*\\?\\?\\s*\\d+)?\\s*\\)*\\s*$`).exec(before);
		const r = new RegExp(`^\\s*\\(*\\s*(?:[\\w$]+\\s*\\(\\s*)*(?:[\\w$]+(?:\\?\\.|\\.|\\[\\s*['"]))*(${COUNTS_RE})(?![\\w$])`).exec(after);
		if (l && r) hit(m.index, `${l[1]} ÷ ${r[1]} divided by hand (the catalogue's ratios are divided in kpisFromCounts)`);
	}
	// `ratio(r.cured_30, r.mature_30)`: a catalogue ratio's numerator and denominator handed to a function
	for (const m of masked.matchAll(new RegExp(`[\\w$]+\\s*\\(\\s*${OPERAND}(${COUNTS_RE})['"]?\\]?\\s*\\)?\\s*,\\s*${OPERAND}(${COUNTS_RE})(?![\\w$])`, 'g')))
		if (RATIO_PAIRS.has(`${m[1]}/${m[2]}`)) hit(m.index, `${m[1]} and ${m[2]} (a ratio of the catalogue) combined by hand`);
	return hits.sort((a, b) => a.line - b.line);
}

const VOCABULARIES: Record<string, readonly string[]> = {
	channels: CHANNELS,
	tones: TONES,
	segments: SEGMENTS,
	outcomes: OUTCOMES,
	'complaint categories': COMPLAINT_CATEGORIES
};

/** array literals with a run of three or more values of one vocabulary */
function vocabularyLists(file: string, text: string, masked: string): Hit[] {
	const hits: Hit[] = [];
	for (const m of masked.matchAll(/\[([^[\]]*)\]/g)) {
		const elements = m[1]!.split(',').map((e) => /^\s*(['"`])([^'"`]*)\1\s*$/.exec(e)?.[2] ?? null);
		for (const [vocabulary, values] of Object.entries(VOCABULARIES)) {
			let run = 0;
			let longest = 0;
			for (const e of elements) {
				run = e !== null && values.includes(e) ? run + 1 : 0;
				longest = Math.max(longest, run);
			}
			if (longest >= 3) {
				const index = m.index + 1 + m[1]!.search(/\S/);
				hits.push({ file, line: lineOf(text, index), why: `the ${vocabulary} written as a list (read them from src/lib/vocabulary.ts)`, text: lineText(text, index) });
			}
		}
	}
	return hits;
}

// ------------------------------------------------------------------ the tests

describe('the catalogue is well formed', () => {
	test('names are unique, and a metric name is not a count name', () => {
		const dup = METRIC_NAMES.filter((n, i) => METRIC_NAMES.indexOf(n) !== i);
		expect(dup, 'duplicate metric names').toEqual([]);
		expect(
			METRIC_NAMES.filter((n) => COUNT_SET.has(n)),
			'metric names that are also count names'
		).toEqual([]);
	});

	test("every ratio's numerator and denominator are counts of counts.ts", () => {
		const bad = ALL.flatMap((m) =>
			m.compute.kind === 'ratio'
				? [m.compute.numerator, m.compute.denominator].filter((c) => !COUNT_SET.has(c)).map((c) => `${m.name}: ${c}`)
				: []
		);
		expect(bad).toEqual([]);
		for (const m of ALL) if (m.compute.kind === 'ratio') expect(m.compute.scale, m.name).toBeGreaterThan(0);
	});

	test('every metric has a label, a definition ending with a full stop, a format, a direction, a grain and a surface', () => {
		const FORMATS = ['percent', 'days', 'per_1k', 'per_10k', 'count', 'per_account_week'];
		const GRAINS = ['episode', 'account', 'contact', 'account_week', 'event'];
		const bad: string[] = [];
		for (const m of ALL) {
			if (!m.label.trim()) bad.push(`${m.name}: no label`);
			if (!/\.$/.test(m.definition.trim())) bad.push(`${m.name}: the definition does not end with a full stop`);
			if (!FORMATS.includes(m.format)) bad.push(`${m.name}: format ${m.format}`);
			if (m.better !== 'up' && m.better !== 'down') bad.push(`${m.name}: better ${m.better}`);
			if (!GRAINS.includes(m.grain)) bad.push(`${m.name}: grain ${m.grain}`);
			if (m.surfaces.length === 0) bad.push(`${m.name}: shown nowhere`);
		}
		expect(bad).toEqual([]);
		expect(new Set(ALL.map((m) => m.label)).size, 'labels are unique').toBe(ALL.length);
	});

	test('every experiment metric has an experiment kind, and only those', () => {
		const KINDS = ['proportion', 'mean', 'time', 'count'];
		const bad: string[] = [];
		for (const m of ALL) {
			const shown = m.surfaces.includes('experiment');
			if (shown && !(m.experiment && KINDS.includes(m.experiment))) bad.push(`${m.name}: shown in experiments without an experiment kind`);
			if (!shown && m.experiment) bad.push(`${m.name}: an experiment kind but not shown in experiments`);
			if (m.compute.kind === 'time' && m.experiment !== 'time') bad.push(`${m.name}: a time to event analysed as ${m.experiment}`);
			if (m.compute.kind === 'per_account' && !m.experiment) bad.push(`${m.name}: a per-account outcome outside experiments`);
		}
		expect(bad).toEqual([]);
		expect(EXPERIMENT_METRIC_DEFS.map((m) => m.name)).toEqual(ALL.filter((m) => m.surfaces.includes('experiment')).map((m) => m.name));
	});

	test('the times to event and quantiles are ones the counts know', () => {
		for (const m of ALL) {
			const c = m.compute;
			if (c.kind === 'km_quantile' || c.kind === 'time') expect(TIME_COLUMNS[c.measure], m.name).toBeDefined();
			if (c.kind === 'km_quantile' || c.kind === 'load_quantile') expect(c.q > 0 && c.q < 1, m.name).toBe(true);
		}
	});

	test("the headline KPIs are exactly the Overview's four", () => {
		expect(KPIS.filter((k) => k.headline).map((k) => k.name).sort()).toEqual(
			['complaints_per_1k_contacted', 'contact_load_over_threshold', 'cure_rate_30d', 'days_to_pay_median'].sort()
		);
		expect(ALL.filter((m) => m.headline && !m.surfaces.includes('overview')).map((m) => m.name)).toEqual([]);
	});

	test('every ratio KPI has its words for What changed', () => {
		expect(RATIO_KPIS.filter((k) => !(k.words?.rate && k.words.population)).map((k) => k.name)).toEqual([]);
	});

	test('every count has its words', () => {
		expect(COUNT_NAMES.filter((c) => !COUNTS[c].doc.trim())).toEqual([]);
	});

	test('the renamed experiment metrics point at experiment metrics, and no experiment metric has an old name', () => {
		const experimentNames = EXPERIMENT_METRIC_DEFS.map((m) => m.name as string);
		const bad: string[] = [];
		for (const [from, r] of Object.entries(RENAMED_METRICS)) {
			if (!experimentNames.includes(r.to)) bad.push(`${from} → ${r.to}: not an experiment metric`);
			// an old name may still be an Overview KPI's name (another quantity): never an experiment metric's
			if (experimentNames.includes(from)) bad.push(`${from} is still an experiment metric`);
			if (!r.why.trim()) bad.push(`${from}: no reason`);
		}
		expect(bad).toEqual([]);
	});
});

describe('a metric is defined nowhere else', () => {
	test('no query file computes a metric or a named count by hand', () => {
		const hits = walk(join(ROOT, 'queries'), (f) => f.endsWith('.sql')).flatMap((f) => {
			const text = readFileSync(f, 'utf8');
			return sqlDefinitions(rel(f), text, maskSql(text, true));
		});
		expect(report(hits), 'metrics or counts computed outside the catalogue (file:line)').toBe('');
	});

	test('no source file outside src/lib/metrics defines a metric', () => {
		const files = walk(join(ROOT, 'src'), (f) => /\.(ts|svelte)$/.test(f)).filter((f) => !rel(f).startsWith('src/lib/metrics/'));
		expect(files.length).toBeGreaterThan(50);
		const hits = files.flatMap((f) => {
			const text = readFileSync(f, 'utf8');
			const masked = maskSource(f, text);
			return [...sourceDefinitions(rel(f), text, masked), ...sqlDefinitions(rel(f), text, masked)];
		});
		expect(report(hits), 'metrics defined outside src/lib/metrics (file:line)').toBe('');
	});

	test('the vocabularies are written as lists only in src/lib/vocabulary.ts', () => {
		// the shipped migrations are frozen SQL
		const EXEMPT = ['src/lib/vocabulary.ts', 'src/lib/server/db/migrations.ts'];
		const files = walk(join(ROOT, 'src'), (f) => /\.(ts|svelte)$/.test(f)).filter((f) => !EXEMPT.includes(rel(f)));
		const hits = files.flatMap((f) => {
			const text = readFileSync(f, 'utf8');
			return vocabularyLists(rel(f), text, maskSource(f, text));
		});
		expect(report(hits), 'vocabularies written outside src/lib/vocabulary.ts (file:line)').toBe('');
	});

	test('the finders find what they look for', () => {
		const sql = [
			'SELECT count(*) FILTER (WHERE age >= 30) AS mature_30,',
			'	sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(d.conversations) AS conversations,',
			'	count(*) FILTER (WHERE mature_30) AS mature_30,',
			'	count(*)',
			'		AS complaints, -- count(*) AS opt_outs',
			"	'x, count(*)' AS label, NULL::BIGINT AS episodes, cured_30 / mature_30 AS cure_rate_30d",
			'FROM t'
		].join('\n');
		expect(sqlDefinitions('q.sql', sql, maskSql(sql, true)).map((h) => `${h.line}`)).toEqual(['1', '5', '6']);
		const ts = [
			"const a = { cure_rate_30d: { label: 'Cure', format: 'percent' } };",
			"const b = [{ name: 'self_cure_rate', label: 'Self-cure' }];",
			"const c: Record<string, string> = { accounts_contacted: 'Accounts contacted' };",
			'const d = n(r.cured_30) / n(r.mature_30);',
			'const e = ratio(r.complaints, r.accounts_contacted, 1000);',
			"// const f = { cure_rate_60d: 'Cure rate' };",
			"const g = { name: 'complaints', doc: 'one row per complaint', columns: [{ kind: 'x' }] };",
			"const h = ['call', 'sms', 'email'];",
			"const i = 'kpi/episodes' + a.episodes / 2 + `summary/episodes`;",
			"const j = /complaints\\/episodes/;",
			"const k = [def('presumed_violations', 'Presumed violations', 'Findings.')];",
			"const l = m === 'days_to_pay' ? 'Days to the first payment' : at(trend, 'cure_rate_30d', i);"
		].join('\n');
		const masked = maskScript(ts);
		expect(sourceDefinitions('f.ts', ts, masked).map((h) => h.line)).toEqual([1, 2, 3, 4, 5, 11, 12]);
		expect(vocabularyLists('f.ts', ts, masked).map((h) => h.line)).toEqual([8]);
	});
});

describe('the generated SQL', () => {
	const queries = walk(join(ROOT, 'queries'), (f) => f.endsWith('.sql')).map((f) => rel(f).replace(/^queries\//, '').replace(/\.sql$/, ''));

	test('every query file expands with no {{metrics:…}} placeholder left', () => {
		expect(queries.length).toBeGreaterThan(20);
		const left: string[] = [];
		for (const q of queries) {
			const sql = maskSql(querySql(q), false);
			for (const m of sql.matchAll(/\{\{metrics:[^}]*\}\}?/g)) left.push(`queries/${q}.sql: ${m[0]}`);
		}
		expect(left).toEqual([]);
	});

	test("the catalogue's SQL is valid DuckDB", async () => {
		const TYPES: Record<(typeof EPISODE_BASE_COLUMNS)[number], string> = {
			started_on: 'DATE',
			amount_past_due: 'DECIMAL(18, 2)',
			closed_on: 'DATE',
			closed_reason: 'VARCHAR',
			cured_on: 'DATE',
			charged_off_on: 'DATE',
			conversation_before_cure: 'BOOLEAN',
			paid_on: 'DATE',
			paid_in_episode: 'DECIMAL(18, 2)',
			plan_within_30: 'BOOLEAN',
			contacted_on: 'DATE',
			paid_after_contact_on: 'DATE'
		};
		expect(Object.keys(TYPES).sort(), 'a type for every base column of an episode (add a new one here)').toEqual([...EPISODE_BASE_COLUMNS].sort());
		// the account-level base columns of an experiment's per-account outcome (sql.ts experimentOutcomeColumns)
		const ACCOUNT = 'true AS conversation, 3::BIGINT AS contacts, 10 AS exposure_days, 0::BIGINT AS complaints, 0::BIGINT AS opt_outs, 0::BIGINT AS presumed_violations';
		const base = `SELECT ${EPISODE_BASE_COLUMNS.map((c) => `NULL::${TYPES[c]} AS ${c}`).join(', ')}`;
		const facts = `SELECT ${episodeFactColumns()}, ${episodeAge()} FROM (${base})`;
		const facts2 = `SELECT * EXCLUDE (conversation_before_cure, plan_within_30), ${episodeFactColumns(undefined, 'b.')}, ${episodeAge(undefined, 'b.started_on')}, ${ACCOUNT} FROM (${base}) b`;
		const statements: Record<string, string> = {
			'episode counts': `SELECT ${episodeCountColumns()} FROM (${facts})`,
			'experiment outcomes': `SELECT ${experimentOutcomeColumns()} FROM (${facts2})`,
			'experiment cells': `SELECT ${experimentCellColumns()} FROM (SELECT 1.0::DOUBLE AS x, ${experimentOutcomeColumns()} FROM (${facts2}))`,
			'contact counts': `SELECT ${contactCountColumns()}, count(DISTINCT account_id) FROM (SELECT 'a' AS account_id, 'call' AS channel, 'conversation' AS outcome, 'outbound' AS direction)`,
			'event counts': `SELECT ${eventCountColumns()} FROM (SELECT 'complaint' AS kind, 'e1' AS event_id, 'regulator' AS source)`
		};
		const instance = await DuckDBInstance.create(':memory:');
		const conn = await instance.connect();
		try {
			const bad: string[] = [];
			for (const [what, sql] of Object.entries(statements)) {
				try {
					await (sql.includes('$as_of') ? conn.run(`EXPLAIN ${sql}`, { as_of: '2026-03-31' }) : conn.run(`EXPLAIN ${sql}`));
				} catch (e) {
					bad.push(`${what}: ${(e as Error).message}\n${sql}`);
				}
			}
			expect(bad).toEqual([]);
		} finally {
			conn.closeSync();
			instance.closeSync();
		}
	});
});

test('docs/metrics.md says what each metric means in the words of the catalogue (run npm run docs after changing it)', () => {
	const block = readBlock(readFileSync('docs/metrics.md', 'utf8'), 'metrics');
	expect(block, 'docs/metrics.md has the <!-- metrics:start --> and <!-- metrics:end --> markers').not.toBeNull();
	expect(block).toBe(metricsMarkdown());
});
