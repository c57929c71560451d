/** Masking of identifiers for roles without account-level access. */
import { canSeeAccounts, type Role } from './roles.ts';

/** "ACC-0012345" → "ACC•••••345": keeps enough to tell two apart in a list, not to look one up */
export function maskId(id: string | null | undefined): string | null {
	if (id == null) return null;
	if (id.length <= 4) return '••••';
	return id.slice(0, 3) + '•'.repeat(Math.max(3, id.length - 6)) + id.slice(-3);
}

export const maskFor = (role: Role | null | undefined) => (id: string | null | undefined) => (canSeeAccounts(role) ? (id ?? null) : maskId(id));
