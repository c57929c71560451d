/**
 * Issue 17, item 3: a trail that cannot be rewritten unseen.
 * - The review deleted every sign_in_failed record and recomputed every hash with the public
 *   formula; verify said "intact". Keyed hashes make that fail.
 * - A person who does hold the key can rewrite the chain or cut its tail: signed checkpoints,
 *   kept elsewhere, find both.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { canonical } from '../../src/lib/canonical.ts';
import { exportCheckpoint, makeCheckpoint, readCheckpoints, type Checkpoint } from '../../src/lib/server/trail/checkpoints.ts';
import { keyFromSecret, loadTrailKey, signText, type TrailKey } from '../../src/lib/server/trail/key.ts';
import { recordTrail, recordHash, toRecord, verifyTrail, type TrailRecord } from '../../src/lib/server/trail/trail.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

/** what an intruder with write access to the store does: delete some records, then renumber and re-hash the rest with `hash` */
async function rewrite(store: Store, drop: (r: TrailRecord) => boolean, hash: (r: Omit<TrailRecord, 'hash'>) => string) {
	const all = (await store.rows<Record<string, unknown>>(`SELECT * FROM trail ORDER BY seq`)).map(toRecord);
	await store.rows(`DELETE FROM trail`);
	let prev = '0'.repeat(64);
	let seq = 0;
	for (const r of all.filter((x) => !drop(x))) {
		const rec = { ...r, seq: ++seq, prev_hash: prev };
		const h = hash(rec);
		await store.rows(`INSERT INTO trail VALUES ($seq, $at::TIMESTAMPTZ, $actor, $role, $action, $target, $details, $ip, $prev, $hash)`, {
			seq: BigInt(rec.seq),
			at: rec.recorded_at,
			actor: rec.actor,
			role: rec.role,
			action: rec.action,
			target: rec.target,
			details: rec.details,
			ip: rec.ip,
			prev: rec.prev_hash,
			hash: h
		});
		prev = h;
	}
}

const publicFormula = (r: Omit<TrailRecord, 'hash'>) =>
	createHash('sha256')
		.update(canonical([r.seq, r.recorded_at, r.actor, r.role ?? '', r.action, r.target ?? '', r.details ?? '', r.ip ?? '', r.prev_hash]))
		.digest('hex');

async function someSignIns(store: Store) {
	for (let i = 0; i < 3; i++) {
		await recordTrail(store, { actor: 'ann', action: 'sign_in_failed', ip: '198.51.100.7' });
		await recordTrail(store, { actor: 'ann', action: 'sign_in', ip: '198.51.100.7' });
	}
}

describe('keyed records', () => {
	test('a key is created beside the store at first open, readable by its owner only, and the trail is sealed with it', async () => {
		const file = `${t.dbPath}.trail-key`;
		expect(existsSync(file)).toBe(true);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const [seal] = await t.store.rows<{ seq: number; action: string; details: string }>(`SELECT seq, action, details FROM trail`);
		expect(seal).toMatchObject({ seq: 1, action: 'trail_keyed' });
		expect(JSON.parse(seal!.details)).toEqual({ key_id: loadTrailKey(t.dbPath)!.id, plain_records: 0 });
		// the key is not in the store
		const secret = readFileSync(file, 'utf8').trim();
		const [hit] = await t.store.rows<{ n: number }>(`SELECT count(*) AS n FROM trail WHERE contains(coalesce(details, '') || hash, $s)`, { s: secret });
		expect(hit!.n).toBe(0);
	});

	test('deleting the failed sign-ins and recomputing every hash with the public formula is found', async () => {
		await someSignIns(t.store);
		expect((await verifyTrail(t.store)).ok).toBe(true);
		await rewrite(t.store, (r) => r.action === 'sign_in_failed', publicFormula);
		const v = await verifyTrail(t.store);
		expect(v.ok).toBe(false);
		expect(v.broken).toEqual({ seq: 1, reason: 'its content does not match its keyed hash (edited, or written without the trail key)' });
		// … and so is the same rewrite dropping the seal too (the chain then holds no keyed record)
		await rewrite(t.store, (r) => r.action === 'trail_keyed', publicFormula);
		expect((await verifyTrail(t.store)).broken?.reason).toMatch(/no record carries the trail key's seal/);
	});

	test('another key, or no key, cannot verify a keyed trail; the store refuses to open without its key rather than start a new one', async () => {
		await someSignIns(t.store);
		const other = keyFromSecret('x'.repeat(44), 'test');
		expect((await verifyTrail(t.store, { key: other })).broken?.reason).toMatch(/keyed with another key/);
		expect((await verifyTrail(t.store, { key: null })).broken?.reason).toMatch(/the trail key is not here/);
		await t.store.close();
		unlinkSync(`${t.dbPath}.trail-key`);
		await expect(Store.open({ path: t.dbPath })).rejects.toThrow(/is keyed .* and its key is not here: set CUREWISE_TRAIL_KEY/);
		t.store = await Store.open({ path: t.dbPath, keyTrail: false }); // for close()
	});

	test('a store from before the keyed trail keeps its plain records, sealed by the first keyed one', async () => {
		await t.store.rows(`DELETE FROM trail`);
		await t.store.close();
		unlinkSync(`${t.dbPath}.trail-key`);
		// two records of an earlier release: plain SHA-256
		const s = await Store.open({ path: t.dbPath, keyTrail: false });
		let prev = '0'.repeat(64);
		for (const seq of [1, 2]) {
			const rec = { seq, recorded_at: new Date(Date.UTC(2026, 0, seq)).toISOString(), actor: 'ann', role: null, action: 'sign_in', target: null, details: null, ip: null, prev_hash: prev };
			const h = recordHash(rec, null);
			await s.rows(`INSERT INTO trail VALUES ($seq, $at::TIMESTAMPTZ, 'ann', NULL, 'sign_in', NULL, NULL, NULL, $prev, $h)`, { seq: BigInt(seq), at: rec.recorded_at, prev, h });
			prev = h;
		}
		await s.close();
		t.store = await Store.open({ path: t.dbPath });
		await recordTrail(t.store, { actor: 'ann', action: 'sign_out' });
		const v = await verifyTrail(t.store);
		expect(v).toMatchObject({ ok: true, records: 4, plain_records: 2 });
		const [seal] = await t.store.rows<{ seq: number; details: string }>(`SELECT seq, details FROM trail WHERE action = 'trail_keyed'`);
		expect(seal!.seq).toBe(3);
		expect(JSON.parse(seal!.details).plain_records).toBe(2);
		// the seal's count is under its keyed hash: moving the line (calling record 3 plain) breaks it
		await t.store.rows(`UPDATE trail SET details = '{"key_id":"x","plain_records":3}' WHERE seq = 3`);
		expect((await verifyTrail(t.store)).ok).toBe(false);
	});
});

describe('signed checkpoints', () => {
	test('a removed tail and a chain rewritten with the key are found against a checkpoint', async () => {
		await someSignIns(t.store);
		const file = join(t.dir, 'checkpoints.jsonl');
		const c = await makeCheckpoint(t.store, { username: 'ops' }, file);
		await exportCheckpoint(c, file);
		const key = loadTrailKey(t.dbPath)!;
		expect(await verifyTrail(t.store, { checkpoints: readCheckpoints(file, key) })).toMatchObject({ ok: true, checkpoints: { checked: 1, latest: { seq: c.seq } } });

		// the tail cut, by someone with access to the store: the chain alone looks whole
		await t.store.rows(`DELETE FROM trail WHERE seq >= $s`, { s: BigInt(c.seq - 2) });
		expect((await verifyTrail(t.store)).ok).toBe(true);
		const cut = await verifyTrail(t.store, { checkpoints: readCheckpoints(file, key) });
		expect(cut.broken).toEqual({ seq: c.seq, reason: `record ${c.seq} is missing: the checkpoint signed at ${c.signed_at} saw it (records were removed from the end of the trail)` });
	});

	test('a chain rewritten by someone holding the key passes alone but not against the checkpoint', async () => {
		await someSignIns(t.store);
		const file = join(t.dir, 'checkpoints.jsonl');
		await exportCheckpoint(await makeCheckpoint(t.store, { username: 'ops' }, file), file);
		const key = loadTrailKey(t.dbPath)!;
		await rewrite(t.store, (r) => r.action === 'sign_in_failed', (r) => recordHash(r, key));
		expect((await verifyTrail(t.store)).ok).toBe(true);
		const v = await verifyTrail(t.store, { checkpoints: readCheckpoints(file, key) });
		expect(v.ok).toBe(false);
		expect(v.broken?.reason).toMatch(/(is missing|differs from the checkpoint)/);
	});

	test('a checkpoint not signed by the store key is refused, naming its line', async () => {
		await someSignIns(t.store);
		const file = join(t.dir, 'checkpoints.jsonl');
		const good = await makeCheckpoint(t.store, { username: 'ops' }, file);
		const mallory: TrailKey = keyFromSecret('m'.repeat(40), 'mallory');
		const { signature: _s, ...rest } = good;
		const forged: Checkpoint = { ...rest, key_id: mallory.id, public_key: mallory.publicKeyText, signature: signText(mallory, canonical({ ...rest, key_id: mallory.id, public_key: mallory.publicKeyText })) };
		writeFileSync(file, JSON.stringify(good) + '\n' + JSON.stringify(forged) + '\n');
		expect(() => readCheckpoints(file, loadTrailKey(t.dbPath))).toThrow(/line 2 of .* is not signed by this trail key/);
		// and a good line with its hash altered fails the signature too
		writeFileSync(file, JSON.stringify({ ...good, hash: 'a'.repeat(64) }) + '\n');
		expect(() => readCheckpoints(file, loadTrailKey(t.dbPath))).toThrow(/line 1 of .* is not signed by this trail key/);
	});

	test('curewise trail checkpoint writes to a file or a webhook; verify checks against the file and exits 1 on a cut tail', async () => {
		await someSignIns(t.store);
		await t.store.close();
		const cli = (...args: string[]) => spawnSync(process.execPath, [resolve('bin/curewise.js'), 'trail', ...args, '--db', t.dbPath], { encoding: 'utf8', env: { ...process.env, CUREWISE_TRAIL_CHECKPOINTS: '' } });
		const file = join(t.dir, 'elsewhere.jsonl');
		const made = cli('checkpoint', '--to', file);
		expect(made.status, made.stderr).toBe(0);
		expect(made.stdout).toMatch(/checkpoint of record 8 \(key [0-9a-f]{16}\) appended to /);

		// a webhook gets the same JSON
		const got: string[] = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (d) => (body += d));
			req.on('end', () => {
				got.push(body);
				res.writeHead(204).end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as { port: number }).port;
		const sent = await new Promise<ReturnType<typeof spawnSync>>((res) => {
			// spawn asynchronously: the server answers from this process
			import('node:child_process').then(({ spawn }) => {
				const p = spawn(process.execPath, [resolve('bin/curewise.js'), 'trail', 'checkpoint', '--to', `http://127.0.0.1:${port}/hook`, '--db', t.dbPath]);
				let out = '';
				p.stdout.on('data', (d) => (out += d));
				p.on('close', (status) => res({ status, stdout: out } as ReturnType<typeof spawnSync>));
			});
		});
		server.close();
		expect(sent.status).toBe(0);
		expect(JSON.parse(got[0]!)).toMatchObject({ format: 'curewise-trail-checkpoint/1', seq: 9 });

		const ok = cli('verify', '--checkpoints', file);
		expect(ok.status, ok.stdout + ok.stderr).toBe(0);
		expect(ok.stdout).toMatch(/trail intact: 9 records verified with key [0-9a-f]{16}, 1 signed checkpoint matched/);

		const s = await Store.open({ path: t.dbPath });
		await s.rows(`DELETE FROM trail WHERE seq >= 8`);
		await s.close();
		const bad = cli('verify', '--checkpoints', file);
		expect(bad.status).toBe(1);
		expect(bad.stdout).toMatch(/trail BROKEN at record 8: record 8 is missing: the checkpoint signed at .* saw it/);
		t.store = await Store.open({ path: t.dbPath, keyTrail: false });
	});

	test('the key can come from CUREWISE_TRAIL_KEY instead of a file; a short one is refused', () => {
		expect(() => keyFromSecret('short', 'CUREWISE_TRAIL_KEY')).toThrow(/is 5 characters long; it must be at least 32/);
		const a = keyFromSecret('k'.repeat(40), 'env');
		expect(keyFromSecret('k'.repeat(40), 'file').id).toBe(a.id);
		const dir = mkdtempSync(join(tmpdir(), 'curewise-key-'));
		try {
			process.env.CUREWISE_TRAIL_KEY = 'k'.repeat(40);
			expect(loadTrailKey(join(dir, 'x.duckdb'))!.id).toBe(a.id);
			expect(existsSync(join(dir, 'x.duckdb.trail-key'))).toBe(false);
		} finally {
			delete process.env.CUREWISE_TRAIL_KEY;
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
