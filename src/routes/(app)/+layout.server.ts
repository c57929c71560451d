/**
 * Every page a signed-in person sees lives in this route group (the hook has checked the
 * session and the role). Loads the role's menu and links, built from the access table, and the
 * data's freshness for the top bar.
 */
import { config } from '$lib/server/config';
import { linksFor, menuFor } from '$lib/server/nav';
import { storeOverview } from '$lib/server/data/overview';
import { getStore } from '$lib/server/store';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.user!; // the hook lets no one in here without a session
	const overview = await storeOverview(await getStore());
	const staleDays = config().CUREWISE_STALE_DAYS;
	const last = overview.last_import_at ? new Date(overview.last_import_at).getTime() : null;
	return {
		user: { username: user.username, role: user.role },
		menu: menuFor(user.role),
		links: linksFor(user.role),
		freshness: {
			as_of: overview.as_of,
			last_import_at: overview.last_import_at,
			stale: last !== null && Date.now() - last > staleDays * 86_400_000,
			stale_days: staleDays,
			empty: overview.total_rows === 0
		}
	};
};
