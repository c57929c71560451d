/** The policy packs an audit used (as stored at those versions), their rules, and the versions in force now. */
import type { PolicyPack } from '../../../compliance/packs.ts';
import type { PackInfo, PackVersionRow } from '../../../compliance/findings.ts';

import type { Store } from '../../db/store.ts';
import { currentPacks, packVersion } from '../pack-store.ts';
import type { AuditInfo } from './audits.ts';
import { ruleMethod } from './method.ts';

/** the packs (as stored at the versions the audit used), with their rules */
export function auditPacks(store: Store, audit: AuditInfo): Promise<PackInfo[]> {
	// a stored pack version never changes: one read per audit
	const key = `${store.path}#${audit.audit_id}`;
	let p = packsOf.get(key);
	if (!p) {
		p = readAuditPacks(store, audit);
		p.catch(() => packsOf.delete(key));
		packsOf.set(key, p);
		if (packsOf.size > 50) packsOf.delete(packsOf.keys().next().value!);
	}
	return p;
}
const packsOf = new Map<string, Promise<PackInfo[]>>();

async function readAuditPacks(store: Store, audit: AuditInfo): Promise<PackInfo[]> {
	const stored = await Promise.all(audit.packs.map((ref) => packVersion(store, ref.pack_id, ref.version).catch(() => null)));
	return audit.packs.map((ref, i) => {
		const pack: PolicyPack | null = stored[i]?.pack ?? null;
		return {
			pack_id: ref.pack_id,
			title: ref.title || pack?.title || ref.pack_id,
			version: ref.version,
			hash: ref.hash,
			applies_to: pack ? pack.applies_to : 'all',
			...(pack?.localities?.length ? { localities: [...pack.localities] } : {}),
			effective_from: pack?.effective_from ?? null,
			rules: pack ? pack.rules.map((r) => ({ pack_id: pack.id, rule_id: r.id, type: r.type, title: r.title, citation: r.citation, kind: r.kind, method: ruleMethod(r) })) : []
		};
	});
}

/** the pack versions the audit used against the versions in force now */
export async function packVersionsVsCurrent(store: Store, audit: AuditInfo | null): Promise<PackVersionRow[]> {
	const now = await currentPacks(store).catch(() => []);
	const byId = new Map(now.map((p) => [p.pack.id, p]));
	const rows: PackVersionRow[] = [];
	for (const ref of audit?.packs ?? []) {
		const cur = byId.get(ref.pack_id);
		byId.delete(ref.pack_id);
		rows.push({
			pack_id: ref.pack_id,
			title: ref.title || cur?.title || ref.pack_id,
			used: { version: ref.version, hash: ref.hash },
			current: cur ? { version: cur.version, hash: cur.hash, saved_at: cur.saved_at, saved_by: cur.saved_by } : null,
			status: !cur ? 'removed' : cur.version === ref.version && cur.hash === ref.hash ? 'same' : 'changed'
		});
	}
	for (const cur of byId.values())
		rows.push({ pack_id: cur.pack.id, title: cur.title, used: null, current: { version: cur.version, hash: cur.hash, saved_at: cur.saved_at, saved_by: cur.saved_by }, status: 'added' });
	return rows;
}
