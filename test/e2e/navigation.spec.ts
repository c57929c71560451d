import { expect, test, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ACCESS } from '../../src/lib/server/auth/roles';
import { ROLES, signIn } from './auth';

// No dead ends: a role is shown only links it may open, reaches every page it may open from its
// menu, and a page it may not open answers 403 with the menu and a way back.

type BuildRoute = { id: string; pattern: RegExp; page: unknown };

async function buildRoutes(): Promise<BuildRoute[]> {
	const mod = await import(pathToFileURL(resolve('.svelte-kit/output/server/manifest.js')).href);
	return mod.manifest._.routes as BuildRoute[];
}

/** the route an address opens: the first route of the build whose pattern matches (SvelteKit's order) */
function routeOf(routes: BuildRoute[], href: string): string | undefined {
	const path = new URL(href, 'http://x').pathname;
	return routes.find((r) => r.pattern.test(path))?.id;
}

/** the site's own addresses among a page's links (or within a part of it) */
async function linksIn(page: Page, selector = 'body'): Promise<string[]> {
	const hrefs = await page.locator(selector).locator('a[href]').evaluateAll((els) => els.map((a) => (a as HTMLAnchorElement).href));
	const origin = new URL(page.url()).origin;
	return [...new Set(hrefs.filter((h) => h.startsWith(origin + '/')).map((h) => h.slice(origin.length).split('#')[0]!))].filter(Boolean);
}

const MENU = 'nav[aria-label="Main"]';

/** the menu's links as a person reaches them: the sections, and each sub-menu opened by its button */
async function menuLinks(page: Page): Promise<string[]> {
	const nav = page.getByRole('navigation', { name: 'Main' });
	const hrefs = new Set(await linksIn(page, MENU));
	for (const toggle of await nav.getByRole('button').all()) {
		await toggle.click();
		await expect(toggle).toHaveAttribute('aria-expanded', 'true');
		const sub = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
		for (const link of await sub.getByRole('link').all()) {
			await expect(link).toBeVisible();
			hrefs.add((await link.getAttribute('href'))!);
		}
		await page.keyboard.press('Escape');
		await expect(sub).toBeHidden();
	}
	return [...hrefs];
}

test('for every role, every link in the menu and on the home page opens (none is a 403)', async ({ page }) => {
	test.setTimeout(180_000);
	for (const role of ROLES) {
		await page.context().clearCookies();
		await signIn(page, role);
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Curewise', level: 1 })).toBeVisible();
		const hrefs = new Set([...(await menuLinks(page)), ...(await linksIn(page))]);
		expect(hrefs.size).toBeGreaterThan(3);
		for (const href of hrefs) {
			const res = await page.request.get(href, { headers: { accept: 'text/html' }, maxRedirects: 0 });
			expect.soft(res.status(), `${role} GET ${href}`).toBe(200);
		}
	}
});

test('for every role, every page it may open is reached from its menu in at most two clicks', async ({ page }) => {
	test.setTimeout(240_000);
	const routes = await buildRoutes();
	for (const role of ROLES) {
		// the pages with one address (an experiment, a pack, a timeline are reached from their lists)
		const expected = routes
			.filter((r) => r.page && !r.id.includes('[') && !r.id.startsWith('/(app)/forbidden') && ACCESS[r.id]?.includes(role))
			.map((r) => r.id)
			.sort();
		expect(expected.length).toBeGreaterThan(2);
		await page.context().clearCookies();
		await signIn(page, role);
		await page.goto('/');
		const first = await menuLinks(page);
		const reached = new Set(first.map((h) => routeOf(routes, h)));
		for (const href of first) {
			const res = await page.goto(href);
			expect.soft(res?.status(), `${role} GET ${href}`).toBe(200);
			for (const h of await linksIn(page)) reached.add(routeOf(routes, h));
		}
		expect.soft(expected.filter((id) => !reached.has(id)), `pages ${role} may open that its menu does not lead to`).toEqual([]);
	}
});

test('a page the role may not open: 403 with the menu, the message and a way back', async ({ page }) => {
	await signIn(page, 'leadership');
	await page.goto('/overview');
	const res = await page.goto('/data');
	expect(res?.status()).toBe(403);
	const headers = res!.headers();
	expect(headers['cache-control']).toContain('no-store');
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(page.url()).toMatch(/\/data$/);
	await expect(page.getByRole('heading', { name: 'This page is not open to your role' })).toBeVisible();
	await expect(page.getByText('Your role (leadership) cannot open this page.')).toBeVisible();
	// the menu, as on every page
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Overview', 'Experiments']);
	await expect(page.getByTestId('current-user')).toContainText('e2e-leadership');
	await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
	// back where the person came from, and home
	await expect(page.getByTestId('go-back')).toHaveText('← Back to the previous page');
	await page.getByTestId('go-back').click();
	await expect(page).toHaveURL(/\/overview/);
	// a deeper address: the page's scripts and styles load there too
	expect((await page.goto('/compliance/packs/1/edit', { referer: new URL('/experiments', page.url()).href }))?.status()).toBe(403);
	await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
	const back = page.getByTestId('forbidden').getByRole('link', { name: 'Back to the previous page' });
	await expect(back).toHaveAttribute('href', '/experiments');
	// the app's style sheet applies (the body has no margin of its own)
	expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
	await page.getByRole('link', { name: 'Go to the home page' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('heading', { name: 'Curewise', level: 1 })).toBeVisible();
});

test('a link inside the app to a page the role may not open shows the 403 page with the menu', async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/overview');
	await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
	// a link no menu shows (an old bookmark pasted in a message, say), followed by the app's router
	await page.evaluate(() => {
		const a = document.createElement('a');
		a.href = '/trail';
		a.textContent = 'the trail';
		a.id = 'stray';
		document.querySelector('main')!.append(a);
	});
	await page.locator('#stray').click();
	await expect(page.getByText('Your role (strategist) cannot open this page.')).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Message check' })).toBeVisible();
	await page.getByTestId('go-back').click();
	await expect(page).toHaveURL(/\/overview/);
});

test('every route a role may not open answers a browser with the 403 page, and a script with a plain 403', async ({ page }) => {
	test.setTimeout(180_000);
	const routes = await buildRoutes();
	for (const role of ROLES) {
		await page.context().clearCookies();
		await signIn(page, role);
		for (const r of routes.filter((r) => ACCESS[r.id] && !ACCESS[r.id]!.includes(role))) {
			const url = r.id.replace(/\/\([^)]+\)/g, '').replace(/\[[^\]]+\]/g, '1') || '/';
			const html = await page.request.get(url, { headers: { accept: 'text/html,application/xhtml+xml' }, maxRedirects: 0 });
			expect(html.status(), `${role} GET ${url} as a browser`).toBe(403);
			expect(html.headers()['cache-control'], url).toContain('no-store');
			const body = await html.text();
			expect(body, url).toContain('aria-label="Main"');
			expect(body, url).toContain(`Your role (${role}) cannot open this page.`);
			// its scripts and styles are there from this address
			const assets = [...body.matchAll(/(?:href|src)="((?:\.{1,2}\/)*\/?_app\/[^"]+)"/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&'), new URL(url, 'http://x/')).pathname);
			expect(assets.length, url).toBeGreaterThan(1);
			for (const a of new Set(assets)) expect((await page.request.get(a)).status(), `${a} from ${url}`).toBe(200);
			const head = await page.request.head(url, { headers: { accept: 'text/html' }, maxRedirects: 0 });
			expect(head.status(), `${role} HEAD ${url}`).toBe(403);
			const plain = await page.request.get(url, { headers: { accept: '*/*' }, maxRedirects: 0 });
			expect(plain.status(), `${role} GET ${url} as a script`).toBe(403);
			expect(await plain.text()).toBe(`Your role (${role}) cannot open this page. Ask an administrator if you need it.`);
		}
	}
});

test('on a narrow screen the menu opens from a button and lists every section with its pages', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 800 });
	await signIn(page, 'compliance');
	const nav = page.getByRole('navigation', { name: 'Main' });
	await expect(nav).toBeHidden();
	await page.getByRole('button', { name: 'Menu' }).click();
	await expect(nav.getByRole('link')).toHaveText(['Overview', 'Experiments', 'Guardrail alerts', 'Compliance', 'Findings', 'Ranked', 'Report', 'Policy packs', 'Message check', 'Trail']);
	await nav.getByRole('link', { name: 'Message check' }).click();
	await expect(page).toHaveURL(/\/compliance\/check$/);
	await expect(nav).toBeHidden();
});
