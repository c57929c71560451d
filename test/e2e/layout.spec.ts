import { expect, test } from '@playwright/test';
import { signIn, type Role } from './auth';

// Every page a role may open fits a phone (390 px) without sideways scrolling of the page itself:
// wide tables scroll inside their own box. Found by looking: the experiment form and the report's
// findings table once pushed the page 190 and 333 px past the screen's edge.

const PAGES: Record<Role, string[]> = {
	leadership: ['/', '/overview', '/experiments', '/experiments/supportive-reminder', '/experiments/alerts'],
	strategist: ['/experiments/new', '/experiments/supportive-reminder/edit', '/compliance/check'],
	compliance: ['/compliance', '/compliance/findings', '/compliance/ranked', '/compliance/report', '/compliance/packs', '/compliance/packs/regulation-f', '/compliance/packs/new', '/trail'],
	admin: ['/data', '/admin/users']
};

test.use({ viewport: { width: 390, height: 900 } });

for (const [role, pages] of Object.entries(PAGES) as [Role, string[]][]) {
	test(`${role}: every page fits 390 px`, async ({ page }) => {
		test.setTimeout(180_000);
		await signIn(page, role);
		const over: string[] = [];
		for (const path of pages) {
			const res = await page.goto(path);
			expect(res?.status(), path).toBe(200);
			await page.waitForSelector('html[data-hydrated]');
			const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
			if (scroll > client + 1) over.push(`${path}: ${scroll - client} px past the edge`);
		}
		expect(over, 'pages wider than the screen').toEqual([]);
	});
}
