import { userInfo } from 'node:os';
import { z } from 'zod';
import { recordTrail } from '../../lib/server/trail/trail.ts';
import { AuditInputError, auditFindings, runAudit, type AuditFinding } from '../../lib/server/compliance/audit.ts';
import { Store } from '../../lib/server/db/store.ts';
import { describeOwed, owedAudit } from '../../lib/server/compliance/owed.ts';
import { parse, UsageError } from '../args.ts';

export const usage = `usage: curewise audit [--db FILE] [--from DATE] [--to DATE] [--pack NAME]... [--json]

Runs the compliance audit over all interactions, or those of a period (local dates, both
included), against the policy packs in force (or only the ones named with --pack, which may be
repeated), stores it like an audit from the Compliance page, and prints its findings.
--json prints an array of objects with rule, pack, pack_version, kind, customer_id,
account_id, window_start, window_end (for findings over a window of dates), occurred_at (for
single-contact findings), interaction_ids and detail.
An audit without --from, --to and --pack also checks the interactions of imports whose own
audit never ran (a process stopped in between), and says so; the Compliance pages then stop
warning about them.
Exit status 0 when the audit ran (whatever it found), 1 when it could not run.`;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date is written YYYY-MM-DD' });

/** the JSON shape of a finding (issue 6): occurred_at only for single-contact findings */
export const findingJson = (f: AuditFinding) => ({
	rule: f.rule_id,
	pack: f.pack_id,
	pack_version: f.pack_version,
	kind: f.kind,
	customer_id: f.customer_id,
	account_id: f.account_id,
	window_start: f.window_start,
	window_end: f.window_end,
	occurred_at: f.window_start === null ? f.occurred_at : null,
	interaction_ids: f.interaction_ids,
	detail: f.detail
});

export async function run(argv: string[]): Promise<number> {
	const { values } = parse(
		argv,
		{ db: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, pack: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
		z.object({ db: z.string().optional(), from: date.optional(), to: date.optional(), pack: z.array(z.string().min(1)).optional(), json: z.boolean() }),
		usage
	);
	const store = await Store.open({ path: values.db });
	try {
		const owedBefore = await owedAudit(store);
		let a;
		try {
			a = await runAudit(store, { trigger: 'cli', runBy: `cli:${userInfo().username}`, from: values.from, to: values.to, packIds: values.pack });
		} catch (e) {
			if (e instanceof AuditInputError) throw new UsageError(`${e.message.replace(/(^|; )(from|to):/g, '$1--$2:')}\n\n${usage}`);
			throw e;
		}
		await recordTrail(store, {
			actor: `cli:${userInfo().username}`,
			action: 'compliance.audit_run',
			target: `audit ${a.audit_id}`,
			details: {
				trigger: 'cli',
				from: a.period_from,
				to: a.period_to,
				packs: a.packs.map((p) => `${p.pack_id}@${p.version}`),
				findings: a.findings,
				...(owedBefore ? { owed_batches: owedBefore.batches.map((b) => b.batch_id) } : {})
			}
		});
		// the audits imports owed: cleared by this one, or still owed (a period or some packs only)
		const owedAfter = await owedAudit(store);
		if (owedBefore && !owedAfter) process.stderr.write(`this audit also checked what no audit had yet: ${describeOwed(owedBefore)}\n`);
		if (owedAfter) {
			process.stderr.write(
				`not audited yet: ${describeOwed(owedAfter)}; an audit of a period or of some packs does not cover them: run curewise audit without --from, --to and --pack\n`
			);
		}
		const findings = await auditFindings(store, a.audit_id);
		if (values.json) {
			process.stdout.write(JSON.stringify(findings.map(findingJson), null, 2) + '\n');
			return 0;
		}
		const period = a.period_from || a.period_to ? `from ${a.period_from ?? 'the first contact'} to ${a.period_to ?? 'the last contact'}` : 'of all interactions';
		process.stdout.write(
			`Compliance audit ${a.audit_id} ${period} with ${a.packs.map((p) => `${p.pack_id} v${p.version}`).join(', ')}:\n` +
				`${a.findings.toLocaleString('en-US')} findings in ${a.contacts.toLocaleString('en-US')} outbound contacts (${(a.duration_ms / 1000).toFixed(1)} s)\n\n`
		);
		const byRule = new Map<string, number>();
		for (const f of findings) byRule.set(`${f.pack_id}  ${f.rule_id}  (${f.kind.replace('_', ' ')})`, (byRule.get(`${f.pack_id}  ${f.rule_id}  (${f.kind.replace('_', ' ')})`) ?? 0) + 1);
		for (const [k, n] of [...byRule].sort()) process.stdout.write(`${String(n).padStart(8)}  ${k}\n`);
		// the rules the data could not check (docs/compliance-regf-more.md): said, never a silent zero
		for (const p of a.packs) for (const n of p.not_checked ?? []) process.stdout.write(`       -  ${p.pack_id}  ${n.rule_id}  ${n.reason}\n`);
		if (findings.length) process.stdout.write('\n');
		for (const f of findings) {
			const when = f.window_start ? `${f.window_start}..${f.window_end}` : f.occurred_at;
			process.stdout.write(`${f.local_date}  ${f.pack_id}/${f.rule_id}  ${f.kind}  ${f.customer_id}  ${f.account_id ?? '-'}  ${when}  ${f.interaction_ids.join(' ')}  ${f.detail}\n`);
		}
		return 0;
	} finally {
		await store.close();
	}
}
