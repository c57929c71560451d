/**
 * The contact-fatigue index, defined openly (no industry standard exists; see kpis.md,
 * "Contact fatigue"). For an account-week with more contacts than the threshold (default 7),
 * the contacts beyond the threshold, in time order, each add their channel's weight: how
 * intrusive one contact on that channel is. A week at or under the threshold scores 0.
 *
 * Tune the weights here: they are the only copy. queries/kpi/fatigue_index.sql receives them
 * as bound parameters ($weight_<channel>, two decimals), never as SQL text.
 */
export const FATIGUE_WEIGHTS = {
	call: 1.0,
	ringless_voicemail: 1.0,
	sms: 0.6,
	push: 0.4,
	email: 0.3,
	letter: 0.2,
	in_app: 0.1
} as const satisfies Record<'call' | 'ringless_voicemail' | 'sms' | 'push' | 'email' | 'letter' | 'in_app', number>;

/** the contacts a week above which the load counts as over the threshold and the fatigue index adds up, unless a view asks another */
export const DEFAULT_CONTACT_THRESHOLD = 7;

export type FatigueChannel = keyof typeof FATIGUE_WEIGHTS;

/** the weights as the SQL's parameters: { weight_call: 1, weight_sms: 0.6, … } */
export function fatigueWeightParams(weights: Record<FatigueChannel, number> = FATIGUE_WEIGHTS): Record<`weight_${FatigueChannel}`, number> {
	return Object.fromEntries(Object.entries(weights).map(([channel, w]) => [`weight_${channel}`, w])) as Record<`weight_${FatigueChannel}`, number>;
}
