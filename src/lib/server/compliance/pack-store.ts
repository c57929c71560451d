/**
 * Policy packs as versions in the store (policy_pack_versions, migration 8). The files in
 * policies/*.yaml are loaded as versions (source 'file'); a compliance officer's edits from
 * the product add versions (source 'product'). Nothing is overwritten or deleted: a pack's
 * history is every version it ever had, and the pack in force is its latest version. Every
 * audit records the versions it used (it reads them through currentPacks).
 *
 * Files and product edits meet on the version number: a file whose version is not stored yet
 * and higher than the latest stored version is loaded; a file with a stored version number but
 * other content is not loaded and is reported (raise its version to change the pack).
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isScalar, type Document } from 'yaml';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { canonical } from '../../canonical.ts';
import type { PolicyPack } from '../../compliance/packs.ts';
import { recordTrail } from '../trail/trail.ts';
import type { Store } from '../db/store.ts';
import type { AppDatabase } from '../db/schema.ts';
import { parsePackText, policiesDir, readPackFiles, type PackProblem } from './packs.ts';

export type { PackProblem } from './packs.ts';

/** one stored version of a pack, parsed */
export interface StoredPack {
	pack: PolicyPack;
	version: number;
	hash: string;
	title: string;
	/** the pack's text as stored (the version written in it is `version`) */
	yaml: string;
	source: 'file' | 'product';
	saved_at: string;
	/** who saved it from the product; null for files */
	saved_by: string | null;
	/** why it changed (product edits); the file it came from (files) */
	comment: string | null;
}

/** a row of a pack's history, without its text */
export interface PackVersionInfo {
	pack_id: string;
	version: number;
	title: string;
	hash: string;
	source: 'file' | 'product';
	saved_at: string;
	saved_by: string | null;
	comment: string | null;
}

export const yamlHash = (yaml: string) => createHash('sha256').update(yaml).digest('hex');

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

interface Row {
	pack_id: string;
	version: number;
	title: string;
	yaml: string;
	hash: string;
	source: string;
	saved_at: unknown;
	saved_by: string | null;
	comment: string | null;
}

function info(r: Row): PackVersionInfo {
	return {
		pack_id: r.pack_id,
		version: Number(r.version),
		title: r.title,
		hash: r.hash,
		source: r.source === 'product' ? 'product' : 'file',
		saved_at: iso(r.saved_at),
		saved_by: r.saved_by ?? null,
		comment: r.comment ?? null
	};
}

// parsed packs by hash: a stored text never changes
const parsed = new Map<string, PolicyPack>();

function toStored(r: Row): StoredPack {
	let pack = parsed.get(r.hash);
	if (!pack) {
		const p = parsePackText(r.yaml);
		if (!p.ok)
			throw new Error(
				`the stored pack ${r.pack_id} version ${r.version} does not pass the pack schema any more (${p.problems.map((x) => (x.field ? x.field + ': ' : '') + x.message).join('; ')}); save a corrected version from the product`
			);
		pack = p.pack;
		parsed.set(r.hash, pack);
	}
	const { pack_id: _id, ...rest } = info(r);
	return { pack, yaml: r.yaml, ...rest };
}

// one writer per process: syncs and saves run one after the other, so version numbers do not race
const g = globalThis as unknown as { __curewisePackWrites?: Promise<unknown> };
function serialized<T>(fn: () => Promise<T>): Promise<T> {
	const p = (g.__curewisePackWrites ?? Promise.resolve()).catch(() => {}).then(fn);
	g.__curewisePackWrites = p;
	return p;
}

/** fn in one transaction (committed when it returns, rolled back when it throws) */
function inTransaction<T>(store: Store, fn: (trx: Transaction<AppDatabase>) => Promise<T>): Promise<T> {
	return store.kysely.transaction().execute(fn);
}

/** adds a version, saved now */
function insertVersion(
	db: Kysely<AppDatabase>,
	v: { pack_id: string; version: number; title: string; yaml: string; hash: string; source: 'file' | 'product'; saved_by: string | null; comment: string }
) {
	return db
		.insertInto('policy_pack_versions')
		.values({ ...v, saved_at: sql<Date>`now()` })
		.execute();
}

/** every version, or one pack's */
const versions = (store: Store) => store.kysely.selectFrom('policy_pack_versions');

/**
 * Loads policies/*.yaml into policy_pack_versions (source 'file'): a pack not stored yet, or a
 * file whose version is higher than the latest stored one, is inserted; a file whose version is
 * stored with other content, or is older than the latest stored version without being stored,
 * is reported and not stored; an invalid file is reported. Idempotent. Returns the problems.
 */
export function syncPackFiles(store: Store, opts: { dir?: string } = {}): Promise<string[]> {
	return serialized(async () => {
		const folder = policiesDir(opts.dir);
		const label = (file: string) => `${basename(folder)}/${file}`;
		const files = readPackFiles(folder);
		const problems = files.flatMap((f) => f.messages.map((m) => `${basename(folder)}/${m}`));
		const valid = files.filter((f) => f.pack);
		if (!valid.length) return problems;
		await inTransaction(store, async (trx) => {
			const stored = await trx.selectFrom('policy_pack_versions').select(['pack_id', 'version', 'hash']).execute();
			for (const f of valid) {
				const pack = f.pack!;
				const hash = yamlHash(f.yaml);
				const mine = stored.filter((s) => s.pack_id === pack.id);
				const latest = mine.reduce((m, s) => Math.max(m, Number(s.version)), 0);
				const same = mine.find((s) => Number(s.version) === pack.version);
				if (same) {
					if (same.hash !== hash)
						problems.push(
							`${label(f.file)}: version ${pack.version} is already stored with other content; raise version to change it` +
								(latest > pack.version ? ` (the latest stored version is ${latest})` : '')
						);
					continue;
				}
				if (pack.version < latest) {
					problems.push(`${label(f.file)}: version ${pack.version} is older than the latest stored version ${latest}; raise version to ${latest + 1} to change the pack`);
					continue;
				}
				await insertVersion(trx, {
					pack_id: pack.id,
					version: pack.version,
					title: pack.title,
					yaml: f.yaml,
					hash,
					source: 'file',
					saved_by: null,
					comment: `loaded from ${label(f.file)}`
				});
			}
		});
		return problems;
	});
}

// the last sync per store, keyed by the folder and its files' names, sizes and times: files
// are synced again when they change; a product edit clears it
const synced = new WeakMap<Store, { key: string; result: Promise<string[]> }>();

function folderKey(dir?: string): string {
	const folder = policiesDir(dir);
	try {
		const parts = readdirSync(folder)
			.filter((f) => f.endsWith('.yaml'))
			.sort()
			.map((f) => {
				const s = statSync(join(folder, f));
				return `${f}:${s.size}:${s.mtimeMs}`;
			});
		return `${folder}|${parts.join('|')}`;
	} catch {
		return `${folder}|?`;
	}
}

/** syncs the files once (again when they change); returns the problems of the files */
export function packFileProblems(store: Store, opts: { dir?: string } = {}): Promise<string[]> {
	const key = folderKey(opts.dir);
	const last = synced.get(store);
	if (last && last.key === key) return last.result;
	const result = syncPackFiles(store, opts);
	synced.set(store, { key, result });
	result.catch(() => synced.delete(store));
	return result;
}

/** the latest version of every pack (the packs in force), by pack id; files synced first */
export async function currentPacks(store: Store, opts: { dir?: string } = {}): Promise<StoredPack[]> {
	await packFileProblems(store, opts);
	// the latest version of each pack
	const rs = await store.kysely
		.selectFrom('policy_pack_versions as p')
		.selectAll('p')
		.where((eb) =>
			eb(
				'p.version',
				'=',
				eb
					.selectFrom('policy_pack_versions as q')
					.select((q) => q.fn.max('q.version').as('latest'))
					.whereRef('q.pack_id', '=', 'p.pack_id')
			)
		)
		.orderBy('p.pack_id')
		.execute();
	return rs.map(toStored);
}

/** every version of a pack, newest first ([] for an unknown pack) */
export async function packHistory(store: Store, id: string, opts: { dir?: string } = {}): Promise<PackVersionInfo[]> {
	await packFileProblems(store, opts);
	const rs = await versions(store)
		.select(['pack_id', 'version', 'title', 'hash', 'source', 'saved_at', 'saved_by', 'comment'])
		.where('pack_id', '=', id)
		.orderBy('version', 'desc')
		.execute();
	return rs.map((r) => info({ ...r, yaml: '' }));
}

/** one version of a pack (the latest without `version`), or null */
export async function packVersion(store: Store, id: string, version?: number | null, opts: { dir?: string } = {}): Promise<StoredPack | null> {
	await packFileProblems(store, opts);
	let q = versions(store).selectAll().where('pack_id', '=', id);
	if (version != null) q = q.where('version', '=', version);
	const r = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
	return r ? toStored(r) : null;
}

/**
 * The text with its top-level `version:` set to `n` and everything else as written (comments,
 * layout); `version: n` is added after the id when the text has none.
 */
export function withVersion(text: string, doc: Document, n: number): string {
	const root = doc.contents;
	if (isMap(root) && !root.flow) {
		const pairOf = (k: string) => root.items.find((p) => isScalar(p.key) && p.key.value === k);
		const v = pairOf('version');
		const range = (node: unknown) => (node as { range?: [number, number, number] } | null)?.range;
		if (v) {
			const vr = range(v.value);
			if (vr && isScalar(v.value)) return text.slice(0, vr[0]) + String(n) + text.slice(vr[1]);
			const kr = range(v.key);
			if (kr) {
				const start = text.lastIndexOf('\n', kr[0]) + 1;
				const end = text.indexOf('\n', kr[0]);
				return text.slice(0, start) + `version: ${n}` + (end < 0 ? '' : text.slice(end));
			}
		} else {
			const idr = range(pairOf('id')?.value);
			if (idr) {
				const end = text.indexOf('\n', idr[1]);
				return end < 0 ? `${text}\nversion: ${n}\n` : text.slice(0, end + 1) + `version: ${n}\n` + text.slice(end + 1);
			}
		}
	}
	doc.set('version', n);
	return String(doc);
}

export interface SavePackInput {
	yaml: string;
	comment: string;
	user: { username: string; role?: string | null };
	/** the pack the form edits: the text's id must be this one */
	id?: string;
	/** the form adds a pack: the text's id must not be stored yet */
	isNew?: boolean;
}

export type SavePackResult = { ok: true; stored: StoredPack; previous: number | null } | { ok: false; problems: PackProblem[] };

/**
 * Saves a pack from the product as a new version: the text is parsed and validated (every
 * problem with its field and line), a comment is required, an unchanged pack is refused; the
 * version is the latest stored + 1 (written into the stored text, whatever the text said). A
 * new id is a new pack (version 1). Recorded in the trail (policy_pack.save) after the
 * commit (the trail keeps its own chain and connection).
 */
export async function savePack(store: Store, input: SavePackInput, opts: { dir?: string } = {}): Promise<SavePackResult> {
	await packFileProblems(store, opts);
	const text = input.yaml.replace(/\r\n?/g, '\n').replace(/\s*$/, '\n');
	const comment = input.comment.trim();
	const problems: PackProblem[] = [];
	if (!comment) problems.push({ field: 'comment', line: null, message: 'say why the pack changes: the comment is required' });
	if (!text.trim()) return { ok: false, problems: [{ field: null, line: null, message: 'the pack is empty: write its YAML' }, ...problems] };
	// the version is the store's to set: validate with a placeholder
	const first = parsePackText(text, { version: 1 });
	if (!first.ok) return { ok: false, problems: [...first.problems, ...problems] };
	const id = first.pack.id;
	if (input.id && id !== input.id)
		problems.push({ field: 'id', line: null, message: `this page edits pack ${input.id}, the text says id: ${id}; to add another pack use New pack` });
	if (problems.length) return { ok: false, problems };

	const result = await serialized(async () => {
		const latestRow = await versions(store).selectAll().where('pack_id', '=', id).orderBy('version', 'desc').limit(1).executeTakeFirst();
		if (latestRow && input.isNew)
			return { ok: false as const, problems: [{ field: 'id', line: null, message: `pack ${id} exists already (version ${latestRow.version}): edit it instead, or choose another id` }] };
		const previous = latestRow ? Number(latestRow.version) : null;
		const version = (previous ?? 0) + 1;
		let finalText = withVersion(text, first.doc, version);
		let final = parsePackText(finalText);
		if (!final.ok || final.pack.version !== version) {
			first.doc.set('version', version);
			finalText = String(first.doc);
			final = parsePackText(finalText);
		}
		if (!final.ok) return { ok: false as const, problems: final.problems };
		if (latestRow) {
			const before = toStored(latestRow).pack;
			if (canonical({ ...before, version: 0 }) === canonical({ ...final.pack, version: 0 }))
				return { ok: false as const, problems: [{ field: null, line: null, message: `nothing changed: the pack is the same as version ${previous} (a change of comments or layout alone is not a new version)` }] };
		}
		const hash = yamlHash(finalText);
		await inTransaction(store, (trx) => insertVersion(trx, { pack_id: id, version, title: final.pack.title, yaml: finalText, hash, source: 'product', saved_by: input.user.username, comment }));
		return { ok: true as const, version, previous, hash, title: final.pack.title };
	});
	if (!result.ok) return result;
	synced.delete(store);
	await recordTrail(store, {
		actor: input.user.username,
		role: input.user.role ?? null,
		action: 'policy_pack.save',
		target: id,
		details: { pack_id: id, version: result.version, previous_version: result.previous, hash: result.hash, title: result.title, comment }
	});
	const stored = await packVersion(store, id, result.version, opts);
	return { ok: true, stored: stored!, previous: result.previous };
}

/** one difference between two versions of a pack: where (the pack or a rule), the field, before and after */
export interface PackChange {
	rule: string | null;
	field: string;
	before: string | null;
	after: string | null;
}

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
	if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
		for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
	} else if (v !== undefined) out.set(prefix, Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v));
}

/**
 * What changed from one version to the next, field by field; rules are matched by their id
 * (a rule added or removed is one change). The version number itself is left out.
 */
export function packChanges(before: PolicyPack, after: PolicyPack): PackChange[] {
	const changes: PackChange[] = [];
	const diff = (a: unknown, b: unknown, rule: string | null) => {
		const fa = new Map<string, string>();
		const fb = new Map<string, string>();
		flatten(a, '', fa);
		flatten(b, '', fb);
		for (const k of new Set([...fa.keys(), ...fb.keys()])) {
			if (k === 'version' && rule === null) continue;
			const x = fa.get(k) ?? null;
			const y = fb.get(k) ?? null;
			if (x !== y) changes.push({ rule, field: k, before: x, after: y });
		}
	};
	const { rules: ra, ...pa } = before;
	const { rules: rb, ...pb } = after;
	diff(pa, pb, null);
	const byId = (rs: typeof ra) => new Map(rs.map((r) => [r.id, r]));
	const ma = byId(ra);
	const mb = byId(rb);
	for (const r of ra) {
		const other = mb.get(r.id);
		if (!other) changes.push({ rule: r.id, field: 'rule', before: r.title, after: null });
		else diff(r, other, r.id);
	}
	for (const r of rb) if (!ma.has(r.id)) changes.push({ rule: r.id, field: 'rule', before: null, after: r.title });
	const order = (rs: typeof ra) => rs.map((r) => r.id).filter((id) => ma.has(id) && mb.has(id)).join(',');
	if (order(ra) !== order(rb)) changes.push({ rule: null, field: 'rules (order)', before: order(ra), after: order(rb) });
	return changes;
}

/** a new pack to start from on the product's New pack form */
export const NEW_PACK_TEMPLATE = `# A contact-policy pack: its rules apply to the accounts of the regions in applies_to.
# The version is set when it is saved (1 for a new pack).
id: us-xx
title: State debt collection rules
applies_to: [US-XX]
effective_from: ${new Date().toISOString().slice(0, 10)}
rules:
  - id: state_calls_per_week
    type: frequency
    title: More than 3 calls about a debt within 7 days
    citation: the statute or regulation, with its section
    kind: violation
    limit: 3
    window_days: 7
    per: debt
    counts:
      channels: [call]
      exclude_outcomes: [busy, not_in_service, wrong_number]
      exclude_parties: [consumer_attorney, creditor, credit_bureau]
`;

/** a pack id in a URL (the id rule of packSchema) */
export const packIdParam = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'a pack id is lower-case letters, digits, - or _' });
/** a version number in a URL (?version=N, ?saved=N) */
export const packVersionParam = z.coerce.number({ error: 'version is a whole number' }).int({ error: 'version is a whole number' }).min(1, { error: 'versions start at 1' });

const packForm = z.object({
	yaml: z.string({ error: 'the form sent no pack text' }).max(200_000, { error: 'the pack text is longer than 200,000 characters' }),
	comment: z.string({ error: 'the form sent no comment' }).max(2_000, { error: 'the comment is longer than 2,000 characters' })
});

export interface PackFormFailure {
	problems: PackProblem[];
	yaml: string;
	comment: string;
}

/** the pack form's fields (yaml, comment), checked; a failure keeps what was sent */
export async function readPackForm(request: Request): Promise<{ ok: true; yaml: string; comment: string } | { ok: false; failure: PackFormFailure }> {
	const data = await request.formData();
	const raw = { yaml: data.get('yaml') ?? undefined, comment: data.get('comment') ?? undefined };
	const r = packForm.safeParse(raw);
	if (r.success) return { ok: true, ...r.data };
	return {
		ok: false,
		failure: {
			problems: r.error.issues.map((i) => ({ field: i.path.join('.') || null, line: null, message: i.message })),
			yaml: typeof raw.yaml === 'string' ? raw.yaml.slice(0, 200_000) : '',
			comment: typeof raw.comment === 'string' ? raw.comment.slice(0, 2_000) : ''
		}
	};
}
