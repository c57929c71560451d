/**
 * The findings CSV export (src/lib/server/compliance/report/export.ts, findingsCsvStream) on a
 * real DuckDB file whose findings hold awkward text in every text column: commas, quotes, line
 * breaks (LF, CR, CRLF), cells starting like a formula (= + - @ tab CR) and plain numbers that
 * must stay as they are (-50, +3.5), empty text and NULL, the unit separator, non-ASCII text.
 * The rows are written straight into compliance_findings (an audit never writes such text into
 * its evidence, and the export must hold whatever the table holds), with 20,000 ordinary
 * findings around them so that the file is sent in several pieces.
 *
 * - Both layouts are byte for byte the CSV that csvCell (the one CSV rule) writes row by row from
 *   the same rows read back from the table in the same order.
 * - The header comes first as a piece of its own, then pieces of at most CSV_PIECE_BYTES.
 * - A stream cancelled halfway leaves no temporary file and no open file behind; neither does a
 *   query that fails, which is an error before any byte (never a cut file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvCell } from '../../src/lib/server/csv.ts';
import { CSV_COLUMNS } from '../../src/lib/server/compliance/findings/csv.ts';
import { findingsFilterSchema, type FindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { CSV_PIECE_BYTES, findingsCsvStream, LIST_ORDER_SQL, REPORT_ORDER_SQL, type ExportLayout } from '../../src/lib/server/compliance/report/export.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const AUDIT = 7;
/** text that the CSV rule changes, or that looks as if it might */
const AWKWARD = [
	'a,b',
	',lead',
	'trail,',
	'say "hi"',
	'"',
	'""',
	'line\nbreak',
	'cr\rhere',
	'crlf\r\nthere',
	'\n',
	'=SUM(1+1)',
	'=F1,"early"',
	'+1 555 0100',
	'-x',
	'@mention',
	'\tTab',
	'\rlead',
	'-50',
	'+3.5',
	'-1e3',
	'.5',
	'-',
	'+',
	'=',
	'@',
	'',
	' lead space',
	'#hash',
	"it's",
	'ünïcödé €',
	'😀 emoji',
	'مرحبا',
	'é=start',
	'x\u001f=y',
	'\u001f',
	'<tag>',
	'9 plain digits',
	':colon',
	'A-plain',
	'~tilde',
	"'=quoted already",
	'back\\slash',
	'a"b,c\nd'
];
const TEXT_COLUMNS = ['customer_id', 'account_id', 'channel', 'agent_id', 'template_id', 'experiment_id', 'variant', 'detail'] as const;
const NULLABLE = new Set(['account_id', 'channel', 'agent_id', 'template_id', 'experiment_id', 'variant']);

let t: TempStore;
let tmp: string;
const savedTmp = process.env.TMPDIR;
const none = findingsFilterSchema.parse({});

beforeAll(async () => {
	// every temporary folder of this process lands here, so that what is left behind can be seen
	tmp = mkdtempSync(join(tmpdir(), 'curewise-export-test-'));
	t = await tempStore();
	process.env.TMPDIR = tmp;
	// 20,000 ordinary findings
	await t.store.rows(
		`INSERT INTO compliance_findings (audit_id, finding_id, pack_id, pack_version, rule_id, rule_type, kind, customer_id, account_id, window_start, window_end, occurred_at, local_date, channel, agent_id, template_id, experiment_id, variant, interaction_ids, detail)
		SELECT $audit, i, 'reg_f', 1, 'call_frequency_7d', 'frequency', 'presumed_violation', 'C-' || (i % 997), CASE WHEN i % 13 = 0 THEN NULL ELSE 'A-' || (i % 1511) END,
			DATE '2026-03-01' + CAST(i % 200 AS INTEGER), DATE '2026-03-07' + CAST(i % 200 AS INTEGER), TIMESTAMPTZ '2026-03-07 13:00:00+00' + to_seconds(i * 97), DATE '2026-03-07' + CAST(i % 200 AS INTEGER),
			'call', 'agent-' || (i % 40), NULL, NULL, NULL, ['I-' || i, 'I-' || (i + 1)], (i % 9) || ' placed calls in 7 consecutive days; the limit is 7'
		FROM range(1, 20001) r(i)`,
		{ audit: AUDIT }
	);
	// the awkward ones, two ways: (1) alone in a row of ordinary cells, in each text column and in
	// the interaction ids (the row must not pass as ordinary because of one cell); (2) mixed, every
	// value in every text column as k runs, sometimes NULL where the column may be
	const insert = (id: number, k: number, cells: (string | null)[], ids: string[]) =>
		t.store.rows(
			`INSERT INTO compliance_findings (audit_id, finding_id, pack_id, pack_version, rule_id, rule_type, kind, customer_id, account_id, window_start, window_end, occurred_at, local_date, channel, agent_id, template_id, experiment_id, variant, interaction_ids, detail)
			VALUES ($audit, $id, 'reg_f', 2, 'time_of_day', 'time_of_day', 'violation', $customer, $account, $ws, $we, $at::TIMESTAMPTZ, $day::DATE, $channel, $agent, $template, $experiment, $variant, from_json($ids, '["VARCHAR"]'), $detail)`,
			{
				audit: AUDIT,
				id,
				customer: cells[0]!,
				account: cells[1]!,
				ws: k % 3 === 0 ? null : '2026-04-01',
				we: k % 3 === 0 ? null : '2026-04-07',
				at: `2026-04-0${1 + (k % 7)} 0${id % 10}:1${id % 10}:59.123456+00`,
				day: `2026-04-0${1 + (k % 7)}`,
				channel: cells[2]!,
				agent: cells[3]!,
				template: cells[4]!,
				experiment: cells[5]!,
				variant: cells[6]!,
				ids: JSON.stringify(ids),
				detail: cells[7]!
			}
		);
	const ordinary = ['C-1', 'A-1', 'sms', 'agent-1', 'tpl-1', 'exp-1', 'B', '07:49:43 in America/Phoenix (the address); allowed 08:00 to 21:00 local time'];
	let id = 100_000;
	for (let k = 0; k < AWKWARD.length; k++) {
		for (let c = 0; c < TEXT_COLUMNS.length; c++) await insert(++id, k, ordinary.map((o, j) => (j === c ? AWKWARD[k]! : o)), ['I-1', 'I-2']);
		await insert(++id, k, ordinary, [AWKWARD[k]!]);
		await insert(++id, k, ordinary, ['I-1', AWKWARD[k]!]);
		for (let c = 0; c < TEXT_COLUMNS.length; c++) {
			const cells = TEXT_COLUMNS.map((col, j) => (NULLABLE.has(col) && (k + j + c) % 11 === 0 ? null : AWKWARD[(k + 5 * j + c) % AWKWARD.length]!));
			await insert(++id, k, cells, k % 5 === 0 ? [] : [AWKWARD[(k + c) % AWKWARD.length]!, `I-${id}`]);
		}
	}
}, 300_000);

afterAll(async () => {
	if (savedTmp === undefined) delete process.env.TMPDIR;
	else process.env.TMPDIR = savedTmp;
	await t?.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** the findings read back from the table in a layout's order, written row by row by csvCell */
async function expectedCsv(layout: ExportLayout): Promise<string> {
	const rows = await t.store.rows<Record<string, string | number | null>>(
		`SELECT f.audit_id, f.pack_id, f.pack_version, f.rule_id, f.kind, f.customer_id, f.account_id, strftime(f.window_start, '%Y-%m-%d') AS ws, strftime(f.window_end, '%Y-%m-%d') AS we,
			strftime(f.occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS oa, strftime(f.local_date, '%Y-%m-%d') AS ld, f.channel, f.agent_id, f.template_id, f.experiment_id, f.variant,
			array_to_string(f.interaction_ids, ' ') AS ids, f.detail
		FROM compliance_findings f WHERE f.audit_id = $a ORDER BY ${layout === 'report' ? REPORT_ORDER_SQL : LIST_ORDER_SQL}`,
		{ a: AUDIT }
	);
	const header = (layout === 'report' ? ['n', ...CSV_COLUMNS] : [...CSV_COLUMNS]).map((c) => csvCell(c)).join(',') + '\r\n';
	return header + rows.map((r, i) => (layout === 'report' ? [i + 1, ...Object.values(r)] : Object.values(r)).map((v) => csvCell(v)).join(',') + '\r\n').join('');
}

/** the stream's pieces, as bytes */
async function pieces(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
	const out: Uint8Array[] = [];
	const reader = stream.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return out;
		out.push(value);
	}
}

/** the temporary folders and the open files of this process that are the export's */
function leftBehind(): { folders: string[]; open: string[] } {
	const folders = readdirSync(tmp).filter((n) => n.startsWith('curewise-export-'));
	const open: string[] = [];
	if (existsSync('/proc/self/fd'))
		for (const fd of readdirSync('/proc/self/fd')) {
			try {
				const target = readlinkSync(`/proc/self/fd/${fd}`);
				if (target.startsWith(tmp)) open.push(target);
			} catch {
				/* closed meanwhile */
			}
		}
	return { folders, open };
}

describe('the findings CSV export', () => {
	it.each(['list', 'report'] as const)('%s layout: byte for byte what csvCell writes row by row, awkward text included', async (layout) => {
		let ended = -1;
		const got = Buffer.concat(await pieces(await findingsCsvStream(t.store, AUDIT, none, layout, (n) => (ended = n))));
		const want = await expectedCsv(layout);
		const total = 20_000 + AWKWARD.length * (2 * TEXT_COLUMNS.length + 2);
		expect(ended).toBe(total);
		// the awkward cells are there, changed by the rule: neutralised, quoted
		expect(want).toContain(`"'=F1,""early"""`);
		expect(want).toContain(`"crlf\r\nthere"`);
		expect(want).toContain(`,'@mention,`);
		expect(want).toContain(`,-50,`);
		expect(got.length).toBe(Buffer.byteLength(want));
		expect(got.equals(Buffer.from(want))).toBe(true);
	});

	it('sends the header first on its own, then pieces of at most CSV_PIECE_BYTES', async () => {
		const all = await pieces(await findingsCsvStream(t.store, AUDIT, none, 'list'));
		expect(new TextDecoder().decode(all[0])).toBe(CSV_COLUMNS.join(',') + '\r\n');
		const body = all.slice(1);
		const bytes = body.reduce((n, p) => n + p.length, 0);
		expect(bytes).toBeGreaterThan(2 * CSV_PIECE_BYTES);
		for (const p of body) expect(p.length).toBeLessThanOrEqual(CSV_PIECE_BYTES);
		expect(body.length).toBe(Math.ceil(bytes / CSV_PIECE_BYTES));
	});

	it('cancelled halfway: no temporary file and no open file is left', async () => {
		const stream = await findingsCsvStream(t.store, AUDIT, none, 'report');
		const reader = stream.getReader();
		await reader.read(); // the header
		const first = await reader.read();
		expect(first.value!.length).toBe(CSV_PIECE_BYTES);
		// while it is read, the file DuckDB wrote is open (already out of its folder)
		expect(leftBehind().open.length).toBe(1);
		await reader.cancel();
		expect(leftBehind()).toEqual({ folders: [], open: [] });
	});

	it('read to its end: nothing is left either', async () => {
		await pieces(await findingsCsvStream(t.store, AUDIT, none, 'list'));
		expect(leftBehind()).toEqual({ folders: [], open: [] });
	});

	it('a query that fails is an error before any byte, and leaves nothing behind', async () => {
		const bad = { ...none, from: 'not a date' } as FindingsFilter;
		await expect(findingsCsvStream(t.store, AUDIT, bad, 'list')).rejects.toThrow(/date/i);
		expect(leftBehind()).toEqual({ folders: [], open: [] });
	});
});
