/**
 * What a role sees instead of a page it may not open. The hook (src/hooks.server.ts) refuses
 * the page before any of its code runs and answers with this page and status 403, at the
 * address asked for; a navigation inside the app is sent here. `from` is the address refused,
 * `back` the page the person came from (both paths on this site). The rest of the path is
 * padding only: the hook asks for this page as deep as the refused address (/admin/users as
 * /forbidden/_), so that the page's relative links to its scripts and styles resolve there.
 */
import { refusal } from '$lib/server/auth/roles';
import type { PageServerLoad } from './$types';

/** a path on this site, or null: never another site's address (`//host`, `/\host`) */
function ownPath(value: string | null): string | null {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 2000) return null;
	return value;
}

export const load: PageServerLoad = async ({ url, locals }) => {
	const from = ownPath(url.searchParams.get('from'));
	const back = ownPath(url.searchParams.get('back'));
	return { message: refusal(locals.user!.role), from, back: back && back !== from ? back : null };
};
