/**
 * The control socket's protocol: a Unix domain socket beside the store (<store>.sock, mode
 * 0600), one command per connection. The command line sends one line of JSON, a Request; the
 * server answers with lines of JSON, `{"out": text}` and `{"err": text}` as the command
 * prints them, then `{"exit": status}`.
 */
import { z } from 'zod';

/** the store's control socket: beside the store, so whoever may read the store may use it */
export const controlSocketPath = (storePath: string) => `${storePath}.sock`;

/** a Unix socket's path holds at most 107 bytes on Linux and 103 on macOS */
export const MAX_SOCKET_PATH_BYTES = 103;

/** the longest request line (a command line and a password are far shorter) */
export const MAX_REQUEST_BYTES = 64 * 1024;

export const requestSchema = z.object({
	v: z.literal(1),
	/** the command line after `curewise`, --db left out, file options made absolute */
	argv: z.array(z.string().max(4096)).min(1).max(64),
	/** who runs it (the operating-system user name): the trail's actor is cli:<user> */
	user: z
		.string()
		.min(1)
		.max(128)
		.regex(/^[\w.@-]+$/),
	/** standard input (a new password) when the command reads it, else null */
	input: z.string().max(16 * 1024).nullable()
});
export type Request = z.infer<typeof requestSchema>;

export type Reply = { out: string } | { err: string } | { exit: number };
