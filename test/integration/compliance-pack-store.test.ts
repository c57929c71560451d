/**
 * Policy packs as versions in a real DuckDB store: the policies folder is loaded as versions,
 * a re-sync changes nothing, a file with a raised version adds one, an in-place edit is
 * reported and not stored; a save from the product adds a version (the latest + 1, whatever
 * the text says), keeps the history, refuses bad text with its line or field, an empty comment
 * and an unchanged pack, and is in the trail.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { currentPacks, packHistory, packVersion, savePack, syncPackFiles, yamlHash } from '../../src/lib/server/compliance/pack-store.ts';
import { listTrail, verifyTrail } from '../../src/lib/server/trail/trail.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let dir: string;
const user = { username: 'comp', role: 'compliance' };
const ma = () => readFileSync(join(dir, 'us-ma.yaml'), 'utf8');
const stored = async () => (await t.store.rows<{ pack_id: string; version: number; source: string }>('SELECT pack_id, version, source FROM policy_pack_versions ORDER BY ALL')).map((r) => `${r.pack_id}@${r.version}:${r.source}`);

beforeEach(async () => {
	t = await tempStore();
	dir = join(t.dir, 'policies');
	mkdirSync(dir);
	// the shipped packs, each as version 1 (their versions rise as their rules change; this test is about versions)
	for (const f of readdirSync('policies').filter((f) => f.endsWith('.yaml'))) writeFileSync(join(dir, f), readFileSync(join('policies', f), 'utf8').replace(/^version: \d+$/m, 'version: 1'));
});
afterEach(() => t.close());

describe('the policies folder', () => {
	test('is loaded as version 1 of the four packs; a re-sync is a no-op', async () => {
		expect(await syncPackFiles(t.store, { dir })).toEqual([]);
		expect(await stored()).toEqual(['regulation-f@1:file', 'us-ma@1:file', 'us-nyc@1:file', 'us-wa@1:file']);
		const [row] = await t.store.rows<{ yaml: string; hash: string; saved_by: string | null; comment: string }>(`SELECT * FROM policy_pack_versions WHERE pack_id = 'us-ma'`);
		expect(row!.yaml).toBe(ma());
		expect(row!.hash).toBe(yamlHash(ma()));
		expect(row!.saved_by).toBeNull();
		expect(row!.comment).toBe('loaded from policies/us-ma.yaml');

		const before = await t.store.rows('SELECT * FROM policy_pack_versions ORDER BY ALL');
		expect(await syncPackFiles(t.store, { dir })).toEqual([]);
		expect(await t.store.rows('SELECT * FROM policy_pack_versions ORDER BY ALL')).toEqual(before);

		const packs = await currentPacks(t.store, { dir });
		expect(packs.map((p) => [p.pack.id, p.version, p.source])).toEqual([
			['regulation-f', 1, 'file'],
			['us-ma', 1, 'file'],
			['us-nyc', 1, 'file'],
			['us-wa', 1, 'file']
		]);
		expect(packs[1]!.pack.rules[0]).toMatchObject({ id: 'ma_two_in_seven', limit: 2 });
	});

	test('a file with a raised version adds a version; an in-place edit is reported and not stored', async () => {
		await syncPackFiles(t.store, { dir });
		writeFileSync(join(dir, 'us-ma.yaml'), ma().replace('version: 1', 'version: 2').replace('limit: 2', 'limit: 4'));
		expect(await syncPackFiles(t.store, { dir })).toEqual([]);
		expect(await stored()).toContain('us-ma@2:file');
		expect((await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-ma')).toMatchObject({ version: 2, pack: { rules: [{ limit: 4 }] } });

		// the same version, other content: reported, the stored version stays
		writeFileSync(join(dir, 'us-ma.yaml'), ma().replace('limit: 4', 'limit: 5'));
		expect(await syncPackFiles(t.store, { dir })).toEqual(['policies/us-ma.yaml: version 2 is already stored with other content; raise version to change it']);
		expect((await stored()).filter((s) => s.startsWith('us-ma'))).toEqual(['us-ma@1:file', 'us-ma@2:file']);
		const current = (await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-ma')!;
		expect(current.pack.rules[0]).toMatchObject({ limit: 4 });

		// an invalid file is reported with its field
		writeFileSync(join(dir, 'us-wa.yaml'), readFileSync(join(dir, 'us-wa.yaml'), 'utf8').replace(/kind: \w+/, 'kind: severe'));
		const problems = await syncPackFiles(t.store, { dir });
		expect(problems).toContain('policies/us-wa.yaml: rules.0.kind: kind is presumed_violation, violation or risk_flag');
	});

	test('currentPacks sees a changed file without a restart', async () => {
		expect((await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-nyc')!.version).toBe(1);
		writeFileSync(join(dir, 'us-nyc.yaml'), readFileSync(join(dir, 'us-nyc.yaml'), 'utf8').replace('version: 1', 'version: 3') + '\n');
		expect((await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-nyc')!.version).toBe(3);
	});
});

describe('a save from the product', () => {
	test('adds the next version, keeps the history and is in the trail', async () => {
		await syncPackFiles(t.store, { dir });
		// the text still says version 1: the store sets 2
		const r = await savePack(t.store, { yaml: ma().replace('limit: 2', 'limit: 3'), comment: 'MA limit raised after counsel review', user, id: 'us-ma' }, { dir });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.previous).toBe(1);
		expect(r.stored).toMatchObject({ version: 2, source: 'product', saved_by: 'comp', comment: 'MA limit raised after counsel review', pack: { version: 2, rules: [{ limit: 3 }] } });
		expect(r.stored.yaml).toMatch(/^version: 2$/m);
		expect(r.stored.yaml).toMatch(/^# Massachusetts/); // comments and layout kept
		expect(r.stored.hash).toBe(yamlHash(r.stored.yaml));

		const current = (await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-ma')!;
		expect(current).toMatchObject({ version: 2, pack: { rules: [{ limit: 3 }] } });
		expect((await packHistory(t.store, 'us-ma', { dir })).map((h) => [h.version, h.source, h.saved_by, h.comment])).toEqual([
			[2, 'product', 'comp', 'MA limit raised after counsel review'],
			[1, 'file', null, 'loaded from policies/us-ma.yaml']
		]);
		// the old version is still there, unchanged
		expect((await packVersion(t.store, 'us-ma', 1, { dir }))!.yaml).toBe(ma());
		expect(await packVersion(t.store, 'us-ma', 7, { dir })).toBeNull();

		// a re-sync of the unchanged folder keeps version 2 in force
		expect(await syncPackFiles(t.store, { dir })).toEqual([]);
		expect((await currentPacks(t.store, { dir })).find((p) => p.pack.id === 'us-ma')!.version).toBe(2);

		const trail = await listTrail(t.store, { action: 'policy_pack.save' });
		expect(trail).toHaveLength(1);
		expect(trail[0]).toMatchObject({ actor: 'comp', role: 'compliance', target: 'us-ma' });
		expect(JSON.parse(trail[0]!.details!)).toMatchObject({ pack_id: 'us-ma', version: 2, previous_version: 1, hash: r.stored.hash, comment: 'MA limit raised after counsel review' });
		expect((await verifyTrail(t.store)).ok).toBe(true);
	});

	test('a new id is a new pack at version 1; an existing id is refused on the new-pack form', async () => {
		const text = ma().replace('id: us-ma', 'id: us-ct').replace('version: 1', 'version: 9').replace('[US-MA]', '[US-CT]');
		const r = await savePack(t.store, { yaml: text, comment: 'Connecticut', user, isNew: true }, { dir });
		expect(r.ok && [r.stored.pack.id, r.stored.version, r.previous]).toEqual(['us-ct', 1, null]);
		expect((await currentPacks(t.store, { dir })).map((p) => p.pack.id)).toEqual(['regulation-f', 'us-ct', 'us-ma', 'us-nyc', 'us-wa']);
		const again = await savePack(t.store, { yaml: ma(), comment: 'x', user, isNew: true }, { dir });
		expect(again.ok).toBe(false);
		expect(!again.ok && again.problems[0]).toMatchObject({ field: 'id', message: expect.stringContaining('pack us-ma exists already') });
		// the edit form of one pack cannot save another
		const other = await savePack(t.store, { yaml: text.replace('limit: 2', 'limit: 1'), comment: 'x', user, id: 'us-ma' }, { dir });
		expect(!other.ok && other.problems[0]!.field).toBe('id');
	});

	test('refuses invalid YAML with its line, a bad field with its path, an empty comment and an unchanged pack; nothing is stored', async () => {
		await syncPackFiles(t.store, { dir });
		const before = await stored();

		const syntax = await savePack(t.store, { yaml: ma().replace('applies_to: [US-MA]', 'applies_to: [US-MA'), comment: 'x', user, id: 'us-ma' }, { dir });
		expect(syntax.ok).toBe(false);
		if (!syntax.ok) {
			expect(syntax.problems[0]!.message).toMatch(/^not valid YAML/);
			expect(syntax.problems[0]!.line).toBeGreaterThanOrEqual(5);
		}

		const field = await savePack(t.store, { yaml: ma().replace('limit: 2', 'limit: two').replace('channels: [call', 'channels: [fax'), comment: 'x', user, id: 'us-ma' }, { dir });
		expect(field.ok).toBe(false);
		if (!field.ok) {
			expect(field.problems).toEqual([
				{ field: 'rules.0.limit', line: 13, message: expect.any(String) },
				{ field: 'rules.0.counts.channels.0', line: 17, message: expect.stringMatching(/^channels are call, sms/) }
			]);
		}

		const noComment = await savePack(t.store, { yaml: ma().replace('limit: 2', 'limit: 3'), comment: '   ', user, id: 'us-ma' }, { dir });
		expect(!noComment.ok && noComment.problems).toEqual([{ field: 'comment', line: null, message: expect.stringContaining('comment is required') }]);

		const unchanged = await savePack(t.store, { yaml: ma().replace('# Massachusetts', '# MA'), comment: 'nothing', user, id: 'us-ma' }, { dir });
		expect(!unchanged.ok && unchanged.problems[0]!.message).toMatch(/^nothing changed/);

		expect(await stored()).toEqual(before);
		expect(await listTrail(t.store, { action: 'policy_pack.save' })).toEqual([]);
	});
});
