/** How the audit applies a rule, in plain words: the method section of the printed report. */
import { CHANNELS, type PolicyRule } from '../../../compliance/packs.ts';
import type { FindingKind } from '../../../compliance/findings.ts';

const CHANNEL_WORDS: Record<string, string> = {
	call: 'calls',
	sms: 'text messages',
	email: 'emails',
	letter: 'letters',
	push: 'push notifications',
	in_app: 'in-app messages',
	ringless_voicemail: 'ringless voicemails'
};
const PARTY_WORDS: Record<string, string> = {
	consumer: 'the consumer',
	third_party: 'third parties',
	consumer_attorney: "the consumer's attorney",
	creditor: 'the creditor',
	credit_bureau: 'a credit bureau'
};
const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const orList = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);

/** "outbound calls and ringless voicemails, leaving out … " — what a rule counts */
function countsWords(c: PolicyRule['counts']): string {
	const all = CHANNELS.every((ch) => c.channels.includes(ch));
	const what = all ? 'contacts on every channel' : list(c.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch));
	let out = `${c.direction === 'outbound' ? 'outbound ' : ''}${what}`;
	if (c.only_outcomes?.length) out += ` whose outcome was ${orList(c.only_outcomes.map((o) => o.replace(/_/g, ' ')))}`;
	const left: string[] = [];
	if (c.exclude_outcomes.length) left.push(`those whose outcome was ${orList(c.exclude_outcomes.map((o) => o.replace(/_/g, ' ')))}`);
	if (c.exclude_parties.length) left.push(`contacts with ${orList(c.exclude_parties.map((p) => PARTY_WORDS[p] ?? p))}`);
	if (c.exclude_wrong_numbers) left.push('calls to a number later found to be a wrong number');
	if (c.exclude_consent_windows) left.push('calls inside a consent-to-call window the person gave (the day of consent is day 1, at most 7 days, ending early at its end or at a conversation)');
	if (left.length) out += `, leaving out ${left.length === 1 ? left[0] : `${left.slice(0, -1).join('; ')}; and ${left.at(-1)}`}`;
	return out;
}

const KIND_WORDS: Record<FindingKind, string> = { presumed_violation: 'a presumed violation', violation: 'a violation', risk_flag: 'a risk flag' };

/** how the audit applies a rule, in plain words (the printed report's method section) */
export function ruleMethod(r: PolicyRule): string {
	const counts = countsWords(r.counts);
	const kind = KIND_WORDS[r.kind];
	switch (r.type) {
		case 'frequency': {
			const per = r.per === 'person_debt' ? 'per person and debt (over all of the person’s numbers and addresses together)' : r.per === 'debt' ? 'per debt' : 'per contact point';
			return `Counts ${counts}, ${per}, in every window of ${r.window_days} consecutive calendar dates at the consumer’s location (a rolling window checked at every date, both ends included). More than ${r.limit} in a window is ${kind}, dated on the contact that went over the limit.`;
		}
		case 'after_conversation':
			return `After a telephone conversation with the person about the debt (placed or received), any of ${counts} within ${r.window_days} consecutive calendar dates, the conversation’s date being day 1, is ${kind}.`;
		case 'time_of_day':
			return `Any of ${counts} sent or placed before ${r.allowed_from} or after ${r.allowed_until} local time is ${kind}${r.except_consented_times ? ', unless it falls in a local time range the person agreed to' : ''}. Local time is taken in every zone the collector knew the consumer might be in at that moment: the address as it was then (a move counts from the export that reported it), the phone number’s zone, and the addresses of the person’s other debts, with the daylight-saving rules of that date; a message counts when it is sent.`;
		case 'inconvenient_time':
			return `Any of ${counts} inside a local time range the person said is inconvenient is ${kind}, except a single reply through the same channel to the person’s own inbound contact. Every range the person gave stays in force until its end or until they withdraw their ranges; a later range does not replace an earlier one.`;
		case 'after_opt_out':
			return `Any of ${counts} on a channel after the person opted out of that channel (or of all channels), from the moment the opt-out took effect, for the debts it covers, is ${kind}. A later opt-in lifts it only for the channel and the debts the opt-in names. Allowed: one confirmation of the opt-out${r.reply_within_hours !== undefined ? `, and one reply through that channel within ${r.reply_within_hours} hours of the person’s own contact through it` : ''}.`;
		case 'after_cease':
			return `Any of ${counts} about a debt after the person asked the collector to cease communication about it, from the moment the request took effect, is ${kind}, except the notices the regulation allows: that collection efforts end, that remedies may be invoked, or that a remedy is invoked.`;
		case 'attorney_represented':
			return `Any of ${counts} with the person about a debt after the collector learned that an attorney represents them for it, until the representation ends (the attorney consents to direct contact, stops, or does not answer in a reasonable time), is ${kind}, except a single reply through the same channel to the person’s own inbound contact. Not checked when the data holds no such representation.`;
		case 'repeat_location':
			return `Counts ${counts}: every communication after the first with the same third party about the person’s location is ${kind}, unless that person asked to be contacted again or the collector believed the earlier answer wrong or incomplete.`;
		case 'report_before_communication':
			return `A report of a debt to a credit bureau before the collector spoke with the person about it, or before a letter or message to them had gone ${r.wait_days} days without a notice that it was not delivered, is ${kind}. Not checked when no contact in the data is marked as a credit report.`;
		case 'repeat_unanswered':
			return `Two unanswered ${list(r.counts.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch))} to the same phone number within ${r.minutes ?? '?'} minutes, whoever they were about (a number shared by a household counts once), are ${kind} (below the frequency limit, but named by the commentary).`;
		case 'calls_per_number_per_day':
			return `${r.limit ?? '?'} or more ${list(r.counts.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch))} to one phone number on one local date, whoever they were about (a number shared by a household counts once), are ${kind}.`;
	}
}
