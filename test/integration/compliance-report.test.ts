/**
 * The complete report (issue 16 item 1) on a real demo store (2,000 accounts, its import ran the
 * audit), through the route handlers as the server calls them:
 * - the findings CSV is streamed (the body a ReadableStream whose first bytes come before the
 *   end) and equals the findings table row for row; the numbered CSV and the Parquet number
 *   every finding 1..N in the report's order (grouped by account);
 * - the report's counts per pack, rule and week add up to its total; its top accounts are the
 *   findings table's; its first findings are numbered 1..N in order;
 * - the PDF is a PDF of more than one page with "page 1 of N" and the scope in its header; past
 *   max_findings the download is a zip of the PDF (whose first page says so), the CSV with every
 *   finding and the Parquet;
 * - the New York City pack, in force from 2026-09-01, after all the demo's data, is "not in
 *   force" with no contact counts;
 * - bad parameters get a 400 that names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { latestAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { findingsFilterSchema, type FindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { longDate, reportData } from '../../src/lib/server/compliance/report/data.ts';
import { reportPdfDownload } from '../../src/lib/server/compliance/report/download.ts';
import { CSV_PIECE_BYTES, sqlExportCell } from '../../src/lib/server/compliance/report/export.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { GET as csvRoute } from '../../src/routes/(app)/compliance/report.csv/+server.ts';
import { GET as parquetRoute } from '../../src/routes/(app)/compliance/report.parquet/+server.ts';
import { GET as pdfRoute } from '../../src/routes/(app)/compliance/report.pdf/+server.ts';
import { csvCell, sqlCsvCell } from '../../src/lib/server/csv.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { parseCsv } from '../support/csv.ts';
import { csv as csvFile, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let audit: AuditRun;
let total: number;

beforeAll(async () => {
	t = await tempStore();
	(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
	await runDemo(t.store, { accounts: 2000, seed: 5, outDir: join(t.dir, 'demo') });
	audit = (await latestAudit(t.store))!;
	total = Number((await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM compliance_findings WHERE audit_id = $a`, { a: audit.audit_id }))[0]!.n);
}, 300_000);

afterAll(async () => {
	await t?.close();
});

/** a request event as SvelteKit hands it to a route */
const event = (path: string) =>
	({
		url: new URL('http://localhost' + path),
		params: {},
		request: new Request('http://localhost' + path, { headers: { accept: 'application/json' } }),
		locals: { user: { user_id: 1, username: 'carol', role: 'compliance' } },
		getClientAddress: () => '127.0.0.1'
	}) as never;

const filter = (f: Record<string, unknown> = {}): FindingsFilter => findingsFilterSchema.parse(f);
const bytes = async (r: Response) => new Uint8Array(await r.arrayBuffer());

/** the text a PDF shows: its streams (each of its /Length) inflated, the strings of its text operators decoded (pdfkit writes hex strings) */
function pdfText(pdf: Uint8Array): string {
	const buf = Buffer.from(pdf);
	const raw = buf.toString('latin1');
	let text = '';
	for (const m of raw.matchAll(/\/Length (\d+)[^>]*>>\s*stream\r?\n/g)) {
		const start = m.index! + m[0].length;
		let body = buf.subarray(start, start + Number(m[1]));
		try {
			body = inflateSync(body);
		} catch {
			/* not compressed */
		}
		const s = body.toString('latin1');
		// one line per text object; the hex strings of each TJ decoded
		for (const bt of s.split('ET')) {
			const parts = [...bt.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1'));
			if (parts.length) text += parts.join('') + '\n';
		}
	}
	return text;
}

const pageCount = (pdf: Uint8Array) => (Buffer.from(pdf).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

describe('the findings CSV', () => {
	it('is streamed: the body is a stream whose first bytes come before the end', async () => {
		expect(total).toBeGreaterThan(100);
		const res = await csvRoute(event('/compliance/report.csv'));
		expect(res.status).toBe(200);
		expect(res.body).toBeInstanceOf(ReadableStream);
		const reader = res.body!.getReader();
		const first = await reader.read();
		expect(first.done).toBe(false);
		let rest = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			rest += value.length;
		}
		// the header came on its own, before any row was read; the rows after it, chunk by chunk
		expect(new TextDecoder().decode(first.value!)).toMatch(/^audit_id,pack,pack_version,rule,[a-z_,]+\r\n$/);
		expect(rest).toBeGreaterThan(0);
	});

	it('equals the findings table row for row (oldest first)', async () => {
		const table = parseCsv(await (await csvRoute(event('/compliance/report.csv'))).text()).filter((r) => r.some((c) => c !== ''));
		const expected = await t.store.rows<Record<string, string | number | null>>(
			`SELECT audit_id, pack_id, pack_version, rule_id, kind, customer_id, account_id, strftime(window_start, '%Y-%m-%d') AS ws, strftime(window_end, '%Y-%m-%d') AS we,
				strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS oa, strftime(local_date, '%Y-%m-%d') AS ld, channel, agent_id, template_id, experiment_id, variant,
				array_to_string(interaction_ids, ' ') AS ids, detail
			FROM compliance_findings WHERE audit_id = $a ORDER BY local_date, occurred_at, finding_id`,
			{ a: audit.audit_id }
		);
		expect(table[0]![0]).toBe('audit_id');
		expect(table.length - 1).toBe(total);
		expect(expected).toHaveLength(total);
		table.slice(1).forEach((row, i) => {
			const e = Object.values(expected[i]!).map((v) => (v === null ? '' : String(v)));
			expect(row).toEqual(e);
		});
	});

	it('its cells, written by DuckDB, follow the one CSV rule (the same as csvCell)', async () => {
		const values = ['plain', '=SUM(1+1)', '=F1,"early"', '-50', '+3.5', '-1e3', '+1 555', '@x', '\tTab', '\rx', 'a,b', 'say "hi"', 'line\nbreak', '', null];
		const literal = (v: string | null) => (v === null ? 'NULL::VARCHAR' : `'${v.replace(/'/g, "''")}'`);
		const rows = await t.store.rows<{ i: number; cell: string }>(`SELECT i, ${sqlCsvCell('v')} AS cell FROM (VALUES ${values.map((v, i) => `(${i}, ${literal(v)})`).join(', ')}) t(i, v) ORDER BY i`);
		expect(rows.map((r) => r.cell)).toEqual(values.map((v) => csvCell(v)));
		// and the export's cell (a fast path for plain text, then the same rule)
		const fast = await t.store.rows<{ i: number; cell: string }>(`SELECT i, ${sqlExportCell('v')} AS cell FROM (VALUES ${values.map((v, i) => `(${i}, ${literal(v)})`).join(', ')}) t(i, v) ORDER BY i`);
		expect(fast.map((r) => r.cell)).toEqual(values.map((v) => csvCell(v)));
	});

	it('is sent as the header, then pieces of at most CSV_PIECE_BYTES, every finding once', async () => {
		const res = await csvRoute(event('/compliance/report.csv?numbered=1'));
		const reader = res.body!.getReader();
		const pieces: string[] = [];
		const sizes: number[] = [];
		const decoder = new TextDecoder();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			pieces.push(decoder.decode(value, { stream: true }));
			sizes.push(value.length);
		}
		const body = sizes.slice(1).reduce((n, s) => n + s, 0);
		expect(pieces.length).toBe(1 + Math.ceil(body / CSV_PIECE_BYTES));
		expect(Math.max(...sizes)).toBeLessThanOrEqual(CSV_PIECE_BYTES);
		expect(pieces[0]!.endsWith('\r\n')).toBe(true);
		const text = pieces.join('');
		const table = parseCsv(text.slice(text.indexOf('\r\n') + 2)).filter((r) => r.some((c) => c !== ''));
		expect(table.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		const ids = await t.store.rows<{ k: string }>(`SELECT rule_id || '|' || array_to_string(interaction_ids, ' ') || '|' || CAST(occurred_at AS VARCHAR) AS k FROM compliance_findings WHERE audit_id = $a`, { a: audit.audit_id });
		const got = table.slice(1).map((r) => `${r[4]}|${r[17]}`).sort();
		expect(got).toEqual(ids.map((r) => r.k.split('|').slice(0, 2).join('|')).sort());
	});

	it('numbered=1: every finding numbered 1..N in the report order (grouped by account, then by date)', async () => {
		const text = await (await csvRoute(event('/compliance/report.csv?numbered=1'))).text();
		// the report's scope on the first line, then the columns
		expect(text.slice(0, text.indexOf('\r\n'))).toMatch(new RegExp(`^# Curewise compliance audit report · Audit ${audit.audit_id} · .* · every segment · packs: `));
		const table = parseCsv(text.slice(text.indexOf('\r\n') + 2)).filter((r) => r.some((c) => c !== ''));
		expect(table[0]!.slice(0, 2)).toEqual(['n', 'audit_id']);
		const rows = table.slice(1);
		expect(rows.map((r) => Number(r[0]))).toEqual(rows.map((_, i) => i + 1));
		// grouped by account: each account's findings together, accounts in order, dates in order within
		const seen = new Set<string>();
		let last = '';
		for (const r of rows) {
			const acc = r[7] || `~${r[6]}`;
			if (acc !== last) {
				expect(seen.has(acc)).toBe(false);
				seen.add(acc);
				last = acc;
			}
		}
	});

	it('as Parquet: every finding, numbered, streamed from a file removed after', async () => {
		const res = await parquetRoute(event('/compliance/report.parquet'));
		expect(res.status).toBe(200);
		expect(res.body).toBeInstanceOf(ReadableStream);
		const file = join(t.dir, 'findings.parquet');
		writeFileSync(file, await bytes(res));
		const [r] = await t.store.rows<{ n: number; first: number; last: number; ok: boolean }>(`SELECT count(*) AS n, min(n) AS first, max(n) AS last, bool_and(n IS NOT NULL) AS ok FROM read_parquet('${file}')`);
		expect(r).toEqual({ n: total, first: 1, last: total, ok: true });
	});
});

describe('the report', () => {
	it('its counts per pack, rule and week add up to its total; its top accounts are the findings table’s; its findings numbered 1..N', async () => {
		const d = await reportData(t.store, audit, filter(), 300);
		expect(d.findings).toBe(total);
		expect(d.by_pack.reduce((s, r) => s + r.findings, 0)).toBe(total);
		expect(d.by_rule.reduce((s, r) => s + r.findings, 0)).toBe(total);
		expect(d.by_week.reduce((s, r) => s + r.findings, 0)).toBe(total);
		expect(d.by_kind.violation + d.by_kind.presumed_violation + d.by_kind.risk_flag).toBe(total);
		const top = await t.store.rows<{ account_id: string; n: number }>(
			`SELECT account_id, count(*) AS n FROM compliance_findings WHERE audit_id = $a AND account_id IS NOT NULL GROUP BY 1 ORDER BY n DESC, account_id LIMIT 10`,
			{ a: audit.audit_id }
		);
		expect(d.top.accounts.rows.map((r) => [r.key, r.findings])).toEqual(top.map((r) => [r.account_id, r.n]));
		expect(d.top.agents.rows.length).toBeGreaterThan(0);
		expect(d.top.templates.rows.length).toBeGreaterThan(0);
		expect(d.first.map((r) => r.n)).toEqual(d.first.map((_, i) => i + 1));
		expect(d.scope.line).toMatch(new RegExp(`^Audit ${audit.audit_id} · `));
	});

	it('a pack not in force during the period (New York City, from 1 September 2026) is "not in force", with no contacts', async () => {
		const d = await reportData(t.store, audit, filter({ to: '2026-06-30' }), 10);
		const nyc = d.by_pack.find((r) => r.key === 'us-nyc')!;
		expect(nyc).toMatchObject({ in_force: false, findings: 0, contacts: null, per_10k: null });
		// the other packs are in force, with their contacts
		expect(d.by_pack.find((r) => r.key === 'regulation-f')).toMatchObject({ contacts: expect.any(Number) });
		expect(d.by_pack.find((r) => r.key === 'regulation-f')!.in_force).not.toBe(false);
		const pdf = await bytes(await pdfRoute(event('/compliance/report.pdf?to=2026-06-30&max_findings=50000')));
		const text = pdfText(pdf);
		// its row: the title, its id, 0 findings, then "not in force" where the contacts would be
		expect(text).toMatch(/New York City[^\n]*\n?[^\n]*\(us-nyc\)\n0\nnot in force\n/);
	});
});

describe('the PDF', () => {
	it('lists every finding grouped by account and numbered, with page numbers and the scope on every page', async () => {
		const res = await pdfRoute(event('/compliance/report.pdf?max_findings=50000'));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		const pdf = await bytes(res);
		expect(Buffer.from(pdf.slice(0, 5)).toString()).toBe('%PDF-');
		const pages = pageCount(pdf);
		expect(pages).toBeGreaterThan(1);
		const text = pdfText(pdf);
		expect(text).toContain(`page 1 of ${pages}`);
		expect(text).toContain(`page ${pages} of ${pages}`);
		// the scope in the header of every page, the audit and as-of date in the footer of every page
		expect(text.split(`Curewise · compliance audit report · Audit ${audit.audit_id}`).length - 1).toBe(pages);
		const asOf = longDate((await dataAsOf(t.store))!);
		expect(text.split(`Store data as of ${asOf} · audit ${audit.audit_id}`).length - 1).toBe(pages);
		expect(text).toContain(`This PDF lists every finding in scope (${total.toLocaleString('en-US')})`);
		// every finding numbered, in order
		const numbers = [...text.matchAll(/^(\d[\d,]*)\. {2}\d{4}-\d{2}-\d{2}/gm)].map((m) => Number(m[1]!.replace(/,/g, '')));
		expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		expect(text).toMatch(/Account \S+ · customer \S+/);
	}, 120_000);

	it('past max_findings: one zip with the PDF (its first page says so), the CSV with every finding and the Parquet', async () => {
		const res = await pdfRoute(event('/compliance/report.pdf?max_findings=40'));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/zip');
		expect(res.body).toBeInstanceOf(ReadableStream);
		const files = unzipSync(await bytes(res));
		expect(Object.keys(files).sort()).toEqual(['findings.csv', 'findings.parquet', 'report.pdf']);
		const text = pdfText(files['report.pdf']!);
		const firstPage = text.slice(0, text.indexOf('1. Summary'));
		expect(firstPage).toContain(`This PDF lists findings 1 to 40 of ${total.toLocaleString('en-US')}`);
		const numbers = [...text.matchAll(/^(\d[\d,]*)\. {2}\d{4}-\d{2}-\d{2}/gm)].map((m) => Number(m[1]));
		expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
		const csvText = new TextDecoder().decode(files['findings.csv']!);
		expect(csvText.startsWith('# Curewise compliance audit report · ')).toBe(true);
		const csv = parseCsv(csvText.slice(csvText.indexOf('\r\n') + 2)).filter((r) => r.some((c) => c !== ''));
		expect(csv.length - 1).toBe(total);
		expect(csv.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		const pq = join(t.dir, 'zip.parquet');
		writeFileSync(pq, files['findings.parquet']!);
		expect((await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM read_parquet('${pq}')`))[0]!.n).toBe(total);
		// the export is in the trail
		const trail = await t.store.rows<{ details: string }>(`SELECT details FROM trail WHERE action = 'export' AND target = 'compliance_report' ORDER BY seq DESC LIMIT 1`);
		expect(JSON.parse(trail[0]!.details)).toMatchObject({ audit_id: audit.audit_id, findings: total, listed: 40, max_findings: 40, format: 'zip' });
	}, 120_000);

	it('is streamed: its first pages are sent before its last finding is drawn, and the findings are read in batches', async () => {
		let drawn = -1;
		const dl = await reportPdfDownload(t.store, audit, filter(), { max_findings: 50_000 }, { username: 'carol', role: 'compliance' }, new Date(), false, (n) => (drawn = n));
		expect(dl.body).toBeInstanceOf(ReadableStream);
		const reader = (dl.body as ReadableStream<Uint8Array>).getReader();
		const first = await reader.read();
		// the first chunk: the PDF's start and its first pages (scope, summary), no finding drawn yet
		expect(drawn).toBe(-1);
		const head = Buffer.from(first.value!).toString('latin1');
		expect(head.startsWith('%PDF-')).toBe(true);
		expect((head.match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThan(0);
		expect(pdfText(first.value!)).toContain('1. Summary');
		expect(pdfText(first.value!)).not.toMatch(/^1\. {2}\d{4}-\d{2}-\d{2}/m);
		const parts = [first.value!];
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			parts.push(value);
		}
		expect(drawn).toBe(total);
		expect(parts.length).toBeGreaterThan(1);
		const pdf = new Uint8Array(Buffer.concat(parts));
		const pages = pageCount(pdf);
		const text = pdfText(pdf);
		expect(text).toContain(`page 1 of ${pages}`);
		expect(text).toContain(`page ${pages} of ${pages}`);
		const numbers = [...text.matchAll(/^(\d[\d,]*)\. {2}\d{4}-\d{2}-\d{2}/gm)].map((m) => Number(m[1]!.replace(/,/g, '')));
		expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
	}, 120_000);

	it('past max_findings the zip starts with the PDF before any finding is drawn; a zip cut short does not open', async () => {
		let drawn = -1;
		const dl = await reportPdfDownload(t.store, audit, filter(), { max_findings: 40 }, { username: 'carol', role: 'compliance' }, new Date(), false, (n) => (drawn = n));
		const reader = (dl.body as ReadableStream<Uint8Array>).getReader();
		const first = await reader.read();
		expect(drawn).toBe(-1);
		// a zip's local header, then the PDF entry's name
		expect(Buffer.from(first.value!.subarray(0, 4)).toString('hex')).toBe('504b0304');
		expect(Buffer.from(first.value!).toString('latin1')).toContain('report.pdf');
		const parts = [first.value!];
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			parts.push(value);
		}
		expect(drawn).toBe(40);
		const zip = new Uint8Array(Buffer.concat(parts));
		expect(Object.keys(unzipSync(zip)).sort()).toEqual(['findings.csv', 'findings.parquet', 'report.pdf']);
		// cut anywhere before its central directory (written last), it is refused rather than read as whole
		expect(() => unzipSync(zip.subarray(0, zip.length - 200))).toThrow();
	}, 120_000);

	it('bad parameters get a 400 that names them', async () => {
		const bad = await pdfRoute(event('/compliance/report.pdf?max_findings=lots&kind=awful'));
		expect(bad.status).toBe(400);
		const { message } = (await bad.json()) as { message: string };
		expect(message).toMatch(/^The PDF was not made: /);
		expect(message).toContain('max_findings is a whole number of findings, from 1 to 50,000 (got "lots")');
		expect(message).toContain('kind is one of');
		const big = await pdfRoute(event('/compliance/report.pdf?max_findings=60000'));
		expect(big.status).toBe(400);
		expect(((await big.json()) as { message: string }).message).toContain('max_findings is at most 50,000');
		const csv = await csvRoute(event('/compliance/report.csv?numbered=yes'));
		expect(csv.status).toBe(400);
	});
});

describe('imports no audit has checked (run last: it imports)', () => {
	it('the report and the PDF say which interactions are left out', async () => {
		const before = await reportData(t.store, audit, filter(), 1);
		expect(before.unaudited).toBeNull();
		const account = (await t.store.rows<{ a: string; c: string }>(`SELECT account_id AS a, customer_id AS c FROM accounts ORDER BY 1 LIMIT 1`))[0]!;
		const imported = await importFile(t.store, { path: t.file('interactions_late.csv', csvFile([interactionsHeader, interactionRow('LATE-1', account.a, { customer_id: account.c, occurred_at: '2026-06-29T10:00:00-04:00' })])), source: 'cli' });
		expect(imported.rows_inserted, JSON.stringify(imported)).toBe(1);
		const d = await reportData(t.store, audit, filter(), 1);
		expect(d.unaudited).toMatch(/^1 interactions \(29 June 2026 to 29 June 2026\) and 0 other changed rows, from 1 import since .* are not audited yet: this report leaves them out\./);
		const text = pdfText(await bytes(await pdfRoute(event('/compliance/report.pdf'))));
		expect(text.slice(0, text.indexOf('1. Summary'))).toContain('are not audited yet: this report leaves them out.');
	}, 120_000);
});
