import type { Page } from '@playwright/test';

/**
 * Holds the app's scripts back until the returned function is called: the page is there, but
 * not yet hydrated (a slow connection, or a server busy with the work after an import).
 */
export async function holdAppScripts(page: Page): Promise<() => void> {
	let release!: () => void;
	const gate = new Promise<void>((r) => (release = r));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await gate;
		await route.continue();
	});
	return release;
}
