import { expect, type Page } from '@playwright/test';

/** the e2e users, one per role, made by scripts/e2e.js */
export const ROLES = ['leadership', 'strategist', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const PASSWORD = 'e2e-password-not-secret';

export async function signIn(page: Page, role: Role) {
	await page.goto('/login');
	await page.getByLabel('Username').fill(`e2e-${role}`);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('current-user')).toContainText(`e2e-${role}`);
}
