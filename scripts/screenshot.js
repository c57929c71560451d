#!/usr/bin/env node
// Screenshot a page with Debian's Chromium (playwright-core; no browser download needed).
//
//   node scripts/screenshot.js URL OUT.png [--width 1280] [--height 900] [--full] [--wait MS]
//
// --full   capture the whole scrollable page, not just the viewport
// --wait   extra milliseconds to wait after the page has loaded (e.g. for charts to animate)
// CHROMIUM_PATH overrides /usr/bin/chromium (install it with `apt-get install -y chromium`).
// Exit code: 0 ok, 1 error (no browser, page unreachable), 2 bad usage, 3 the page answered
// HTTP >= 400 (the screenshot is still written). Page errors and console errors go to stderr.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const USAGE = 'usage: node scripts/screenshot.js URL OUT.png [--width 1280] [--height 900] [--full] [--wait MS]';
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];

function parseArgs(argv) {
	const opts = { width: 1280, height: 900, full: false, wait: 0, positional: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s) : [arg];
		const value = () => {
			const v = inline ?? argv[++i];
			const n = Number(v);
			if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`);
			return n;
		};
		if (flag === '--width') opts.width = value();
		else if (flag === '--height') opts.height = value();
		else if (flag === '--wait') opts.wait = value();
		else if (flag === '--full' || flag === '--full-page') opts.full = true;
		else if (flag === '-h' || flag === '--help') {
			console.log(USAGE);
			process.exit(0);
		} else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
		else opts.positional.push(arg);
	}
	if (opts.positional.length !== 2) throw new Error('expected URL and OUT.png');
	return opts;
}

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (err) {
		console.error(`${err.message}\n${USAGE}`);
		return 2;
	}
	const [url, out] = opts.positional;
	const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	if (!existsSync(executablePath)) {
		console.error(`No Chromium at ${executablePath}: run \`apt-get update && apt-get install -y chromium\` or set CHROMIUM_PATH.`);
		return 1;
	}

	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	try {
		const page = await browser.newPage({ viewport: { width: opts.width, height: opts.height } });
		page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
		page.on('console', (msg) => {
			if (msg.type() === 'error') console.error(`[console.error] ${msg.text()}`);
		});
		const response = await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
		// Let client-side data loads settle, but do not hang on long-polling pages.
		await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
		if (opts.wait) await page.waitForTimeout(opts.wait);
		mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
		await page.screenshot({ path: out, fullPage: opts.full });
		const status = response?.status() ?? 'no response';
		console.log(`${out} (${opts.width}x${opts.height}${opts.full ? ', full page' : ''}; ${url} -> HTTP ${status})`);
		return typeof status === 'number' && status >= 400 ? 3 : 0;
	} finally {
		await browser.close();
	}
}

main().then(
	(code) => process.exit(code),
	(err) => {
		console.error(err?.message ?? err);
		process.exit(1);
	}
);
