import { expect, test } from '@playwright/test';
import { signIn } from './auth';

// Policy packs in the browser, on the demo store: a compliance officer raises the
// Massachusetts limit from 2 to 3 with a comment and sees version 2 and its history; a bad
// edit is refused with its line and field and the text is kept; the pack is put back (a
// version 3 with limit 2), so later specs audit the shipped rules; a strategist cannot open
// the packs.

const yamlBox = (page: import('@playwright/test').Page) => page.getByLabel('Pack (YAML)');

test('a compliance officer edits the Massachusetts limit, sees the new version and its history', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/packs');
	const row = page.getByTestId('pack-us-ma');
	await expect(row).toContainText('Massachusetts debt collection regulations');
	const before = Number(await row.getByTestId('version').textContent());
	await row.getByRole('link', { name: 'Massachusetts debt collection regulations' }).click();

	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Massachusetts debt collection regulations');
	await expect(page.getByTestId('rule-ma_two_in_seven').getByTestId('limit')).toHaveText('more than 2 in 7 days, per debt');
	await page.getByTestId('edit-pack').click();

	// a bad edit: the problem is named by line and field, the text stays as sent
	const text = await yamlBox(page).inputValue();
	expect(text).toMatch(/^\s+limit: 2$/m);
	const bad = text.replace(/^(\s+)limit: 2$/m, '$1limit: three');
	await yamlBox(page).fill(bad);
	await page.getByLabel(/^Why does it change/).fill('try a word');
	await page.getByTestId('save-pack').click();
	const problems = page.getByTestId('pack-problems');
	await expect(problems).toContainText('Not saved: 1 problem');
	const limitLine = bad.split('\n').findIndex((l) => l.includes('limit: three')) + 1;
	// the field as the text shows it: the rule by its number and id, not rules.0.limit
	await expect(problems).toContainText(`line ${limitLine}, rule 1 (ma_two_in_seven), limit`);
	await expect(yamlBox(page)).toHaveValue(bad);
	await expect(page.getByLabel(/^Why does it change/)).toHaveValue('try a word');
	// the "go to line" button selects the line in the text
	await problems.getByRole('button', { name: `go to line ${limitLine}` }).click();
	expect(await yamlBox(page).evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd))).toMatch(/limit: three/);

	// broken YAML: its line
	await yamlBox(page).fill(text.replace('applies_to: [US-MA]', 'applies_to: [US-MA'));
	await page.getByTestId('save-pack').click();
	await expect(page.getByTestId('pack-problems')).toContainText('not valid YAML');
	await expect(page.getByTestId('pack-problems')).toContainText(/line \d+/);

	// the edit that is meant: 2 → 3, with a comment
	await yamlBox(page).fill(text.replace(/^(\s+)limit: 2$/m, '$1limit: 3'));
	await page.getByLabel(/^Why does it change/).fill('Counsel: the limit is 3 in 7 days from 2027');
	await page.getByTestId('save-pack').click();

	await expect(page).toHaveURL(new RegExp(`/compliance/packs/us-ma\\?saved=${before + 1}$`));
	await expect(page.getByTestId('pack-saved')).toContainText(`Saved as version ${before + 1}`);
	await expect(page.getByTestId('shown-version')).toHaveText(String(before + 1));
	await expect(page.getByTestId('rule-ma_two_in_seven').getByTestId('limit')).toHaveText('more than 3 in 7 days, per debt');
	await expect(page.getByTestId('pack-changes')).toContainText('2 → 3');
	await expect(page.getByTestId('pack-yaml')).toContainText(`version: ${before + 1}`);
	const history = page.getByTestId('pack-history');
	await expect(history.getByTestId(`version-${before + 1}`)).toContainText('e2e-compliance');
	await expect(history.getByTestId(`version-${before + 1}`)).toContainText('Counsel: the limit is 3 in 7 days from 2027');
	await expect(history.getByTestId(`version-${before + 1}`)).toContainText('in force');
	await expect(history.getByTestId(`version-${before}`)).toBeVisible();

	// the older version is still there, as it was
	await history.getByRole('link', { name: String(before), exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`version=${before}$`));
	await expect(page.getByTestId('rule-ma_two_in_seven').getByTestId('limit')).toHaveText('more than 2 in 7 days, per debt');
	await expect(page.getByText(`Version ${before + 1} is in force`)).toBeVisible();

	// the list shows the version in force; the trail has the change
	await page.goto('/compliance/packs');
	await expect(page.getByTestId('pack-us-ma').getByTestId('version')).toHaveText(String(before + 1));
	await page.goto('/trail?action=policy_pack.save');
	await expect(page.locator('main')).toContainText('us-ma');

	// put the shipped limit back (a new version: nothing is overwritten), for the specs after this one
	await page.goto('/compliance/packs/us-ma/edit');
	await yamlBox(page).fill(text);
	await page.getByLabel(/^Why does it change/).fill('e2e: back to the shipped limit');
	await page.getByTestId('save-pack').click();
	await expect(page.getByTestId('shown-version')).toHaveText(String(before + 2));
	await expect(page.getByTestId('rule-ma_two_in_seven').getByTestId('limit')).toHaveText('more than 2 in 7 days, per debt');
});

test('saving without a change is refused', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/packs/us-wa/edit');
	await page.getByLabel(/^Why does it change/).fill('no change');
	await page.getByTestId('save-pack').click();
	await expect(page.getByTestId('pack-problems')).toContainText('nothing changed');
});

test('a strategist cannot open the policy packs', async ({ page }) => {
	await signIn(page, 'strategist');
	for (const path of ['/compliance/packs', '/compliance/packs/us-ma', '/compliance/packs/us-ma/edit', '/compliance/packs/new']) {
		const r = await page.goto(path);
		expect(r?.status(), path).toBe(403);
	}
});
