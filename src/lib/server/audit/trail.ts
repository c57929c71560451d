/**
 * The audit trail: an append-only record of sign-ins, imports, experiment decisions, alert
 * acknowledgements, policy changes, exports and views of account timelines. Each record
 * carries the SHA-256 of the one before (and of its own content), so an edit or a deletion
 * breaks the chain and verifyTrail finds it. Nothing in the product updates or deletes it.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../db/store.ts';
import { canonical } from '../../canonical.ts';
import { csvText } from '../csv.ts';
import { requestIp } from './context.ts';

export interface AuditEvent {
	actor: string;
	role?: string | null;
	action: string;
	target?: string | null;
	details?: Record<string, unknown> | null;
	ip?: string | null;
}

export interface AuditRecord {
	seq: number;
	recorded_at: string;
	actor: string;
	role: string | null;
	action: string;
	target: string | null;
	details: string | null;
	ip: string | null;
	prev_hash: string;
	hash: string;
}

export const GENESIS = '0'.repeat(64);


export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
	const fields = [r.seq, r.recorded_at, r.actor, r.role ?? '', r.action, r.target ?? '', r.details ?? '', r.ip ?? '', r.prev_hash];
	return createHash('sha256').update(canonical(fields)).digest('hex');
}

// one writer per process: records are chained in order
const g = globalThis as unknown as { __curewiseAudit?: Promise<unknown> };

export function recordAudit(store: Store, e: AuditEvent): Promise<AuditRecord> {
	const run = async () => {
		const conn = await store.conn();
		const [last] = await store.rows<{ seq: number; hash: string }>(`SELECT seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1`);
		const rec: Omit<AuditRecord, 'hash'> = {
			seq: (last?.seq ?? 0) + 1,
			recorded_at: new Date().toISOString(),
			actor: e.actor,
			role: e.role ?? null,
			action: e.action,
			target: e.target ?? null,
			details: e.details ? canonical(e.details) : null,
			// the address given, else that of the request being answered (src/lib/server/audit/context.ts)
			ip: e.ip ?? requestIp(),
			prev_hash: last?.hash ?? GENESIS
		};
		const full: AuditRecord = { ...rec, hash: recordHash(rec) };
		await conn.run(
			`INSERT INTO audit_trail VALUES ($seq, $at::TIMESTAMPTZ, $actor, $role, $action, $target, $details, $ip, $prev, $hash)`,
			{
				seq: BigInt(full.seq),
				at: full.recorded_at,
				actor: full.actor,
				role: full.role,
				action: full.action,
				target: full.target,
				details: full.details,
				ip: full.ip,
				prev: full.prev_hash,
				hash: full.hash
			}
		);
		return full;
	};
	const p = (g.__curewiseAudit ?? Promise.resolve()).catch(() => {}).then(run);
	g.__curewiseAudit = p;
	return p;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

function toRecord(r: Record<string, unknown>): AuditRecord {
	return {
		seq: Number(r.seq),
		recorded_at: iso(r.recorded_at),
		actor: String(r.actor),
		role: (r.role as string | null) ?? null,
		action: String(r.action),
		target: (r.target as string | null) ?? null,
		details: (r.details as string | null) ?? null,
		ip: (r.ip as string | null) ?? null,
		prev_hash: String(r.prev_hash),
		hash: String(r.hash)
	};
}

export interface VerifyResult {
	ok: boolean;
	records: number;
	/** the first record whose hash or link does not match, and why */
	broken: { seq: number; reason: string } | null;
}

export async function verifyTrail(store: Store): Promise<VerifyResult> {
	const rows = (await store.rows(`SELECT * FROM audit_trail ORDER BY seq`)).map(toRecord);
	let prev = GENESIS;
	let expectedSeq = 1;
	for (const r of rows) {
		if (r.seq !== expectedSeq) return { ok: false, records: rows.length, broken: { seq: r.seq, reason: `record ${expectedSeq} is missing` } };
		if (r.prev_hash !== prev) return { ok: false, records: rows.length, broken: { seq: r.seq, reason: 'its link to the record before does not match' } };
		const { hash, ...rest } = r;
		if (recordHash(rest) !== hash) return { ok: false, records: rows.length, broken: { seq: r.seq, reason: 'its content does not match its hash (edited)' } };
		prev = hash;
		expectedSeq++;
	}
	return { ok: true, records: rows.length, broken: null };
}

export interface TrailFilter {
	action?: string;
	actor?: string;
	from?: string;
	to?: string;
	limit?: number;
}

export async function listTrail(store: Store, f: TrailFilter = {}): Promise<AuditRecord[]> {
	const rows = await store.rows(
		`SELECT * FROM audit_trail
		 WHERE ($action IS NULL OR action = $action)
		   AND ($actor IS NULL OR actor = $actor)
		   AND ($from IS NULL OR recorded_at >= $from::DATE)
		   AND ($to IS NULL OR recorded_at < $to::DATE + 1)
		 ORDER BY seq DESC LIMIT $limit`,
		{ action: f.action ?? null, actor: f.actor ?? null, from: f.from ?? null, to: f.to ?? null, limit: BigInt(f.limit ?? 500) }
	);
	return rows.map(toRecord);
}

export async function trailActions(store: Store): Promise<string[]> {
	return (await store.rows<{ action: string }>(`SELECT DISTINCT action FROM audit_trail ORDER BY 1`)).map((r) => r.action);
}

export function trailCsv(records: AuditRecord[]): string {
	const cols = ['seq', 'recorded_at', 'actor', 'role', 'action', 'target', 'details', 'ip', 'prev_hash', 'hash'] as const;
	return csvText(cols, records.map((r) => cols.map((c) => (r[c] == null ? null : String(r[c])))));
}
