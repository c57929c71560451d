/** The zod schemas of the experiment pages' form actions (launch, stop, conclude, acknowledge), and the form as an object. */
import { z } from 'zod';

const reason = (what: string) => z.string({ error: `say why ${what}` }).trim().min(1, { error: `say why ${what}` }).max(2000, { error: 'the reason is at most 2,000 characters' });

export const stopSchema = z.object({ reason: reason('the experiment stops') });

/** a launch: why now (required), and an admin's reason to launch although a check says "must fix" */
export const launchSchema = z.object({
	reason: reason('it is launched now'),
	override: z.string().trim().max(2000, { error: 'the reason is at most 2,000 characters' }).optional()
});

export const concludeSchema = z.object({
	decision: z.enum(['ship', 'do_not_ship', 'iterate'], { error: 'choose the decision: ship, do not ship or iterate' }),
	winner: z
		.string()
		.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'the winner is one of the arms' })
		.optional()
		.or(z.literal('').transform(() => undefined)),
	reason: reason('you decide this')
});

export const acknowledgeSchema = z.object({
	alert_id: z.coerce.number({ error: 'which alert?' }).int().positive({ error: 'which alert?' }),
	reason: reason('the alert is acknowledged')
});

/** the form's fields as an object, for the schemas above */
export async function formObject(request: Request): Promise<Record<string, string>> {
	const data = await request.formData();
	return Object.fromEntries([...data].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

/** the first problem of a form in words */
export const firstIssue = (e: z.ZodError) => e.issues[0]?.message ?? 'the form is not valid';

