/**
 * The audit report as a PDF, rendered on the server with pdfkit (pure JavaScript): A4, the scope
 * in the header of every page, the store's as-of date, the audit's number and "page N of M" in
 * the footer of every page (M in a small form XObject per page, written after the last page, so
 * the pages are streamed as they are drawn and never held); the summary,
 * the counts per pack, rule and week, the top ten accounts, agents and templates, then the
 * findings grouped by account and numbered 1..N in order. When the findings are more than the
 * PDF is asked to list, its first page says so and where the full list is (the zip's CSV and
 * Parquet, numbered the same way).
 */
import PDFDocument from 'pdfkit';
import { KIND_LABEL } from '../../../compliance/findings.ts';
import { longDate, type ReportData, type ReportFinding } from './data.ts';

const int = (n: number | null | undefined) => (n == null ? '' : n.toLocaleString('en-US'));
const rate = (v: number | null | undefined) => (v == null ? 'no contacts' : v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
/** what the standard PDF fonts can show (WinAnsi): other characters become "?" rather than garbage */
const safe = (s: string) => s.replace(/[\u2264]/g, '<=').replace(/[\u2265]/g, '>=').replace(/[^\n\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u00b7]/g, '?');

export interface PdfOptions {
	/** the findings listed (the report's first ones, numbered) */
	findings: ReportFinding[];
	/** the findings are more than listed: the full list is in the zip's CSV and Parquet */
	truncated: boolean;
	/** the most the PDF was asked to list */
	maxFindings: number;
	generatedAt: Date;
	/** false in tests: the text can then be read in the file */
	compress?: boolean;
}

export interface PdfStreamOptions extends Omit<PdfOptions, 'findings'> {
	/** how many findings the PDF lists (said on its first page before any is read) */
	listed: number;
	/** called once the last finding is drawn, with how many were (tests: the first bytes came before it) */
	onFindingsDrawn?: (n: number) => void;
}

const MARGIN = { top: 62, bottom: 58, left: 48, right: 48 };

/** the report as PDF bytes (every page held: small reports, tests and the bench's measure of the drawing) */
export async function renderReportPdf(data: ReportHead & { first?: ReportFinding[] }, opts: PdfOptions): Promise<Buffer> {
	const parts: Uint8Array[] = [];
	async function* one() {
		yield opts.findings;
	}
	for await (const b of reportPdfChunks(data, one(), { ...opts, listed: opts.findings.length })) parts.push(b);
	return Buffer.concat(parts);
}

/** the report without its findings: what its first pages show */
export type ReportHead = Omit<ReportData, 'first'>;

/** a pdfkit font's resource name and reference (what a form XObject needs to show text) */
type PdfFont = { id: string; ref: () => unknown; widthOfString: (s: string, size: number) => number };

/**
 * The report as PDF bytes, streamed: pdfkit writes each page when the next one starts (no page is
 * held), and this yields what it wrote after the first pages (scope, summary, counts, top tens)
 * and after each batch of findings, so the first page reaches the client before any finding is
 * read. The findings come in batches (a DuckDB streaming result) in the report's order. Each
 * page's header and footer are drawn when the page starts; "page N of M" is a small form XObject
 * per page whose content (the total M) is written once the last page is known, after the pages.
 */
export async function* reportPdfChunks(data: ReportHead, findings: AsyncIterable<ReportFinding[]>, opts: PdfStreamOptions): AsyncGenerator<Uint8Array, void, void> {
	const doc = new PDFDocument({
		size: 'A4',
		margins: MARGIN,
		autoFirstPage: false,
		bufferPages: false,
		compress: opts.compress ?? true,
		info: { Title: `Compliance audit report, audit ${data.audit.audit_id}`, Author: 'Curewise', Subject: safe(data.scope.line), CreationDate: opts.generatedAt }
	});
	const out: Uint8Array[] = [];
	let failed: unknown = null;
	let ended = false;
	doc.on('data', (b: Buffer) => out.push(b));
	doc.on('error', (e: unknown) => (failed = e));
	doc.on('end', () => (ended = true));
	/** what pdfkit wrote so far (its data events may come on the next turn) */
	const flush = async function* () {
		await new Promise((r) => setImmediate(r));
		if (failed) throw failed;
		if (out.length) yield Buffer.concat(out.splice(0));
	};
	// header and footer of each page, drawn as the page starts; the total pages written at the end
	const a = data.audit;
	const totals: { ref: { end: (c?: string) => void }; page: number }[] = [];
	const footerWidth = () => doc.page.width - MARGIN.left - MARGIN.right;
	doc.on('pageAdded', () => {
		const d = doc as unknown as { _font: PdfFont; _fontSize: number; x: number; y: number; page: { margins: { bottom: number }; height: number; xobjects: Record<string, unknown> } };
		const keep = { font: d._font, size: d._fontSize, x: doc.x, y: doc.y };
		const w = footerWidth();
		doc.save();
		const keepBottom = doc.page.margins.bottom;
		doc.page.margins.bottom = 0;
		doc.font('Helvetica').fontSize(7.5).fillColor('#333');
		doc.text(safe(`Curewise · compliance audit report · ${data.scope.line}`), MARGIN.left, 24, { width: w, height: 30, ellipsis: true });
		doc.moveTo(MARGIN.left, MARGIN.top - 10).lineTo(MARGIN.left + w, MARGIN.top - 10).lineWidth(0.3).strokeColor('#999').stroke();
		const fy = doc.page.height - MARGIN.bottom + 18;
		doc.text(safe(`Store data as of ${data.as_of ? longDate(data.as_of) : 'no date'} · audit ${a.audit_id} · ${data.scope.segments} · prepared ${opts.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`), MARGIN.left, fy, { width: w * 0.75, lineBreak: false });
		// "page N of M": a form XObject whose text is written when M is known
		const font = d._font;
		const bw = w * 0.25;
		const ref = doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, bw, 12], Resources: { Font: { [font.id]: font.ref() } } }) as unknown as { end: (c?: string) => void };
		const label = `Pg${totals.length + 1}`;
		d.page.xobjects[label] = ref;
		totals.push({ ref, page: totals.length + 1 });
		// the form's box: 12 points high from the footer's line, its own y upwards (the page's runs down)
		doc.transform(1, 0, 0, -1, MARGIN.left + w - bw, fy + 9);
		doc.addContent(`/${label} Do`);
		doc.page.margins.bottom = keepBottom;
		doc.restore();
		d._font = keep.font;
		d._fontSize = keep.size;
		doc.x = keep.x;
		doc.y = keep.y;
	});
	const writeTotals = () => {
		const font = doc.font('Helvetica') as unknown as { _font: PdfFont };
		const f = font._font;
		const hex = (t: string) => Buffer.from(t, 'latin1').toString('hex');
		for (const t of totals) {
			const text = `page ${t.page} of ${totals.length}`;
			const x = doc.page.width - MARGIN.left - MARGIN.right;
			const bw = x * 0.25;
			const tw = f.widthOfString(text, 7.5);
			t.ref.end(`0.2 0.2 0.2 rg BT /${f.id} 7.5 Tf 1 0 0 1 ${(bw - tw).toFixed(3)} 3.6 Tm <${hex(text)}> Tj ET`);
		}
	};
	doc.addPage();
	const width = doc.page.width - MARGIN.left - MARGIN.right;
	const bottom = () => doc.page.height - MARGIN.bottom;
	const need = (h: number) => {
		if (doc.y + h > bottom()) doc.addPage();
	};
	const h1 = (t: string) => {
		doc.font('Helvetica-Bold').fontSize(16).fillColor('#000').text(safe(t), MARGIN.left, doc.y, { width });
		doc.moveDown(0.3);
	};
	const h2 = (t: string) => {
		need(60);
		doc.moveDown(0.6);
		doc.font('Helvetica-Bold').fontSize(12).fillColor('#000').text(safe(t), MARGIN.left, doc.y, { width });
		doc.moveDown(0.2);
	};
	const para = (t: string, size = 10, font = 'Helvetica') => {
		doc.font(font).fontSize(size).fillColor('#000').text(safe(t), MARGIN.left, doc.y, { width });
		doc.moveDown(0.3);
	};

	/** a simple table: columns with widths (fractions of the width) and alignments */
	const table = (cols: { head: string; w: number; align?: 'left' | 'right' }[], rows: string[][]) => {
		const xs: number[] = [];
		let x = MARGIN.left;
		for (const c of cols) {
			xs.push(x);
			x += c.w * width;
		}
		const row = (cells: string[], bold: boolean) => {
			doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
			const h = Math.max(...cells.map((c, i) => doc.heightOfString(safe(c), { width: cols[i]!.w * width - 6 })));
			need(h + 4);
			const y = doc.y;
			cells.forEach((c, i) => doc.text(safe(c), xs[i]!, y, { width: cols[i]!.w * width - 6, align: cols[i]!.align ?? 'left' }));
			doc.y = y + h + 3;
			doc.moveTo(MARGIN.left, doc.y - 1).lineTo(MARGIN.left + width, doc.y - 1).lineWidth(0.3).strokeColor('#999').stroke();
		};
		row(cols.map((c) => c.head), true);
		for (const r of rows) row(r, false);
		doc.x = MARGIN.left;
		doc.moveDown(0.4);
	};

	// --- first page: title, scope, summary, and whether every finding is listed
	h1(`Compliance audit report - audit ${a.audit_id}`);
	para(`Scope: ${data.scope.line}.`, 10, 'Helvetica-Bold');
	para(`Period: ${data.scope.period}. Packs: ${data.scope.packs.join(', ')}. ${data.scope.segment ? `Segment: ${data.scope.segment} (the findings about its accounts' debts)` : 'Every segment'}.${data.scope.filters.length ? ` Filters: ${data.scope.filters.join('; ')}.` : ''}`);
	para(`Prepared ${longDate(opts.generatedAt.toISOString())} at ${opts.generatedAt.toISOString().slice(11, 16)} UTC. The store's data runs to ${data.as_of ? longDate(data.as_of) : 'no date (empty)'}. The audit ran ${longDate(a.started_at)}${a.run_by ? ` (run by ${a.run_by})` : ''} and checked ${int(a.contacts)} outbound contacts.`);
	const box = (note: string, color: string) => {
		doc.moveDown(0.3);
		const y = doc.y;
		doc.font('Helvetica-Bold').fontSize(10);
		const h = doc.heightOfString(safe(note), { width: width - 16 });
		doc.rect(MARGIN.left, y - 4, width, h + 10).lineWidth(1.5).strokeColor(color).stroke();
		doc.fillColor('#000').text(safe(note), MARGIN.left + 8, y + 1, { width: width - 16 });
		doc.y = y + h + 10;
		doc.x = MARGIN.left;
	};
	if (data.unaudited) box(data.unaudited, '#b91c1c');
	if (data.outside_segment) box(data.outside_segment, '#b45309');
	if (opts.truncated) {
		doc.moveDown(0.3);
		const note = `This PDF lists findings 1 to ${int(opts.listed)} of ${int(data.findings)}: at most ${int(opts.maxFindings)} were asked for. Every finding, numbered the same way, is in findings.csv and findings.parquet, which come with this PDF in the same download.`;
		const y = doc.y;
		doc.font('Helvetica-Bold').fontSize(10);
		const h = doc.heightOfString(safe(note), { width: width - 16 });
		doc.rect(MARGIN.left, y - 4, width, h + 10).lineWidth(1.5).strokeColor('#b45309').stroke();
		doc.fillColor('#000').text(safe(note), MARGIN.left + 8, y + 1, { width: width - 16 });
		doc.y = y + h + 10;
		doc.x = MARGIN.left;
	} else {
		para(`This PDF lists every finding in scope (${int(data.findings)}).`);
	}

	h2('1. Summary');
	para(
		`${int(data.findings)} findings (${int(data.by_kind.presumed_violation)} presumed violations, ${int(data.by_kind.violation)} violations and ${int(data.by_kind.risk_flag)} risk flags) in ${int(data.contacts)} contacts: ${rate(data.per_10k)} per 10,000 contacts.`
	);

	h2('2. Findings by pack');
	table(
		[
			{ head: 'Pack', w: 0.5 },
			{ head: 'Findings', w: 0.16, align: 'right' },
			{ head: 'Contacts', w: 0.18, align: 'right' },
			{ head: 'Per 10,000', w: 0.16, align: 'right' }
		],
		data.by_pack.map((r) => (r.in_force === false ? [`${r.label} (${r.key})`, int(r.findings), 'not in force', ''] : [`${r.label} (${r.key})`, int(r.findings), int(r.contacts), rate(r.per_10k)]))
	);

	h2('3. Findings by rule');
	table(
		[
			{ head: 'Rule', w: 0.52 },
			{ head: 'Kind', w: 0.2 },
			{ head: 'Findings', w: 0.13, align: 'right' },
			{ head: 'Per 10,000', w: 0.15, align: 'right' }
		],
		data.by_rule.map((r) => [`${r.label}\n${r.pack_id} · ${r.rule_id}${r.citation ? ` · ${r.citation}` : ''}`, KIND_LABEL[r.kind as keyof typeof KIND_LABEL] ?? r.kind, int(r.findings), r.in_force === false ? 'not in force' : rate(r.per_10k)])
	);

	h2('4. Findings by week');
	table(
		[
			{ head: 'Week of (Monday)', w: 0.4 },
			{ head: 'Findings', w: 0.2, align: 'right' },
			{ head: 'Contacts', w: 0.2, align: 'right' },
			{ head: 'Per 10,000', w: 0.2, align: 'right' }
		],
		data.by_week.map((w) => [longDate(w.week), int(w.findings), w.contacts == null ? '' : int(w.contacts), rate(w.contacts ? (w.findings / w.contacts) * 10_000 : null)])
	);

	const topTable = (title: string, view: ReportData['top']['accounts'], what: string) => {
		h2(title);
		if (!view.rows.length) return para(`No ${what} with a finding.`);
		table(
			[
				{ head: '#', w: 0.06, align: 'right' },
				{ head: what[0]!.toUpperCase() + what.slice(1, -1), w: 0.46 },
				{ head: 'Findings', w: 0.16, align: 'right' },
				{ head: 'Violations', w: 0.16, align: 'right' },
				{ head: 'Accounts', w: 0.16, align: 'right' }
			],
			view.rows.map((r) => [String(r.rank), `${r.label}${r.note ? `\n${r.note}` : ''}`, int(r.findings), int(r.by_kind.violation), int(r.accounts)])
		);
		if (view.unranked) para(`${int(view.unranked)} findings name no ${what.slice(0, -1)}.`, 8);
	};
	topTable('5. The 10 accounts with the most findings', data.top.accounts, 'accounts');
	topTable('6. The 10 agents with the most findings', data.top.agents, 'agents');
	topTable('7. The 10 templates with the most findings', data.top.templates, 'templates');

	// --- the findings, grouped by account, numbered in order
	doc.addPage();
	h1('8. Findings, grouped by account');
	para(
		opts.truncated
			? `Findings 1 to ${int(opts.listed)} of ${int(data.findings)}, in the report's order: by account, then by date. The rest are in findings.csv and findings.parquet in the same download.`
			: `All ${int(data.findings)} findings, in the report's order: by account, then by date.`
	);
	const ruleTitle = new Map(data.packs.flatMap((p) => p.rules.map((r) => [`${p.pack_id}/${r.rule_id}`, r.title] as const)));
	let group: string | null = null;
	// the first pages (scope, summary, counts, top tens) go out before any finding is read
	yield* flush();
	let drawn = 0;
	for await (const batch of findings) {
		for (const r of batch) {
			const key = r.account_id ?? `person ${r.customer_id}`;
			if (key !== group) {
				group = key;
				need(50);
				doc.moveDown(0.3);
				doc.font('Helvetica-Bold').fontSize(10).fillColor('#000').text(safe(r.account_id ? `Account ${r.account_id} · customer ${r.customer_id}` : `Customer ${r.customer_id} (no account named)`), MARGIN.left, doc.y, { width });
				doc.moveDown(0.1);
			}
			const head = `${int(r.n)}.  ${r.local_date}${r.window_start && r.window_end ? ` (window ${r.window_start} to ${r.window_end})` : ''} · ${KIND_LABEL[r.kind] ?? r.kind} · ${ruleTitle.get(`${r.pack}/${r.rule}`) ?? r.rule} (${r.pack} v${r.pack_version}, ${r.rule})`;
			const body = `${r.detail} ${r.channel ?? ''}${r.agent_id ? `, agent ${r.agent_id}` : ''}${r.template_id ? `, template ${r.template_id}` : ''}, ${r.occurred_at}. Interactions: ${r.interaction_ids}`;
			doc.font('Helvetica-Bold').fontSize(8.5);
			const hh = doc.heightOfString(safe(head), { width: width - 12 });
			doc.font('Helvetica').fontSize(8.5);
			const hb = doc.heightOfString(safe(body), { width: width - 24 });
			need(hh + Math.min(hb, 200) + 4);
			doc.font('Helvetica-Bold').fontSize(8.5).text(safe(head), MARGIN.left + 12, doc.y, { width: width - 12 });
			doc.font('Helvetica').fontSize(8.5).fillColor('#222').text(safe(body), MARGIN.left + 24, doc.y, { width: width - 24 });
			doc.fillColor('#000');
			doc.moveDown(0.25);
		}
		drawn += batch.length;
		yield* flush();
	}
	opts.onFindingsDrawn?.(drawn);
	if (!drawn) para('No findings in scope.');

	// the total pages, now known, in every page's footer; then the document's end
	writeTotals();
	doc.end();
	while (!ended) yield* flush();
	yield* flush();
}
