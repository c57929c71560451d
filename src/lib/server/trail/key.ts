/**
 * The trail key: a secret that lives outside the store and keys the trail.
 *
 * - Each record's hash is an HMAC-SHA256 under a key derived from the secret, so a person who
 *   can write to the store but does not hold the secret cannot recompute the chain after
 *   removing or editing a record.
 * - Checkpoints (the chain's head at a moment) are signed with an Ed25519 key derived from the
 *   same secret; kept off the machine, they reveal a removed tail or a chain rewritten by
 *   someone who did get the secret.
 *
 * Where the secret comes from, first match wins:
 *   CUREWISE_TRAIL_KEY       the secret itself (at least 32 characters; base64 of 32 random bytes is usual)
 *   CUREWISE_TRAIL_KEY_FILE  a file holding it
 *   <store>.trail-key        beside the store file; created (mode 0600) at first start when
 *                            neither of the above is set
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface TrailKey {
	/** HMAC key for records */
	recordKey: Buffer;
	signingKey: KeyObject;
	publicKey: KeyObject;
	/** the public key as base64 (SubjectPublicKeyInfo DER): what a checkpoint carries */
	publicKeyText: string;
	/** 16 hex characters naming the key without revealing it */
	id: string;
	/** where the secret came from, for messages */
	source: string;
}

export class TrailKeyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TrailKeyError';
	}
}

const MIN_SECRET = 32;
// PKCS#8 prefix of an Ed25519 private key: the 32-byte seed follows
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function keyFilePath(storePath: string): string {
	return process.env.CUREWISE_TRAIL_KEY_FILE || `${storePath}.trail-key`;
}

/** the key made from a secret (pure: the same secret always gives the same key) */
export function keyFromSecret(secret: string, source: string): TrailKey {
	const s = secret.trim();
	if (s.length < MIN_SECRET) throw new TrailKeyError(`the trail key from ${source} is ${s.length} characters long; it must be at least ${MIN_SECRET}`);
	const recordKey = createHmac('sha256', s).update('curewise audit trail: records').digest();
	const seed = createHmac('sha256', s).update('curewise audit trail: checkpoints').digest();
	const signingKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
	const publicKey = createPublicKey(signingKey);
	const der = publicKey.export({ format: 'der', type: 'spki' });
	return {
		recordKey,
		signingKey,
		publicKey,
		publicKeyText: der.toString('base64'),
		id: createHash('sha256').update(der).digest('hex').slice(0, 16),
		source
	};
}

/** the key for this store, or null when none is set and none has been created */
export function loadTrailKey(storePath: string): TrailKey | null {
	const env = process.env.CUREWISE_TRAIL_KEY;
	if (env) return keyFromSecret(env, 'CUREWISE_TRAIL_KEY');
	const file = keyFilePath(storePath);
	if (!existsSync(file)) {
		if (process.env.CUREWISE_TRAIL_KEY_FILE) throw new TrailKeyError(`the trail key file ${file} (CUREWISE_TRAIL_KEY_FILE) does not exist`);
		return null;
	}
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		throw new TrailKeyError(`the trail key file ${file} cannot be read: ${e instanceof Error ? e.message : e}`);
	}
	return keyFromSecret(text, file);
}

/** the key for this store, created beside it (readable by its owner only) when there is none */
export function ensureTrailKey(storePath: string): TrailKey {
	const found = loadTrailKey(storePath);
	if (found) return found;
	const file = keyFilePath(storePath);
	// 'wx': never overwrite a key another process created meanwhile
	try {
		writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new TrailKeyError(`the trail key file ${file} cannot be created: ${e instanceof Error ? e.message : e}`);
	}
	return loadTrailKey(storePath)!;
}

export function hmacHex(key: TrailKey, text: string): string {
	return createHmac('sha256', key.recordKey).update(text).digest('hex');
}

export function signText(key: TrailKey, text: string): string {
	return sign(null, Buffer.from(text), key.signingKey).toString('base64');
}

export function verifySignature(publicKeyText: string, text: string, signature: string): boolean {
	try {
		const pub = createPublicKey({ key: Buffer.from(publicKeyText, 'base64'), format: 'der', type: 'spki' });
		return verify(null, Buffer.from(text), pub, Buffer.from(signature, 'base64'));
	} catch {
		return false;
	}
}
