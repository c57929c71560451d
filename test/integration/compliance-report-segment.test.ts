/**
 * The report covers exactly its scope, segments included (issue 16 item 1), on a real demo store
 * (2,000 accounts, its import ran the audit), through the route handlers as the server calls them:
 * - a report limited to one segment (?segment=sme) holds only the findings about that segment's
 *   debts, and its counts (per kind, pack, rule and week, the top accounts, the CSV, the Parquet)
 *   add up to them; the findings about a contact number rather than one debt are left out and
 *   counted in a note; the three segments' findings and contacts add up to the whole report's;
 * - the scope names the segment: in the scope line, every PDF page's header and footer, the
 *   CSV's first line and the Parquet's metadata, and the downloads' names;
 * - an unknown segment is a 400 that names the field and the segments there are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { latestAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { findingsFilterSchema, type FindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { reportData } from '../../src/lib/server/compliance/report/data.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { GET as csvRoute } from '../../src/routes/(app)/compliance/report.csv/+server.ts';
import { GET as parquetRoute } from '../../src/routes/(app)/compliance/report.parquet/+server.ts';
import { GET as pdfRoute } from '../../src/routes/(app)/compliance/report.pdf/+server.ts';
import { parseCsv } from '../support/csv.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let audit: AuditRun;
/** the findings about a debt of each segment, and about no one debt, counted in the findings table */
let bySegment: Record<string, number>;
let total: number;

beforeAll(async () => {
	t = await tempStore();
	(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
	await runDemo(t.store, { accounts: 2000, seed: 5, outDir: join(t.dir, 'demo') });
	audit = (await latestAudit(t.store))!;
	const rows = await t.store.rows<{ segment: string | null; n: number }>(
		`SELECT a.segment, count(*) AS n FROM compliance_findings f LEFT JOIN accounts a ON a.account_id = f.account_id WHERE f.audit_id = $a GROUP BY 1`,
		{ a: audit.audit_id }
	);
	bySegment = Object.fromEntries(rows.map((r) => [r.segment ?? '(none)', Number(r.n)]));
	total = rows.reduce((s, r) => s + Number(r.n), 0);
}, 300_000);

afterAll(async () => {
	await t?.close();
});

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

/** the text a PDF shows (its streams inflated, the hex strings of its text operators decoded) */
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
		for (const bt of body.toString('latin1').split('ET')) {
			const parts = [...bt.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1'));
			if (parts.length) text += parts.join('') + '\n';
		}
	}
	return text;
}
const pageCount = (pdf: Uint8Array) => (Buffer.from(pdf).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

describe('a report limited to one segment', () => {
	it('holds only the findings about that segment’s debts, and its counts add up to them', async () => {
		expect(bySegment.sme).toBeGreaterThan(10);
		expect(bySegment.retail).toBeGreaterThan(10);
		const d = await reportData(t.store, audit, filter({ segment: 'sme' }), 100_000);
		expect(d.findings).toBe(bySegment.sme);
		expect(d.by_kind.violation + d.by_kind.presumed_violation + d.by_kind.risk_flag).toBe(bySegment.sme);
		expect(d.by_pack.reduce((s, r) => s + r.findings, 0)).toBe(bySegment.sme);
		expect(d.by_rule.reduce((s, r) => s + r.findings, 0)).toBe(bySegment.sme);
		expect(d.by_week.reduce((s, r) => s + r.findings, 0)).toBe(bySegment.sme);
		expect(d.first).toHaveLength(bySegment.sme!);
		// every finding listed is about an SME debt
		const accounts = [...new Set(d.first.map((r) => r.account_id))];
		expect(accounts.every((a) => a !== null)).toBe(true);
		const segs = await t.store.rows<{ segment: string }>(`SELECT DISTINCT segment FROM accounts WHERE account_id IN (${accounts.map((a) => `'${a!.replace(/'/g, "''")}'`).join(',')})`);
		expect(segs.map((r) => r.segment)).toEqual(['sme']);
		// the top accounts are SME accounts, counted as the findings table counts them
		const top = await t.store.rows<{ account_id: string; n: number }>(
			`SELECT f.account_id, count(*) AS n FROM compliance_findings f JOIN accounts a USING (account_id) WHERE f.audit_id = $a AND a.segment = 'sme' GROUP BY 1 ORDER BY n DESC, f.account_id LIMIT 10`,
			{ a: audit.audit_id }
		);
		expect(d.top.accounts.rows.map((r) => [r.key, r.findings])).toEqual(top.map((r) => [r.account_id, Number(r.n)]));
		// the scope says so
		expect(d.scope.segments).toBe('segment: SME');
		expect(d.scope.line).toContain(' · segment: SME · ');
		// the findings about a contact number (no one debt) are left out, and the report says how many
		if (bySegment['(none)']) expect(d.outside_segment).toMatch(new RegExp(`^${bySegment['(none)']!.toLocaleString('en-US')} findings? about a contact number rather than one debt`));
		else expect(d.outside_segment).toBeNull();
	}, 120_000);

	it('the three segments’ findings and contacts add up to the whole report’s', async () => {
		const all = await reportData(t.store, audit, filter(), 1);
		expect(all.findings).toBe(total);
		expect(all.scope.segments).toBe('every segment');
		expect(all.outside_segment).toBeNull();
		const parts = await Promise.all(['retail', 'sme', 'corporate'].map((s) => reportData(t.store, audit, filter({ segment: s }), 1)));
		expect(parts.reduce((s, d) => s + d.findings, 0) + (bySegment['(none)'] ?? 0)).toBe(total);
		// every contact is about one account, of one segment
		expect(parts.every((d) => d.contacts > 0 && d.contacts < all.contacts)).toBe(true);
		expect(parts.reduce((s, d) => s + d.contacts, 0)).toBe(all.contacts);
		// per pack too (a pack's contacts are those in its regions)
		const regf = (d: typeof all) => d.by_pack.find((r) => r.key === 'regulation-f')!.contacts!;
		expect(parts.reduce((s, d) => s + regf(d), 0)).toBe(regf(all));
	}, 120_000);

	it('the CSV states the segment on its first line and lists exactly the segment’s findings, numbered', async () => {
		const res = await csvRoute(event('/compliance/report.csv?numbered=1&segment=sme'));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-disposition')).toContain('_sme_numbered.csv');
		const text = await res.text();
		const [first] = text.split('\r\n');
		expect(first).toMatch(new RegExp(`^# Curewise compliance audit report · Audit ${audit.audit_id} · .* · segment: SME · packs: `));
		const table = parseCsv(text.slice(text.indexOf('\r\n') + 2)).filter((r) => r.some((c) => c !== ''));
		expect(table[0]!.slice(0, 2)).toEqual(['n', 'audit_id']);
		const rows = table.slice(1);
		expect(rows).toHaveLength(bySegment.sme!);
		expect(rows.map((r) => Number(r[0]))).toEqual(rows.map((_, i) => i + 1));
		const ids = new Set(rows.map((r) => r[table[0]!.indexOf('account_id')]!));
		const [n] = await t.store.rows<{ other: number }>(`SELECT count(*) FILTER (WHERE segment <> 'sme') AS other FROM accounts WHERE account_id IN (${[...ids].map((a) => `'${a.replace(/'/g, "''")}'`).join(',')})`);
		expect(Number(n!.other)).toBe(0);
		// the findings list's CSV (oldest first) stays columns only, under the same filter
		const list = await (await csvRoute(event('/compliance/report.csv?segment=sme'))).text();
		expect(list.startsWith('audit_id,')).toBe(true);
		expect(parseCsv(list).filter((r) => r.some((c) => c !== '')).length - 1).toBe(bySegment.sme);
	});

	it('the Parquet states the segment in its metadata and holds exactly the segment’s findings', async () => {
		const res = await parquetRoute(event('/compliance/report.parquet?segment=sme'));
		expect(res.status).toBe(200);
		const file = join(t.dir, 'sme.parquet');
		writeFileSync(file, await bytes(res));
		const [r] = await t.store.rows<{ n: number; last: number }>(`SELECT count(*) AS n, max(n) AS last FROM read_parquet('${file}')`);
		expect(r).toEqual({ n: bySegment.sme, last: bySegment.sme });
		const [kv] = await t.store.rows<{ v: string }>(`SELECT decode(value) AS v FROM parquet_kv_metadata('${file}') WHERE decode(key) = 'scope'`);
		expect(kv!.v).toContain('segment: SME');
	});

	it('the PDF says the segment on its first page and in every page’s header and footer', async () => {
		const pdf = await bytes(await pdfRoute(event('/compliance/report.pdf?segment=sme&max_findings=50000')));
		const text = pdfText(pdf);
		const pages = pageCount(pdf);
		expect(pages).toBeGreaterThan(1);
		expect(text).toContain(`This PDF lists every finding in scope (${bySegment.sme!.toLocaleString('en-US')})`);
		expect(text).toContain('Segment: SME');
		expect(text.split(/Curewise · compliance audit report · Audit \d+ · [^\n]*segment: SME/).length - 1).toBe(pages);
		expect(text.split(new RegExp(`· audit ${audit.audit_id} · segment: SME · prepared`)).length - 1).toBe(pages);
		// past max_findings: the zip's CSV states it too
		const zip = unzipSync(await bytes(await pdfRoute(event('/compliance/report.pdf?segment=sme&max_findings=5'))));
		const csv = new TextDecoder().decode(zip['findings.csv']!);
		expect(csv.split('\r\n')[0]).toContain('segment: SME');
	}, 120_000);

	it('an unknown segment is a 400 that names the field and the segments there are', async () => {
		for (const route of [pdfRoute, csvRoute, parquetRoute]) {
			// a Response, or SvelteKit's HttpError (thrown by error(): the server answers it as the same 400)
			const res = await (route(event('/compliance/report.pdf?segment=wholesale')) as Promise<Response>).catch((e: { status: number; body: { message: string } }) => e);
			expect(res.status).toBe(400);
			const { message } = res instanceof Response ? ((await res.json()) as { message: string }) : res.body;
			expect(message).toContain('segment is one of retail, sme, corporate (got "wholesale")');
		}
	});
});
