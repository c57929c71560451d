/**
 * The /compliance/check page: the message check of a pasted text and the cadence check of a
 * planned cadence. The page computes both live in the browser with the rules its load hands
 * it; these form actions answer the same without JavaScript. The forms' zod schemas are here.
 */
import { z } from 'zod';
import { checkCadence, type CadenceCheck } from '../../compliance/cadence-check.ts';
import { checkMessage, type MessageProblem } from '../../compliance/message-check.ts';
import { CHANNELS } from '../../compliance/packs.ts';
import type { CheckRules } from '../../experiments/checks.ts';
import { decide, type Role } from '../auth/roles.ts';

export const MAX_TEXT = 20_000;

const channel = z.enum(CHANNELS, { error: `the channel is one of ${CHANNELS.join(', ')}` });
const empty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const hour = (what: string) =>
	z.preprocess(empty, z.coerce.number({ error: `${what} is an hour from 0 to 24` }).min(0, { error: `${what} is an hour from 0 to 24` }).max(24, { error: `${what} is an hour from 0 to 24` }).optional());

export const messageFormSchema = z.object({
	text: z.string({ error: 'paste the text to check' }).max(MAX_TEXT, { error: `the text is at most ${MAX_TEXT.toLocaleString('en-US')} characters` }),
	channel
});
export type MessageForm = z.infer<typeof messageFormSchema>;

export const cadenceFormSchema = z
	.object({
		channel,
		contacts_per_day: z.preprocess(empty, z.coerce.number({ error: 'contacts a day is a whole number from 0 to 50' }).int({ error: 'contacts a day is a whole number from 0 to 50' }).min(0, { error: 'contacts a day is a whole number from 0 to 50' }).max(50, { error: 'contacts a day is a whole number from 0 to 50' })),
		days_per_week: z.preprocess(empty, z.coerce.number({ error: 'days a week is a whole number from 1 to 7' }).int({ error: 'days a week is a whole number from 1 to 7' }).min(1, { error: 'days a week is a whole number from 1 to 7' }).max(7, { error: 'days a week is a whole number from 1 to 7' }).default(7)),
		hour_from: hour('from'),
		hour_to: hour('until'),
		/** comma-separated ISO 3166-2 regions of the accounts; empty for every region */
		regions: z
			.string()
			.default('')
			.transform((s) => s.split(/[\s,]+/).map((r) => r.trim().toUpperCase()).filter(Boolean))
			.pipe(z.array(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'a region is an ISO 3166-2 code like US-MA' })))
	})
	.superRefine((v, ctx) => {
		if ((v.hour_from === undefined) !== (v.hour_to === undefined)) ctx.addIssue({ code: 'custom', path: [v.hour_from === undefined ? 'hour_from' : 'hour_to'], message: 'give both hours (from and until), or neither' });
	});
export type CadenceForm = z.infer<typeof cadenceFormSchema>;

/** "channel: the channel is one of …" for each problem of a form */
export const formProblems = (e: z.ZodError) => e.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));

export function runMessageCheck(rules: CheckRules, form: MessageForm): { problems: MessageProblem[] | null; unavailable: string | null } {
	if (!rules.message) return { problems: null, unavailable: `The message check cannot run: ${rules.problems.join('; ')}` };
	return { problems: checkMessage(form.text, form.channel, rules.message), unavailable: null };
}

export function runCadenceCheck(rules: CheckRules, form: CadenceForm): CadenceCheck {
	const hours = form.hour_from !== undefined && form.hour_to !== undefined ? ([form.hour_from, form.hour_to] as [number, number]) : undefined;
	return checkCadence({ contacts_per_day: form.contacts_per_day, days_per_week: form.days_per_week, ...(hours ? { hours } : {}) }, form.channel, rules.packs, form.regions);
}

/** whether a role may open /compliance/check (the experiment pages link to it from each message's checks) */
export const canOpenCheck = (role: Role | null | undefined) => decide('/(app)/compliance/check', role ?? null) === 'allowed';

/**
 * The forms' starting values from the URL (?channel=sms&text=…, ?contacts_per_day=2&hour_from=9…),
 * as the experiment pages' links fill them; a part that does not parse is left out and said.
 */
export function checkPrefill(params: URLSearchParams): { message: Record<string, string> | null; cadence: Record<string, string> | null; problems: string[] } {
	const raw = Object.fromEntries([...params].map(([k, v]) => [k, v]));
	const problems: string[] = [];
	let message: Record<string, string> | null = null;
	let cadence: Record<string, string> | null = null;
	if (raw.text !== undefined) {
		const r = messageFormSchema.safeParse({ text: raw.text, channel: raw.channel ?? 'sms' });
		if (r.success) message = { text: r.data.text, channel: r.data.channel };
		else problems.push(...formProblems(r.error).map((p) => `${p.field}: ${p.message}`));
	}
	if (raw.contacts_per_day !== undefined) {
		const fields = { channel: raw.channel ?? 'call', contacts_per_day: raw.contacts_per_day, days_per_week: raw.days_per_week ?? '', hour_from: raw.hour_from ?? '', hour_to: raw.hour_to ?? '', regions: raw.regions ?? '' };
		const r = cadenceFormSchema.safeParse(fields);
		if (r.success) cadence = fields;
		else problems.push(...formProblems(r.error).map((p) => `${p.field}: ${p.message}`));
	}
	return { message, cadence, problems: [...new Set(problems)] };
}
