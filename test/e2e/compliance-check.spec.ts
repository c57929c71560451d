import { expect, test } from '@playwright/test';
import { signIn } from './auth';

// The message and cadence check at /compliance/check (strategists, compliance, admins) and
// the same checks in the experiment draft form, live as the strategist types, on the shipped
// rules (policies/messages/message-check.yaml) and packs (policies/*.yaml).

test('a strategist pastes a threatening text and sees the phrases highlighted with the rule behind each', async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/compliance/check');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Message and cadence check');
	await expect(page.getByTestId('message-empty')).toBeVisible();

	await page.getByLabel('Channel').first().selectOption('sms');
	await page.getByLabel(/^Text/).fill('This is a communication from a debt collector. Pay today or we will tell your employer. Deadbeats end up in jail, not in a jailbreak.');
	const result = page.getByTestId('message-result');
	// live: no submit needed
	const marks = result.getByTestId('highlight');
	await expect(marks).toHaveCount(3);
	await expect(marks.nth(0)).toContainText('we will tell your employer');
	await expect(marks.nth(1)).toContainText('Deadbeats');
	await expect(marks.nth(2)).toContainText(/^jail/);
	const problems = result.getByTestId('message-problems').locator('li');
	await expect(problems).toHaveCount(4);
	await expect(problems.nth(0)).toContainText('does not say how to opt out');
	await expect(problems.nth(0)).toContainText('12 CFR 1006.6(e)');
	await expect(problems.nth(1)).toContainText('"we will tell your employer": threatens to tell a third party about the debt');
	await expect(problems.nth(1)).toContainText('15 U.S.C. 1692c(b); 12 CFR 1006.6(d)');
	await expect(result.getByRole('status')).toContainText('✗ 4 must be fixed');

	// fixing the text clears the problems as you type
	await page.getByLabel(/^Text/).fill('This is a communication from a debt collector. Your payment is past due: {link}. Reply STOP to opt out.');
	await expect(result.getByTestId('highlight')).toHaveCount(0);
	await expect(result.getByRole('status')).toContainText('no problem found');

	// a call script needs no opt-out instruction, but the disclosure
	await page.getByLabel('Channel').first().selectOption('call');
	await page.getByLabel(/^Text/).fill('Hello, this is Sam from Acme about your account.');
	await expect(result.getByTestId('message-problems').locator('li')).toHaveCount(1);
	await expect(result.getByTestId('message-problems')).toContainText('The call script does not say it is from a debt collector');
});

test('the cadence check says which packs a plan breaks, and for which regions', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/check');
	// typed before the scripts take over, a number could land beside the value they restore ("11")
	await page.locator('html[data-hydrated]').waitFor();
	const form = page.getByRole('region', { name: 'Cadence check' });
	await form.getByLabel('Channel').selectOption('call');
	await form.getByLabel('Contacts a day').fill('1');
	await form.getByLabel('Days a week').fill('7');
	await form.getByLabel('From hour').fill('9');
	await form.getByLabel('Until hour').fill('20');
	await expect(page.getByTestId('cadence-summary')).toHaveText(/breaks 3 packs\s+us-ma for accounts in US-MA; us-nyc for accounts in New York City \(US-NY\); us-wa for accounts in US-WA\./);
	await expect(page.getByTestId('cadence-pack-regulation-f')).toContainText('1 call a day, 7 days a week is at most 7 calls in 7 consecutive days');

	await form.getByLabel('Contacts a day').fill('2');
	await form.getByLabel('From hour').fill('7');
	await expect(page.getByTestId('cadence-summary')).toContainText('breaks 4 packs');
	await expect(page.getByTestId('cadence-pack-regulation-f')).toContainText('up to 14 calls in 7 consecutive days, more than the 7 allowed');
	await expect(page.getByTestId('cadence-pack-regulation-f')).toContainText('The planned hours 07:00–20:00 start before 08:00');

	// only the accounts' regions matter when they are given
	await form.getByLabel(/^Regions of the accounts/).fill('US-CA');
	await expect(page.getByTestId('cadence-summary')).toHaveText(/breaks 1 pack\s+regulation-f for every account\./);
	await expect(page.getByTestId('cadence-pack-us-ma')).toContainText('not applicable');
});

test('without JavaScript the form actions answer the same', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, 'admin');
	await page.goto('/compliance/check');
	await page.getByLabel(/^Text/).fill('Pay now or face arrest.');
	await page.getByRole('button', { name: 'Check the text' }).click();
	await expect(page.getByTestId('message-result').getByTestId('highlight')).toContainText('arrest');
	await expect(page.getByLabel(/^Text/)).toHaveValue('Pay now or face arrest.');

	const form = page.getByRole('region', { name: 'Cadence check' });
	await form.getByLabel('Contacts a day').fill('8');
	await form.getByRole('button', { name: 'Check the cadence' }).click();
	await expect(page.getByTestId('cadence-pack-regulation-f')).toContainText('8 calls a day to one number reaches the 7 that raises the flag');
	await form.getByLabel('Until hour').fill('');
	await form.getByRole('button', { name: 'Check the cadence' }).click();
	await expect(page.getByRole('region', { name: 'Cadence check' }).getByRole('alert')).toContainText('Until hour: give both hours (from and until), or neither');
	await context.close();
});

test('the experiment draft form shows the real check results as the strategist types', async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/experiments/new');
	const arm = page.getByTestId('arm-1');
	const checks = arm.getByTestId('message-checks');
	await expect(checks.getByTestId('message-check')).toContainText('not checked');
	await arm.getByLabel(/^Text/).fill('Pay today or we will tell your employer. Reply STOP to opt out.');
	await expect(checks.getByTestId('message-check')).toContainText('✗ 2 problems');
	await expect(checks.getByTestId('highlight')).toContainText('we will tell your employer');
	await expect(checks.getByTestId('message-check')).toContainText('does not say it is from a debt collector');
	await arm.getByLabel(/^Text/).fill('This is a communication from a debt collector. Pay today at {link}. Reply STOP to opt out.');
	await expect(checks.getByTestId('message-check')).toContainText('✓ no problem found');

	await expect(checks.getByTestId('cadence-check')).toContainText('there is no planned cadence');
	await arm.getByLabel('Contacts a day').fill('1');
	await expect(checks.getByTestId('cadence-check')).toContainText('breaks us-ma for accounts in US-MA');
	await arm.getByLabel('From hour').fill('7');
	await arm.getByLabel('To hour').fill('20');
	await expect(checks.getByTestId('cadence-check')).toContainText('The planned hours 07:00–20:00 start before 08:00');

	// the same message opens in /compliance/check, both forms filled
	const href = await checks.getByRole('link', { name: /Open in the message and cadence check/ }).getAttribute('href');
	await page.goto(href!);
	await expect(page.getByLabel(/^Text/)).toHaveValue('This is a communication from a debt collector. Pay today at {link}. Reply STOP to opt out.');
	await expect(page.getByTestId('message-result').getByRole('status')).toContainText('no problem found');
	await expect(page.getByRole('region', { name: 'Cadence check' }).getByLabel('From hour')).toHaveValue('7');
	await expect(page.getByTestId('cadence-pack-regulation-f')).toContainText('The planned hours 07:00–20:00 start before 08:00');
});
