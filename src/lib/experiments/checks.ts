/**
 * The policy and message checks of an arm's message (experiments.md, "Launch": the policy
 * check of each arm's cadence against the compliance packs, and the message check of each
 * template for tone and required disclosures). Shared by the draft form in the browser and
 * the experiment page on the server, so it imports nothing server-side: the rules (the
 * message check's file and the current policy packs) come as an argument, loaded by the
 * pages' server loads (src/lib/server/compliance/message-rules.ts, checkRules).
 *
 * The checks themselves are src/lib/compliance/message-check.ts and cadence-check.ts; this
 * file turns their answers into the {ok, findings, pending} the pages show.
 */
import { checkCadence, type CadencePlan } from '../compliance/cadence-check.ts';
import { checkMessage, type MessageRules } from '../compliance/message-check.ts';
import type { PolicyPack } from '../compliance/packs.ts';
import type { ArmMessage } from './schema.ts';

/** what the checks need from the server: the browser has no file access */
export interface CheckRules {
	/** the message check's rules; null when their file cannot be used (see problems) */
	message: MessageRules | null;
	/** the policy packs in force (the latest version of each) */
	packs: PolicyPack[];
	/** why a check cannot run (a bad rules file), in words naming the file and the field */
	problems: string[];
}

export interface CheckFinding {
	/** the rule behind the finding: "debt_collector_disclosure", "threatening_wording", "us-ma · ma_two_in_seven" */
	rule: string;
	/** the problem in words, for the strategist */
	text: string;
	/** the source the rule rests on */
	citation: string;
	/** error: must be fixed; warning: read again (a risk flag, a phrase allowed only when true); note: depends on what happens */
	severity: 'error' | 'warning' | 'note';
	/** the characters of the message text to highlight, when the finding is a phrase */
	span: { start: number; end: number } | null;
}

export interface CheckResult {
	/** true when nothing breaks a rule (warnings and notes may remain) */
	ok: boolean;
	findings: CheckFinding[];
	/** set when the check could not run: why, in words */
	pending?: string;
}

/** the part of an arm's message the checks read; a draft may still have empty fields */
export type CheckedMessage = Partial<Pick<ArmMessage, 'channel' | 'tone' | 'template_id' | 'text' | 'cadence' | 'plan'>>;

export const RULES_NOT_LOADED = 'the compliance rules were not loaded on this page';

const result = (findings: CheckFinding[]): CheckResult => ({ ok: !findings.some((f) => f.severity === 'error'), findings });

/** the message check: the opt-out instruction, the debt-collector disclosure and threatening or shaming wording of the template text */
export function checkArmMessage(message: CheckedMessage, rules: CheckRules | null | undefined): CheckResult {
	if (!rules) return { ok: true, findings: [], pending: RULES_NOT_LOADED };
	if (!rules.message) return { ok: true, findings: [], pending: `the message check's rules cannot be used: ${rules.problems.join('; ') || 'no rules'}` };
	if (!message.channel) return { ok: true, findings: [], pending: 'choose a channel' };
	// a draft's empty text is not checked yet (the form says the text is missing); checkMessage would say it is empty
	if (!message.text?.trim()) return { ok: true, findings: [], pending: 'write the text (the message or the call script) to check it' };
	const problems = checkMessage(message.text ?? '', message.channel, rules.message);
	return result(problems.map((p) => ({ rule: p.rule, text: p.message, citation: p.citation, severity: p.severity, span: p.span })));
}

/** the policy check: the planned cadence against the frequency, time-of-day and per-number rules of the packs */
export function checkArmCadence(message: CheckedMessage, rules: CheckRules | null | undefined, regions?: readonly string[] | null): CheckResult {
	if (!rules) return { ok: true, findings: [], pending: RULES_NOT_LOADED };
	const c = checkCadence(message.plan as Partial<CadencePlan> | undefined, message.channel, rules.packs, regions);
	if (!c.checked) return { ok: true, findings: [], pending: (c.reason ?? 'the cadence cannot be checked').replace(/^The cadence cannot be checked: /, '') };
	const findings: CheckFinding[] = c.findings
		.filter((f) => f.verdict === 'breaks' || f.verdict === 'depends')
		.map((f) => ({
			rule: `${f.pack} · ${f.rule}`,
			text: f.message,
			citation: f.citation,
			severity: f.verdict === 'depends' ? 'note' : f.kind === 'risk_flag' ? 'warning' : 'error',
			span: null
		}));
	return result(findings);
}

/** the checks of one message of an arm, as a launch lists them */
export interface LaunchCheck {
	arm: string;
	/** 1-based, in the arm's order */
	message: number;
	channel: string;
	template_id: string;
	check: 'message' | 'cadence';
	result: CheckResult;
}

/**
 * Every check of every arm's messages (the message check and the cadence check), in the
 * definition's order: what a launch lists before anything is assigned. `mustFix` holds the
 * errors ("must fix" findings): they block a launch unless an admin overrides them with a reason.
 */
export function launchChecks(arms: readonly { id: string; message: readonly CheckedMessage[] }[], rules: CheckRules | null | undefined): { checks: LaunchCheck[]; mustFix: string[] } {
	const checks: LaunchCheck[] = [];
	for (const arm of arms)
		arm.message.forEach((m, j) => {
			const base = { arm: arm.id, message: j + 1, channel: m.channel ?? '', template_id: m.template_id ?? '' };
			checks.push({ ...base, check: 'message', result: checkArmMessage(m, rules) }, { ...base, check: 'cadence', result: checkArmCadence(m, rules) });
		});
	const mustFix = checks.flatMap((c) =>
		c.result.findings
			.filter((f) => f.severity === 'error')
			// the finding's own full stop is dropped: the findings are joined into one sentence
			.map((f) => `${c.arm}${arms.find((a) => a.id === c.arm)!.message.length > 1 ? ` (message ${c.message})` : ''}: ${c.check} check: ${f.text.replace(/\.$/, '')}`)
	);
	return { checks, mustFix };
}
