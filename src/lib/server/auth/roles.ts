/**
 * Who may open what: the one table of access rules. Keys are SvelteKit route ids; a route
 * that is not in this table is refused to everyone (403), so a new page is closed until it
 * is added here. A test walks every route of the build against this table. The menu and every
 * link to another section are built from this table too (src/lib/server/nav.ts), so that a role
 * is shown a link only to what it may open.
 */
export const ROLES = ['leadership', 'strategist', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
/** who acts on experiments (drafts, launch, stop, conclude, acknowledge); the others read */
export const EXPERIMENT_ACTORS: readonly Role[] = ['strategist', 'admin'];
export const canActOnExperiments = (role: Role | null | undefined) => !!role && EXPERIMENT_ACTORS.includes(role);

/** open without signing in */
export const PUBLIC_ROUTES: readonly string[] = ['/(auth)/login', '/(auth)/logout'];

export const ACCESS: Readonly<Record<string, readonly Role[]>> = {
	'/(app)': ALL,
	'/(app)/overview': ALL,
	'/(app)/overview/data/[query]': ALL,
	'/(app)/overview/explain': ALL,
	// experiments: every role reads; the form actions on these pages refuse leadership and
	// compliance themselves (403, canActOnExperiments), the draft form is for the actors only
	'/(app)/experiments': ALL,
	'/(app)/experiments/alerts': ALL,
	'/(app)/experiments/new': EXPERIMENT_ACTORS,
	'/(app)/experiments/preview': EXPERIMENT_ACTORS,
	'/(app)/experiments/[id]': ALL,
	'/(app)/experiments/[id]/edit': EXPERIMENT_ACTORS,
	// the assignment file for the outreach platform holds account ids: the actors, and
	// compliance (account-level access); never leadership
	'/(app)/experiments/[id]/assignments.csv': ['strategist', 'compliance', 'admin'],
	'/(app)/experiments/[id]/assignments.parquet': ['strategist', 'compliance', 'admin'],
	'/(app)/compliance': ['compliance', 'admin'],
	'/(app)/compliance/findings': ['compliance', 'admin'],
	'/(app)/compliance/ranked': ['compliance', 'admin'],
	'/(app)/compliance/report': ['compliance', 'admin'],
	'/(app)/compliance/report.csv': ['compliance', 'admin'],
	'/(app)/compliance/report.parquet': ['compliance', 'admin'],
	'/(app)/compliance/report.pdf': ['compliance', 'admin'],
	'/(app)/compliance/people/[customer_id]': ['compliance', 'admin'],
	'/(app)/compliance/packs': ['compliance', 'admin'],
	'/(app)/compliance/packs/new': ['compliance', 'admin'],
	'/(app)/compliance/packs/[id]': ['compliance', 'admin'],
	'/(app)/compliance/packs/[id]/edit': ['compliance', 'admin'],
	// strategists check their messages before a launch too
	'/(app)/compliance/check': ['strategist', 'compliance', 'admin'],
	'/(app)/trail': ['compliance', 'admin'],
	'/(app)/trail/export.csv': ['compliance', 'admin'],
	'/(app)/data': ['admin'],
	'/(app)/data/batches/[id]': ['admin'],
	'/(app)/data/batches/[id]/quarantine.csv': ['admin'],
	'/(app)/data/imports': ['admin'],
	'/(app)/data/imports/[id]': ['admin'],
	'/(app)/admin/users': ['admin'],
	// what a role sees instead of a page it may not open (the hook renders it with status 403)
	'/(app)/forbidden/[...path]': ALL
};

/** whether a role may open a route (by its SvelteKit route id) */
export const mayOpen = (role: Role | null | undefined, routeId: string) => !!role && !!ACCESS[routeId]?.includes(role);

/** what a role is told when it may not open a page (the 403 page and the plain 403 answers) */
export const refusal = (role: Role) => `Your role (${role}) cannot open this page. Ask an administrator if you need it.`;

export type Decision = 'public' | 'allowed' | 'sign-in' | 'forbidden';

export function decide(routeId: string | null, role: Role | null): Decision {
	if (routeId && PUBLIC_ROUTES.includes(routeId)) return 'public';
	if (!role) return 'sign-in';
	const roles = routeId ? ACCESS[routeId] : undefined;
	return roles?.includes(role) ? 'allowed' : 'forbidden';
}

/** roles that may see account and customer identifiers and contact points unmasked */
export const ACCOUNT_LEVEL: readonly Role[] = ['compliance', 'admin'];

export const canSeeAccounts = (role: Role | null | undefined) => !!role && ACCOUNT_LEVEL.includes(role);
