/**
 * Many signed-in users on the built server at once.
 *
 *   npx tsx test/bench/load.ts --db FILE [--seconds 60] [--users 50] [--seed 1] [--json]
 *
 * Starts build/index.js on the store (UV_THREADPOOL_SIZE=64, as `npm start` does) on a free
 * loopback port, waits until it has answered and its background chart warming is done, then for
 * --seconds runs --users users at once: one user (bench-load, leadership) with a session each
 * (cookie cw_session). Each user loops: an Overview page (GET /overview?<view>) and then, as the
 * browser does, its chart requests at once (/overview/data/<name>?<view>&format=json for the ten
 * charts and the KPI trend, and /overview/explain), for a view drawn from the bench's views
 * (test/bench/views.ts), until the time is up; the requests under way then finish (each at most
 * 2 minutes). Meanwhile a cheap page (GET /login, signed out) is requested every 200 ms.
 * Reports the requests, the errors (any status but 2xx and 503, and failed requests), the
 * 503s (the chart queue full), the latencies, and the share of answers from the result cache
 * (the x-curewise-cache header). Also used by test/bench/bench.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { benchViews, quantile, searchOf, seeded, type BenchView } from './views.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** the charts the Overview's page asks for (OverviewCharts.svelte), and the KPI trend (KpiTrend.svelte) */
export const PAGE_CHARTS = ['cure_curves', 'cure_trend', 'days_to_pay_curves', 'response_decay', 'contact_load_distribution', 'fatigue_index', 'pressure', 'complaints_by_category', 'roll_rate', 'digital_engagement'] as const;

export interface LoadOptions {
	db: string;
	seconds: number;
	users: number;
	seed: number;
	/** the views to draw from (default: benchViews of the store with the seed) */
	views?: BenchView[];
	log?: (line: string) => void;
}

interface Sample {
	kind: 'page' | 'chart' | 'explain' | 'cheap';
	name: string;
	status: number;
	ms: number;
	at: number;
	error?: string;
	/** the server's x-curewise-cache header: hit (from the result cache or a computation under way), miss, none */
	cache?: string;
}

export interface LatencyStats {
	requests: number;
	ok: number;
	errors: number;
	busy_503: number;
	p50_ms: number | null;
	p95_ms: number | null;
	max_ms: number | null;
}

export interface LoadResult {
	users: number;
	seconds: number;
	seed: number;
	views: number;
	server_ready_ms: number;
	server_warmed_ms: number | null;
	/** why build/ may not be the code of src/ and queries/ (null: it is newer than both) */
	stale_build: string | null;
	wall_ms: number;
	/** the machine's 1-minute load average before the users started and when they were done */
	load_average: [number, number];
	requests: number;
	errors: number;
	busy_503: number;
	requests_per_s: number;
	page: LatencyStats;
	chart: LatencyStats;
	explain: LatencyStats;
	/** per chart endpoint */
	charts: Record<string, LatencyStats>;
	cheap: LatencyStats & { path: string; every_ms: number };
	/** the share of answers the result cache gave (x-curewise-cache: hit, against miss), per kind of request; null when none said */
	cache_hit_ratio: { page: number | null; chart: number | null; explain: number | null };
	/** the first few errors, with their status and words */
	error_samples: { kind: string; name: string; status: number; error?: string }[];
	/** the error lines the server wrote to its stderr, with how often (at most 20 distinct) */
	server_errors: { message: string; count: number }[];
	goals: { p95_within_1s: boolean; no_error: boolean; cheap_within_200ms: boolean };
}

const stats = (xs: Sample[]): LatencyStats => {
	const ms = xs.map((s) => s.ms);
	const r = (v: number | null) => (v == null ? null : Math.round(v));
	return {
		requests: xs.length,
		ok: xs.filter((s) => s.status >= 200 && s.status < 300).length,
		errors: xs.filter(isError).length,
		busy_503: xs.filter((s) => s.status === 503).length,
		p50_ms: r(quantile(ms, 0.5)),
		p95_ms: r(quantile(ms, 0.95)),
		max_ms: r(ms.length ? Math.max(...ms) : null)
	};
};
const isError = (s: Sample) => s.status !== 503 && (s.status < 200 || s.status >= 300);

async function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.once('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const a = srv.address();
			const port = typeof a === 'object' && a ? a.port : 0;
			srv.close(() => res(port));
		});
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** one request, timed to the last byte of its body; a failure is a sample with status 0 */
async function timed(kind: Sample['kind'], name: string, url: string, cookie: string | null): Promise<Sample> {
	const t = performance.now();
	const at = Date.now();
	try {
		const res = await fetch(url, {
			headers: { ...(cookie ? { cookie } : {}), accept: kind === 'page' || kind === 'cheap' ? 'text/html' : 'application/json' },
			redirect: 'manual',
			signal: AbortSignal.timeout(120_000)
		});
		const body = await res.text();
		const s: Sample = { kind, name, status: res.status, ms: performance.now() - t, at, cache: res.headers.get('x-curewise-cache') ?? undefined };
		if (isError(s)) s.error = body.slice(0, 200);
		return s;
	} catch (e) {
		return { kind, name, status: 0, ms: performance.now() - t, at, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
	}
}

/** the newest file under src/ and queries/ changed after build/ was made: the server would run old code (against the new queries, read at run time) */
export function staleBuild(): string | null {
	const buildIndex = join(ROOT, 'build', 'index.js');
	if (!existsSync(buildIndex)) return null;
	const built = statSync(buildIndex).mtimeMs;
	let newest = { path: '', ms: 0 };
	const walk = (dir: string) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else {
				const ms = statSync(p).mtimeMs;
				if (ms > newest.ms) newest = { path: p, ms };
			}
		}
	};
	for (const d of ['src', 'queries']) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
	return newest.ms > built ? `build/ is older than ${newest.path.slice(ROOT.length + 1)} (${Math.round((newest.ms - built) / 1000)} s newer): rebuild with \`npx vite build\`` : null;
}

export async function loadTest(opts: LoadOptions): Promise<LoadResult> {
	const log = opts.log ?? ((l: string) => console.log(l));
	const buildIndex = join(ROOT, 'build', 'index.js');
	if (!existsSync(buildIndex)) throw new Error('load test: no build/ (run `npx vite build` first)');
	const stale = staleBuild();
	if (stale) log(`load test: warning: ${stale}`);
	const db = resolve(opts.db);

	// the user, its sessions and the views, with the store open in this process; closed before the server opens it
	const { Store } = await import('../../src/lib/server/db/store.ts');
	const { addUser, findUser } = await import('../../src/lib/server/auth/users.ts');
	const { createSession, SESSION_COOKIE } = await import('../../src/lib/server/auth/sessions.ts');
	const store = await Store.open({ path: db });
	let cookies: string[];
	let views: BenchView[];
	try {
		views = opts.views ?? (await benchViews(store, opts.seed)).views;
		if (!views.length) throw new Error('load test: no views');
		const user = (await findUser(store, 'bench-load')) ?? (await addUser(store, { username: 'bench-load', role: 'leadership', password: 'load-test-password-not-secret' }));
		cookies = [];
		for (let i = 0; i < opts.users; i++) cookies.push(`${SESSION_COOKIE}=${await createSession(store, user.user_id, { userAgent: `bench-load ${i}` })}`);
	} finally {
		await store.close();
	}

	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const started = Date.now();
	const server = spawn(process.execPath, [join(ROOT, 'build')], {
		cwd: ROOT,
		env: { ...process.env, CUREWISE_DB: db, HOST: '127.0.0.1', PORT: String(port), ORIGIN: base, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE || '64' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const stop = () => {
		if (server.exitCode === null && server.signalCode === null) server.kill();
	};
	process.once('exit', stop);
	let stderr = '';
	// the server's own words on its errors (handleError logs them): the first few distinct ones are reported
	const serverErrors = new Map<string, number>();
	let partial = '';
	server.stderr!.on('data', (d: Buffer) => {
		const text = d.toString();
		stderr = (stderr + text).slice(-4000);
		const lines = (partial + text).split('\n');
		partial = lines.pop() ?? '';
		for (const l of lines) {
			const m = /\b(\w*Error\b.*)/.exec(l);
			if (!m) continue;
			const key = m[1]!.slice(0, 300);
			if (serverErrors.has(key) || serverErrors.size < 20) serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
		}
	});
	let warmedAt = 0;
	const warmed = new Promise<void>((res) => {
		let buf = '';
		server.stdout!.on('data', (d: Buffer) => {
			buf = (buf + d.toString()).slice(-2000);
			if (!warmedAt && /chart cache warmed in \d+ ms/.test(buf)) {
				warmedAt = Date.now();
				res();
			}
		});
	});
	const exited = new Promise<void>((res) => server.once('exit', () => res()));
	try {
		let readyAt = 0;
		for (let i = 0; i < 600 && !readyAt; i++) {
			if (server.exitCode !== null) throw new Error(`load test: the server stopped (${server.exitCode}): ${stderr.slice(-1000)}`);
			if (await fetch(base + '/login').then((r) => r.ok, () => false)) readyAt = Date.now();
			else await sleep(200);
		}
		if (!readyAt) throw new Error('load test: the server did not answer within 2 minutes');
		await Promise.race([warmed, sleep(300_000)]);
		log(
			`load test: server answering ${((readyAt - started) / 1000).toFixed(1)} s after its start, warming done ${warmedAt ? `${((warmedAt - started) / 1000).toFixed(1)} s` : 'not within 5 min'}; ${opts.users} users for ${opts.seconds} s on ${views.length} views`
		);

		const samples: Sample[] = [];
		const loadBefore = loadavg()[0]!;
		const t0 = Date.now();
		const deadline = t0 + opts.seconds * 1000;

		const user = async (i: number) => {
			const rnd = seeded(opts.seed * 7919 + i + 1);
			const cookie = cookies[i]!;
			// the users do not all arrive in the same millisecond
			await sleep(rnd() * 1000);
			while (Date.now() < deadline) {
				const view = views[Math.floor(rnd() * views.length)]!;
				const page = await timed('page', 'overview', `${base}/overview?${searchOf(view.query)}`, cookie);
				samples.push(page);
				if (page.status !== 200) {
					// no page, no chart requests; a pause so that a failing server is not asked in a tight loop
					await sleep(200);
					continue;
				}
				const search = searchOf(view.query);
				const out = await Promise.all([
					...PAGE_CHARTS.map((name) => timed('chart', name, `${base}/overview/data/${name}?${search}&format=json`, cookie)),
					timed('chart', 'kpi_trend', `${base}/overview/data/kpi_trend?${search}&grain=week&format=json`, cookie),
					timed('explain', 'explain', `${base}/overview/explain?${search}&kpi=cure_rate_30d`, cookie)
				]);
				samples.push(...out);
			}
		};
		const cheapPath = '/login';
		const cheapEvery = 200;
		const cheap = async () => {
			for (let k = 0; ; k++) {
				const next = t0 + k * cheapEvery;
				if (next >= deadline) break;
				await sleep(next - Date.now());
				samples.push(await timed('cheap', 'login', base + cheapPath, null));
			}
		};
		await Promise.all([cheap(), ...Array.from({ length: opts.users }, (_, i) => user(i))]);
		const wallMs = Date.now() - t0;

		const of = (k: Sample['kind']) => samples.filter((s) => s.kind === k);
		const load = samples.filter((s) => s.kind !== 'cheap');
		const page = stats(of('page'));
		const chart = stats(of('chart'));
		const explain = stats(of('explain'));
		const cheapStats = { ...stats(of('cheap')), path: cheapPath, every_ms: cheapEvery };
		const charts: Record<string, LatencyStats> = {};
		for (const name of [...PAGE_CHARTS, 'kpi_trend']) charts[name] = stats(of('chart').filter((s) => s.name === name));
		const errors = samples.filter(isError);
		const hitRatio = (xs: Sample[]) => {
			const told = xs.filter((s) => s.cache === 'hit' || s.cache === 'miss');
			return told.length ? +(told.filter((s) => s.cache === 'hit').length / told.length).toFixed(3) : null;
		};
		const result: LoadResult = {
			users: opts.users,
			seconds: opts.seconds,
			seed: opts.seed,
			views: views.length,
			server_ready_ms: readyAt - started,
			server_warmed_ms: warmedAt ? warmedAt - started : null,
			stale_build: stale,
			wall_ms: wallMs,
			load_average: [+loadBefore.toFixed(2), +loadavg()[0]!.toFixed(2)],
			requests: load.length,
			errors: errors.length,
			busy_503: samples.filter((s) => s.status === 503).length,
			requests_per_s: +((load.length * 1000) / wallMs).toFixed(1),
			page,
			chart,
			explain,
			charts,
			cheap: cheapStats,
			cache_hit_ratio: { page: hitRatio(of('page')), chart: hitRatio(of('chart')), explain: hitRatio(of('explain')) },
			error_samples: errors.slice(0, 5).map((s) => ({ kind: s.kind, name: s.name, status: s.status, error: s.error })),
			server_errors: [...serverErrors].map(([message, count]) => ({ message, count })),
			goals: {
				p95_within_1s: (page.p95_ms ?? Infinity) <= 1000 && (chart.p95_ms ?? Infinity) <= 1000 && (explain.p95_ms ?? 0) <= 1000,
				no_error: errors.length === 0,
				cheap_within_200ms: (cheapStats.p95_ms ?? Infinity) <= 200
			}
		};
		return result;
	} finally {
		stop();
		// the server finishes the requests under way before it exits (DuckDB queries cannot be
		// interrupted); the next step of the bench opens the store, so it is killed after 10 s
		await Promise.race([exited, sleep(10_000)]);
		if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
		await Promise.race([exited, sleep(10_000)]);
		process.removeListener('exit', stop);
	}
}

const ms = (v: number | null) => (v == null ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);
const pct = (v: number | null | undefined) => (v == null ? '—' : `${Math.round(v * 100)}%`);
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** the report's lines */
export function loadReport(r: LoadResult): string[] {
	const line = (label: string, s: LatencyStats) =>
		`  ${label.padEnd(30)} ${String(s.requests).padStart(6)} req  p50 ${ms(s.p50_ms).padStart(8)}  p95 ${ms(s.p95_ms).padStart(8)}  max ${ms(s.max_ms).padStart(8)}  errors ${s.errors}  503 ${s.busy_503}`;
	const out = [
		`${r.users} signed-in users for ${r.seconds} s (${(r.wall_ms / 1000).toFixed(1)} s with the requests under way at the end), ${r.views} views: ${r.requests} requests (${r.requests_per_s}/s), ${r.errors} errors, ${r.busy_503} answered 503 (queue full); load average ${r.load_average[0]} before, ${r.load_average[1]} after`,
		line('Overview pages', r.page),
		line('chart requests (11 per page)', r.chart),
		line('what changed (1 per page)', r.explain),
		line(`cheap page ${r.cheap.path} every ${r.cheap.every_ms} ms`, r.cheap),
		`  result cache hits: pages ${pct(r.cache_hit_ratio?.page)}, charts ${pct(r.cache_hit_ratio?.chart)}, what changed ${pct(r.cache_hit_ratio?.explain)}`,
		`  per chart p95: ${Object.entries(r.charts).map(([k, s]) => `${k} ${ms(s.p95_ms)}`).join(', ')}`,
		`  goal p95 ≤ 1 s (pages, charts, what changed): ${met(r.goals.p95_within_1s)} · no error: ${met(r.goals.no_error)} · cheap page p95 ≤ 200 ms: ${met(r.goals.cheap_within_200ms)}`
	];
	if (r.stale_build) out.push(`  warning: ${r.stale_build}`);
	for (const e of r.error_samples) out.push(`  error: ${e.kind} ${e.name} ${e.status} ${e.error ?? ''}`.trimEnd());
	for (const e of r.server_errors.slice(0, 5)) out.push(`  the server logged ${e.count}×: ${e.message}`);
	return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	const args = z
		.object({
			db: z.string().min(1),
			seconds: z.coerce.number().positive().max(3600).default(60),
			users: z.coerce.number().int().min(1).max(1000).default(50),
			seed: z.coerce.number().int().min(0).default(1),
			json: z.boolean().default(false)
		})
		.parse(parseArgs({ options: { db: { type: 'string' }, seconds: { type: 'string' }, users: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } } }).values);
	const r = await loadTest({ db: args.db, seconds: args.seconds, users: args.users, seed: args.seed, log: (l) => console.error(l) });
	if (args.json) console.log(JSON.stringify(r, null, 2));
	else for (const l of loadReport(r)) console.log(l);
}
