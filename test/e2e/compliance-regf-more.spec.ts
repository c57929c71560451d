import { expect, test } from '@playwright/test';
import { signIn } from './auth';

// More of Regulation F (docs/compliance-regf-more.md), on the demo store: a compliance officer sees
// the three new rules on the pack page by their titles and citations, and their findings in the
// overview's table by rule; the demo carries the data they need, so no rule is "not checked".

const RULES = [
	['contact_while_represented', 'Contact with the consumer after learning an attorney represents them for the debt', '12 CFR 1006.6(b)(2)'],
	['repeat_location_inquiry', "More than one communication with the same third party about the consumer's location", '12 CFR 1006.10(c)'],
	['credit_report_before_contact', 'Debt reported to a credit bureau before the consumer was told about it', '12 CFR 1006.30(a)(1)']
] as const;

test('the new Regulation F rules are on the pack page and in the findings by rule', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/packs/regulation-f');
	for (const [id, title, citation] of RULES) {
		const row = page.getByTestId(`rule-${id}`);
		await expect(row).toContainText(title);
		await expect(row).toContainText(citation);
	}
	await expect(page.getByTestId('rule-credit_report_before_contact').getByTestId('limit')).toHaveText('a letter or message 14 days before, or a conversation');
	// the exceptions, in the rules' own row
	await expect(page.getByTestId('rule-inconvenient_hours').getByTestId('limit')).toHaveText('allowed 08:00–21:00 local time, and at times the person agreed to');
	await expect(page.getByTestId('rule-contact_after_opt_out').getByTestId('limit')).toHaveText('one confirmation allowed, and one reply within 24 h to the person’s own contact');
	await expect(page.getByTestId('rule-contact_after_cease').getByTestId('limit')).toHaveText('the notices that efforts end or remedies apply allowed');

	await page.goto('/compliance');
	const byRule = page.getByTestId('by-rule');
	for (const [, title] of RULES) await expect(byRule).toContainText(title);
	await expect(page.getByTestId('not-checked')).toHaveCount(0);
	// one click from the rule's row to its findings
	await byRule.getByRole('row').filter({ hasText: RULES[1][1] }).getByRole('link').first().click();
	await expect(page).toHaveURL(/rule=repeat_location_inquiry/);
	await expect(page.locator('body')).toContainText('communication number 2 with the same third party');
});
