/**
 * The policy and message checks of an arm's message (experiments.md, "Launch": the policy
 * check of each arm's cadence against the compliance packs, and the message check of each
 * template for tone and required disclosures). Shared by the draft form in the browser and
 * the experiment page on the server, so it imports nothing server-side.
 *
 * A hook for now: the compliance checks arrive with the compliance audit (compliance.md).
 * Until then every check passes with no finding and says why in `pending`; the pages show
 * that sentence, so nobody mistakes "no findings" for "checked". When the compliance packs
 * land, these two functions run the packs' rules and keep this shape.
 */
import type { ArmMessage } from './schema.ts';

export interface CheckFinding {
	/** the rule behind the finding, e.g. "reg-f-7-in-7" or "disclosure:mini-miranda" */
	rule: string;
	/** the problem in words, for the strategist */
	text: string;
}

export interface CheckResult {
	/** true when nothing in the message breaks a rule */
	ok: boolean;
	findings: CheckFinding[];
	/** set while the check is not implemented yet: what it waits for */
	pending?: string;
}

export const CHECKS_PENDING = 'the compliance checks arrive with the compliance audit';

/** the part of an arm's message the checks read; a draft may still have empty fields */
export type CheckedMessage = Partial<Pick<ArmMessage, 'channel' | 'tone' | 'template_id' | 'text' | 'cadence' | 'plan'>>;

/** the message check: tone and the required disclosures of the template text */
export function checkArmMessage(message: CheckedMessage): CheckResult {
	void message;
	return { ok: true, findings: [], pending: CHECKS_PENDING };
}

/** the policy check: the planned cadence against the contact-frequency and time-of-day rules of the packs */
export function checkArmCadence(message: CheckedMessage): CheckResult {
	void message;
	return { ok: true, findings: [], pending: CHECKS_PENDING };
}
