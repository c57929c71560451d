/**
 * The menu as the pages get it. It is built on the server from the access table
 * (src/lib/server/nav.ts over src/lib/server/auth/roles.ts): a role gets only the links it may
 * open, so no link shown leads to a 403.
 */
export type MenuLink = { href: string; label: string };

/** a top-level entry of the menu: its own page, and the section's other pages (the sub-menu) */
export type MenuSection = MenuLink & { blurb: string; pages: MenuLink[] };
