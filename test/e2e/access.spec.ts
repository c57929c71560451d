import { expect, request as pwRequest, test, type APIRequestContext } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ACCESS, PUBLIC_ROUTES } from '../../src/lib/server/auth/roles';
import { PASSWORD, ROLES, type Role } from './auth';

// Every route of the build, for every role and for no one signed in: the right answer
// (200-ish, a redirect to the sign-in page, or 403), decided by the one access table.

const BASE = process.env.BASE_URL!;

async function buildRoutes(): Promise<string[]> {
	const mod = await import(pathToFileURL(resolve('.svelte-kit/output/server/manifest.js')).href);
	return (mod.manifest._.routes as { id: string }[]).map((r) => r.id);
}

const SAMPLE: Record<string, string> = { '[id]': '1', '[...path]': '_' };
function urlFor(id: string): string {
	const path = id
		.replace(/\/\([^)]+\)/g, '')
		.split('/')
		.map((seg) => (id.includes('/imports/[id]') && seg === '[id]' ? '00000000-0000-4000-8000-000000000000' : (SAMPLE[seg] ?? seg)))
		.join('/');
	return path || '/';
}

async function contextFor(role: Role | null): Promise<APIRequestContext> {
	const ctx = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	if (role) {
		const res = await ctx.post('/login', { form: { username: `e2e-${role}`, password: PASSWORD }, headers: { origin: BASE, accept: 'text/html' } });
		expect(res.status(), `sign in as ${role}`).toBe(303);
	}
	return ctx;
}

test('every route of the build is in the access table', async () => {
	const routes = await buildRoutes();
	expect(routes.length).toBeGreaterThan(8);
	for (const id of routes) expect(id in ACCESS || PUBLIC_ROUTES.includes(id), `route ${id} has an access rule`).toBe(true);
});

test('every route answers each role as the access table says', async () => {
	// about 40 routes × 5 roles, one request each: over 30 s on a loaded machine
	test.setTimeout(180_000);
	const routes = (await buildRoutes()).filter((id) => !PUBLIC_ROUTES.includes(id));
	for (const role of [null, ...ROLES] as const) {
		const ctx = await contextFor(role);
		for (const id of routes) {
			const res = await ctx.get(urlFor(id));
			const where = `${role ?? 'anonymous'} GET ${urlFor(id)} (${id})`;
			// every answer, redirects and 403s included, carries the security headers
			expect(res.headers()['x-content-type-options'], where).toBe('nosniff');
			expect(res.headers()['x-frame-options'], where).toBe('DENY');
			if (!role) {
				expect(res.status(), where).toBe(303);
				expect(res.headers()['location'], where).toMatch(/^\/login/);
			} else if (ACCESS[id]!.includes(role)) {
				expect(res.status(), where).not.toBe(403);
				expect(res.status(), where).toBeLessThan(500);
				expect(res.headers()['location'] ?? '', where).not.toMatch(/^\/login/);
				// pages a signed-in user sees are never stored by a browser or a proxy
				if ((res.headers()['content-type'] ?? '').startsWith('text/html')) expect(res.headers()['cache-control'], where).toContain('no-store');
			} else {
				expect(res.status(), where).toBe(403);
			}
		}
		await ctx.dispose();
	}
});

test('a leadership session never receives an unmasked account identifier', async () => {
	const demo = join(dirname(process.env.CUREWISE_E2E_DB!), 'demo');
	const ids = new Set<string>();
	for (const line of readFileSync(join(demo, 'accounts.csv'), 'utf8').split('\n').slice(1)) {
		const [account, customer] = line.split(',');
		if (account) ids.add(account);
		if (customer) ids.add(customer);
	}
	expect(ids.size).toBeGreaterThan(1000);
	const ctx = await contextFor('leadership');
	const routes = (await buildRoutes()).filter((id) => ACCESS[id]?.includes('leadership'));
	for (const id of routes) {
		const body = await (await ctx.get(urlFor(id))).text();
		const leaked = (body.match(/\b[AC]\d{7,8}\b/g) ?? []).filter((tok) => ids.has(tok));
		expect(leaked, `GET ${urlFor(id)}`).toEqual([]);
	}
	await ctx.dispose();
});

test('headers: CSP, no framing, no sniffing; session cookie httpOnly and SameSite=Lax', async () => {
	const ctx = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	const login = await ctx.get('/login');
	const h = login.headers();
	expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(h['content-security-policy']).toContain("script-src 'self'");
	expect(h['x-frame-options']).toBe('DENY');
	expect(h['x-content-type-options']).toBe('nosniff');
	const res = await ctx.post('/login', { form: { username: 'e2e-admin', password: PASSWORD }, headers: { origin: BASE, accept: 'text/html' } });
	const cookie = res.headers()['set-cookie'] ?? '';
	expect(cookie).toMatch(/cw_session=/);
	expect(cookie).toMatch(/HttpOnly/i);
	expect(cookie).toMatch(/SameSite=Lax/i);
	await ctx.dispose();
});

test('static files, the 404 page and the sign-in redirect carry the security headers too', async () => {
	const ctx = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	const page = await ctx.get('/login');
	const script = (await page.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(script, 'the sign-in page loads a script from /_app/immutable').toBeTruthy();
	for (const [path, status] of [[script!, 200], ['/favicon.svg', 200], ['/no-such-page', 404], ['/overview', 303]] as const) {
		const res = await ctx.get(path);
		expect(res.status(), path).toBe(status);
		for (const [k, v] of Object.entries({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin' })) {
			expect(res.headers()[k], `${k} on ${path}`).toBe(v);
		}
	}
	await ctx.dispose();
});

test('a cross-site POST is refused', async () => {
	const ctx = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	const res = await ctx.post('/login', { form: { username: 'e2e-admin', password: PASSWORD }, headers: { origin: 'https://evil.example', accept: 'text/html' } });
	expect(res.status()).toBe(403);
	expect(res.headers()['set-cookie'] ?? '').not.toMatch(/cw_session=/);
	const admin = await contextFor('admin');
	const add = await admin.post('/admin/users?/add', {
		form: { username: 'intruder', role: 'admin', password: 'a long enough password' },
		headers: { origin: 'https://evil.example', accept: 'text/html' }
	});
	expect(add.status()).toBe(403);
	// posts that are not forms are refused too: an upload, and a bodiless sign-out (which would
	// have signed the admin out)
	const upload = await admin.post('/data/imports', { headers: { 'x-file-name': 'accounts.csv', origin: 'https://evil.example' }, data: 'account_id\n' });
	expect(upload.status()).toBe(403);
	const out = await admin.post('/logout', { headers: { origin: 'https://evil.example' } });
	expect(out.status()).toBe(403);
	expect(out.headers()['x-frame-options']).toBe('DENY');
	const noOrigin = await admin.post('/logout');
	expect(noOrigin.status()).toBe(403);
	// still signed in
	expect((await admin.get('/admin/users')).status()).toBe(200);
	await admin.dispose();
	await ctx.dispose();
});

test('SQL-injection strings in every filter and form field are refused or harmless', async () => {
	const attacks = ["' OR '1'='1' --", "x'); DROP TABLE users; --", '1 OR 1=1', '"; DELETE FROM trail; --'];
	const anon = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	for (const a of attacks) {
		const res = await anon.post('/login', { form: { username: a, password: a }, headers: { origin: BASE, accept: 'text/html' } });
		expect(res.status(), `login as ${a}`).toBe(400);
	}
	const admin = await contextFor('admin');
	for (const a of attacks) {
		for (const field of ['action', 'actor', 'from', 'to']) {
			const res = await admin.get(`/trail?${field}=${encodeURIComponent(a)}`);
			expect(res.status(), `audit ${field}=${a}`).toBe(200);
			expect(await res.text()).toContain('showing everything');
			const csv = await admin.get(`/trail/export.csv?${field}=${encodeURIComponent(a)}`);
			expect(csv.status()).toBe(400);
		}
		expect((await admin.get(`/data/batches/${encodeURIComponent(a)}`)).status()).toBe(400);
		expect((await admin.get(`/data/batches/${encodeURIComponent(a)}/quarantine.csv`)).status()).toBe(400);
		expect((await admin.get(`/data/imports/${encodeURIComponent(a)}`)).status()).toBe(400);
		const add = await admin.post('/admin/users?/add', { form: { username: a, role: a, password: a }, headers: { origin: BASE, accept: 'text/html' } });
		expect(add.status(), `add user ${a}`).toBe(400);
		const upload = await admin.post('/data/imports', { headers: { 'x-file-name': encodeURIComponent(a + '.csv'), 'x-table': a, origin: BASE }, data: 'x' });
		expect(upload.status()).toBe(400);
	}
	// everything still works: users can sign in, the trail is intact
	for (const role of ROLES) await (await contextFor(role)).dispose();
	const trail = await (await admin.get('/trail')).text();
	expect(trail).toContain('chain intact');
	await admin.dispose();
	await anon.dispose();
});
