/**
 * The compliance section's tabs: each shown only to the roles the access table lets in; and, on
 * the pages that show an audit's findings, what no audit has checked yet (compliance/owed.ts).
 */
import { ACCESS } from '$lib/server/auth/roles';
import { complianceTabs } from '$lib/server/compliance/findings/pages';
import { owedAudit } from '$lib/server/compliance/owed';
import { getStore } from '$lib/server/store';
import type { LayoutServerLoad } from './$types';

/** the pages about the rules, not about what an audit found: no warning there */
const RULES_PAGES = ['/(app)/compliance/packs', '/(app)/compliance/check'];

export const load: LayoutServerLoad = async ({ locals, route, depends }) => {
	depends('curewise:audit-owed');
	const role = locals.user!.role;
	const findingsPage = !RULES_PAGES.some((p) => route.id?.startsWith(p));
	return {
		tabs: complianceTabs(role),
		owed: findingsPage ? await owedAudit(await getStore()) : null,
		// who may run the audit (the overview's form action)
		canRunAudit: (ACCESS['/(app)/compliance'] ?? []).includes(role)
	};
};
