import { defineConfig, devices } from '@playwright/test';

// Run through `npm run test:e2e` (scripts/e2e.js), which builds the app, creates a demo
// store, starts `node build` and sets BASE_URL / CUREWISE_E2E_DB for these tests.
// Browsers cannot be downloaded here: we use Debian's Chromium (apt-get install chromium).

const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.spec.ts',
	// Paths here are relative to this file: artifacts go to <repo>/test-results/e2e.
	// (Not <repo>/test-results itself: Playwright empties its outputDir at start, and the
	// JSON reports of scripts/test.js live there.)
	outputDir: '../../test-results/e2e',
	workers: 1,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 10_000 },
	forbidOnly: !!process.env.CI,
	fullyParallel: false,
	// scripts/e2e.js overrides this with `--reporter=list,json` and PLAYWRIGHT_JSON_OUTPUT_FILE.
	reporter: [['list'], ['json', { outputFile: '../../test-results/playwright.json' }]],
	use: {
		baseURL: process.env.BASE_URL,
		screenshot: 'only-on-failure',
		trace: 'off',
		video: 'off'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
					args: CHROMIUM_ARGS
				}
			}
		}
	]
});
