/**
 * The menu, the home page's links and every other link to a section, for one role, from the one
 * access table (./auth/roles.ts): an entry is shown only to the roles that may open its route,
 * and its address is derived from the route id, so a link never leads to a 403. Every page a
 * role may open is reachable from its menu: a section's top-level pages are in its sub-menu, the
 * rest (a pack, an experiment, a new pack) are linked from those pages.
 */
import type { MenuLink, MenuSection } from '../nav.ts';
import { mayOpen, type Role } from './auth/roles.ts';

type Entry = { route: string; label: string; blurb?: string };
type Section = Entry & { blurb: string; pages?: readonly Entry[] };

/** the sections, in the menu's order, each with its top-level pages (keys of the access table) */
export const SECTIONS: readonly Section[] = [
	{ route: '/(app)/overview', label: 'Overview', blurb: 'Cure rate, days-to-pay, complaints and contact fatigue' },
	{
		route: '/(app)/experiments',
		label: 'Experiments',
		blurb: 'Message tests and their guardrails',
		pages: [
			{ route: '/(app)/experiments/alerts', label: 'Guardrail alerts' },
			{ route: '/(app)/experiments/new', label: 'New draft' }
		]
	},
	{
		route: '/(app)/compliance',
		label: 'Compliance',
		blurb: 'Contact frequency and timing audits',
		pages: [
			{ route: '/(app)/compliance/findings', label: 'Findings' },
			{ route: '/(app)/compliance/ranked', label: 'Ranked' },
			{ route: '/(app)/compliance/report', label: 'Report' },
			{ route: '/(app)/compliance/packs', label: 'Policy packs' },
			{ route: '/(app)/compliance/check', label: 'Message check', blurb: 'Check a message and its cadence against the contact rules before a launch' }
		]
	},
	{ route: '/(app)/data', label: 'Data', blurb: 'Imports, quarantine and freshness' },
	{ route: '/(app)/trail', label: 'Trail', blurb: 'Who did what, when, from where' },
	{ route: '/(app)/admin/users', label: 'Admin', blurb: 'Users and roles' }
];

/** the address of a route without parameters: its id without the (groups) */
export function hrefOf(routeId: string): string {
	if (routeId.includes('[')) throw new Error(`route ${routeId} has parameters: it has no single address`);
	return routeId.replace(/\/\([^)]+\)/g, '') || '/';
}

/** the address of a route if the role may open it, else null (the link is not shown) */
export const linkTo = (role: Role, routeId: string): string | null => (mayOpen(role, routeId) ? hrefOf(routeId) : null);

/**
 * The menu a role sees. A section whose own page the role may not open, but some of its pages,
 * is entered through the first of them; if that is its only page, the entry bears that page's
 * name (a strategist's Compliance is the Message check).
 */
export function menuFor(role: Role): MenuSection[] {
	const menu: MenuSection[] = [];
	for (const s of SECTIONS) {
		const pages: (MenuLink & { blurb?: string })[] = (s.pages ?? []).filter((p) => mayOpen(role, p.route)).map((p) => ({ href: hrefOf(p.route), label: p.label, blurb: p.blurb }));
		const strip = (p: MenuLink) => ({ href: p.href, label: p.label });
		if (mayOpen(role, s.route)) menu.push({ href: hrefOf(s.route), label: s.label, blurb: s.blurb, pages: pages.map(strip) });
		else if (pages.length === 1) menu.push({ ...strip(pages[0]!), blurb: pages[0]!.blurb ?? s.blurb, pages: [] });
		else if (pages.length > 1) menu.push({ href: pages[0]!.href, label: s.label, blurb: s.blurb, pages: pages.slice(1).map(strip) });
	}
	return menu;
}

/** the links the layout and the home page show outside the menu, each null for a role that may not open it */
export const linksFor = (role: Role) => ({
	/** the import history and upload (the Data page) */
	data: linkTo(role, '/(app)/data')
});
