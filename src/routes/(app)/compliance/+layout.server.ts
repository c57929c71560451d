/** The compliance section's tabs: each shown only to the roles the access table lets in. */
import { complianceTabs } from '$lib/server/compliance/findings/pages';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({ tabs: complianceTabs(locals.user!.role) });
