/**
 * The request a trail record is written in: the server hook runs every request inside
 * requestContext.run({ ip }), so that recordTrail gives every record written while answering it
 * the client's address, whichever code writes it (a pack save, a draft, an export, …). Outside a
 * request (the CLI, background work) there is none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const requestContext = new AsyncLocalStorage<{ ip: string | null }>();

/** the address of the request being answered, if any */
export const requestIp = (): string | null => requestContext.getStore()?.ip ?? null;
