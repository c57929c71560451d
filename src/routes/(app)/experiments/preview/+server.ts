/** The draft form's live count: the population and arms of a draft (JSON) → eligible accounts, per arm and per day. */
import { error, json } from '@sveltejs/kit';
import { previewDraft, previewInputSchema } from '$lib/server/pages/experiment-drafts';
import { getStore } from '$lib/server/store';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
	const body = await request.json().catch(() => null);
	const parsed = previewInputSchema.safeParse(body);
	if (!parsed.success) error(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	return json(await previewDraft(await getStore(), parsed.data));
};
