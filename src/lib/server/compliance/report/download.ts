/**
 * The report's downloads, each recorded in the trail (who, the audit, the scope, how many rows):
 * - the PDF (/compliance/report.pdf): alone when it lists every finding in scope; when the
 *   findings are more than the user asked the PDF to list (max_findings, default 5,000), one zip
 *   streamed with fflate holding report.pdf, findings.csv and findings.parquet, the last two with
 *   every finding, numbered as in the report;
 * - the findings as CSV (/compliance/report.csv) and Parquet (/compliance/report.parquet),
 *   streamed (export.ts).
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { FILTER_KEYS } from '../../../compliance/findings.ts';
import type { Role } from '../../auth/roles.ts';
import type { Store } from '../../db/store.ts';
import { maxExportRows, ResultTooLargeError } from '../../limits.ts';
import { recordTrail } from '../../trail/trail.ts';
import type { AuditInfo } from '../findings/audits.ts';
import { scopeArgs, scoped, type FindingsFilter } from '../findings/filters.ts';
import { reportData, reportFindingBatches, reportScope } from './data.ts';
import { auditPacks } from '../findings/packs.ts';
import { fileStream, findingsCsvStream, findingsParquetFile, type ExportLayout } from './export.ts';
import type { ReportOptions } from './params.ts';
import { reportPdfChunks } from './pdf.ts';

export interface Who {
	username: string;
	role: Role;
	ip?: string | null;
}

export interface Download {
	body: ReadableStream<Uint8Array> | Uint8Array;
	filename: string;
	contentType: string;
	/** the rows (findings) it holds */
	rows: number;
}

const filterDetails = (f: FindingsFilter) => Object.fromEntries(FILTER_KEYS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]!]));

/** how many findings are in scope */
export async function countFindings(store: Store, auditId: number, f: FindingsFilter): Promise<number> {
	const [count] = await store.rows<{ total: number }>(scoped('findings_total'), scopeArgs(auditId, f));
	return Number(count?.total ?? 0);
}

/** the response of a download: streamed, never stored by a cache */
export function downloadResponse(d: Download): Response {
	return new Response(d.body as BodyInit, {
		headers: {
			'content-type': d.contentType,
			'content-disposition': `attachment; filename="${d.filename.replace(/[^\w.-]+/g, '_')}"`,
			'cache-control': 'no-store',
			'x-curewise-rows': String(d.rows)
		}
	});
}

/**
 * Every finding under the filters as CSV, streamed; more than CUREWISE_MAX_EXPORT_ROWS are
 * refused before any is read (ResultTooLargeError: a partial list would pass for a whole one).
 * `layout` 'report' numbers them in the report's order (grouped by account).
 */
export async function findingsCsvDownload(store: Store, audit: AuditInfo, f: FindingsFilter, layout: ExportLayout, who: Who): Promise<Download> {
	const rows = await countFindings(store, audit.audit_id, f);
	const max = maxExportRows();
	if (rows > max) throw new ResultTooLargeError('CSV', rows, max, 'Narrow it with the filters (a shorter period, one pack, rule or kind) and export each part.');
	// the report's CSV states its scope on its first line (the findings list's is columns only)
	const scope = layout === 'report' ? reportScope(audit, f, await auditPacks(store, audit)).line : undefined;
	const body = await findingsCsvStream(store, audit.audit_id, f, layout, undefined, scope);
	await recordTrail(store, { actor: who.username, role: who.role, action: 'export', target: 'compliance_findings', details: { audit_id: audit.audit_id, ...filterDetails(f), rows, format: 'csv', ...(layout === 'report' ? { numbered: true } : {}) }, ip: who.ip ?? null });
	return { body, rows, filename: `curewise_findings_audit_${audit.audit_id}${f.segment ? `_${f.segment}` : ''}${layout === 'report' ? '_numbered' : ''}.csv`, contentType: 'text/csv; charset=utf-8' };
}

/** every finding under the filters as Parquet (numbered in the report's order), streamed from a temporary file removed after */
export async function findingsParquetDownload(store: Store, audit: AuditInfo, f: FindingsFilter, who: Who): Promise<Download> {
	const file = await findingsParquetFile(store, audit.audit_id, f, 'report', reportScope(audit, f, await auditPacks(store, audit)).line);
	try {
		await recordTrail(store, { actor: who.username, role: who.role, action: 'export', target: 'compliance_findings', details: { audit_id: audit.audit_id, ...filterDetails(f), rows: file.rows, format: 'parquet' }, ip: who.ip ?? null });
	} catch (e) {
		file.remove();
		throw e;
	}
	return { body: fileStream(file.path, file.remove), rows: file.rows, filename: `curewise_findings_audit_${audit.audit_id}${f.segment ? `_${f.segment}` : ''}.parquet`, contentType: 'application/vnd.apache.parquet' };
}

/** a generator of bytes as a web stream (pulled one piece at a time; cancelling ends the generator) */
function generatorStream(it: AsyncGenerator<Uint8Array, void, void>): ReadableStream<Uint8Array> {
	return new ReadableStream<Uint8Array>(
		{
			async pull(c) {
				try {
					const { done, value } = await it.next();
					if (done) c.close();
					else c.enqueue(value);
				} catch (e) {
					c.error(e);
				}
			},
			async cancel() {
				await it.return(undefined);
			}
		},
		{ highWaterMark: 1 }
	);
}

/** bytes from a web stream, one read at a time */
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, void> {
	const reader = stream.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			yield value;
		}
	} finally {
		await reader.cancel().catch(() => {});
	}
}

/**
 * The zip of the PDF with the full list as CSV and Parquet, streamed in that order: the PDF as it
 * is drawn (stored: it is compressed already), then the CSV deflated as it is read, then the
 * Parquet file, written by DuckDB once the PDF and the CSV have gone (stored). The zip's central
 * directory, which lists its files, comes last: a download cut anywhere before its end has none,
 * and zip tools refuse it; an error midway errors the stream, which aborts the response.
 */
async function* reportZip(pdf: AsyncIterable<Uint8Array>, csv: () => Promise<ReadableStream<Uint8Array>>, parquet: () => Promise<{ path: string; remove: () => void }>): AsyncGenerator<Uint8Array, void, void> {
	const out: Uint8Array[] = [];
	let failed: Error | null = null;
	const zip = new Zip((err, chunk) => {
		if (err) failed = err;
		else out.push(chunk);
	});
	const flush = function* () {
		if (failed) throw failed;
		if (out.length) yield out.length === 1 ? out.shift()! : Buffer.concat(out.splice(0));
	};
	const p = new ZipPassThrough('report.pdf');
	zip.add(p);
	for await (const piece of pdf) {
		p.push(piece);
		yield* flush();
	}
	p.push(new Uint8Array(0), true);
	yield* flush();
	const c = new ZipDeflate('findings.csv', { level: 3 });
	zip.add(c);
	for await (const piece of streamChunks(await csv())) {
		c.push(piece);
		yield* flush();
	}
	c.push(new Uint8Array(0), true);
	yield* flush();
	const file = await parquet();
	try {
		const q = new ZipPassThrough('findings.parquet');
		zip.add(q);
		for await (const piece of streamChunks(fileStream(file.path, () => {}))) {
			q.push(piece);
			yield* flush();
		}
		q.push(new Uint8Array(0), true);
	} finally {
		file.remove();
	}
	zip.end();
	yield* flush();
}

/**
 * The report as a PDF listing at most options.max_findings findings; past that, a zip of the PDF
 * (whose first page says so) with every finding as CSV and Parquet. Streamed: the first pages
 * (scope, summary, counts, top tens: the cheap queries) are drawn and sent before any finding is
 * read; the findings are then read in batches (a DuckDB streaming result) and drawn page by page.
 * `onFindingsDrawn` (tests) is called once the PDF's last finding is drawn.
 */
export async function reportPdfDownload(store: Store, audit: AuditInfo, f: FindingsFilter, options: ReportOptions, who: Who, now = new Date(), compress = true, onFindingsDrawn?: (n: number) => void): Promise<Download> {
	const max = options.max_findings;
	const data = await reportData(store, audit, f, 0);
	const truncated = data.findings > max;
	const listed = Math.min(data.findings, max);
	const stamp = now.toISOString().slice(0, 10);
	const details = { audit_id: audit.audit_id, ...filterDetails(f), findings: data.findings, listed, max_findings: max, format: truncated ? 'zip' : 'pdf' };
	await recordTrail(store, { actor: who.username, role: who.role, action: 'export', target: 'compliance_report', details, ip: who.ip ?? null });
	const pdf = reportPdfChunks(data, reportFindingBatches(store, audit.audit_id, f, max), { truncated, listed, maxFindings: max, generatedAt: now, compress, onFindingsDrawn });
	const name = `curewise_compliance_report_audit_${audit.audit_id}${f.segment ? `_${f.segment}` : ''}_${stamp}`;
	if (!truncated) return { body: generatorStream(pdf), rows: data.findings, filename: `${name}.pdf`, contentType: 'application/pdf' };
	const zip = reportZip(
		pdf,
		() => findingsCsvStream(store, audit.audit_id, f, 'report', undefined, data.scope.line),
		() => findingsParquetFile(store, audit.audit_id, f, 'report', data.scope.line)
	);
	return { body: generatorStream(zip), rows: data.findings, filename: `${name}.zip`, contentType: 'application/zip' };
}
