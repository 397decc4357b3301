import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync, zipSync } from 'fflate';
import { DbUpdateError, importAdvisories, openDb, updateDb } from '.';
import { readPointer } from './store';
import { parseModifiedIds } from './update';
import { supportedEcosystems } from '../analyzers';
import { allZipsOf, Mirror } from '../../../../test/helpers/osv-mirror';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');

function modifiedIdCsv(zip: Buffer, overrides: Record<string, string> = {}): string {
  const rows = Object.values(unzipSync(zip)).map((data) => {
    const record = JSON.parse(Buffer.from(data).toString('utf8'));
    return { modified: record.modified as string, id: record.id as string };
  });
  for (const [id, modified] of Object.entries(overrides)) {
    const row = rows.find((r) => r.id === id);
    if (row) row.modified = modified;
    else rows.push({ id, modified });
  }
  rows.sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified));
  return rows.map((r) => `${r.modified},${r.id}\n`).join('');
}

/** `zip` without the records whose IDs are given. */
function zipWithout(zip: Buffer, ...ids: string[]): Buffer {
  const entries = unzipSync(zip);
  for (const id of ids) delete entries[`${id}.json`];
  return Buffer.from(zipSync(entries));
}

const npmZip = fs.readFileSync(path.join(fixtures, 'osv', 'npm', 'all.zip'));
const goZip = fs.readFileSync(path.join(fixtures, 'osv', 'Go', 'all.zip'));
const quick = { backoffMs: 10, timeoutMs: 5_000 };

describe('db: update from a mirror', () => {
  let cacheDir: string;
  let mirror: Mirror;
  let base: string;

  beforeEach(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-update-test-'));
    mirror = new Mirror();
    base = await mirror.start();
    mirror.put('/npm/all.zip', npmZip);
    mirror.put('/npm/modified_id.csv', modifiedIdCsv(npmZip));
    mirror.put('/Go/all.zip', goZip);
    mirror.put('/Go/modified_id.csv', modifiedIdCsv(goZip));
    mirror.put('/crates.io/all.zip', fs.readFileSync(path.join(fixtures, 'osv', 'crates.io', 'all.zip')));
  });
  afterEach(async () => {
    await mirror.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('parses modified_id.csv', () => {
    assert.deepStrictEqual(parseModifiedIds('2024-05-01T00:00:00Z,GHSA-xxxx-yyyy-zzzz\r\n\nbad line\n2023-01-01T00:00:00Z,GO-2023-0001\n'), [
      { modified: '2024-05-01T00:00:00Z', id: 'GHSA-xxxx-yyyy-zzzz' },
      { modified: '2023-01-01T00:00:00Z', id: 'GO-2023-0001' },
    ]);
  });

  it('downloads all.zip of the asked ecosystems only, then only the records that changed', async () => {
    const first = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick });
    assert.deepStrictEqual(mirror.requests(), ['/npm/all.zip', '/Go/all.zip']);
    assert.deepStrictEqual(first.ecosystems, { npm: { mode: 'full', records: 8 }, Go: { mode: 'full', records: 7 } });
    let db = openDb(cacheDir);
    assert.strictEqual(db.lookup('npm', 'sshpk')[0].source, 'mirror:npm');
    assert.deepStrictEqual(db.ecosystems().includes('crates.io'), false);
    db.close();

    // Upstream: one record changed, one added.
    const changed = JSON.parse(Buffer.from(unzipSync(npmZip)['GHSA-2m39-62fm-q8r3.json']).toString('utf8'));
    changed.modified = '2031-02-03T04:05:06Z';
    changed.summary = 'Updated upstream';
    const added = JSON.parse(fs.readFileSync(path.join(fixtures, 'custom-feed', 'ACME-2024-0001.json'), 'utf8'));
    added.modified = '2031-02-03T00:00:00Z';
    mirror.put('/npm/GHSA-2m39-62fm-q8r3.json', JSON.stringify(changed));
    mirror.put('/npm/ACME-2024-0001.json', JSON.stringify(added));
    mirror.put('/npm/modified_id.csv', modifiedIdCsv(npmZip, { 'GHSA-2m39-62fm-q8r3': changed.modified, 'ACME-2024-0001': added.modified }));
    mirror.log.length = 0;

    const second = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick });
    assert.deepStrictEqual(mirror.requests().sort(), [
      '/Go/modified_id.csv',
      '/npm/ACME-2024-0001.json',
      '/npm/GHSA-2m39-62fm-q8r3.json',
      '/npm/modified_id.csv',
    ]);
    assert.deepStrictEqual(second.ecosystems, { npm: { mode: 'incremental', records: 2 }, Go: { mode: 'unchanged', records: 0 } });
    assert.deepStrictEqual({ added: second.added, updated: second.updated }, { added: 1, updated: 1 });
    db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'sshpk')[0].full!().summary, 'Updated upstream');
      assert.strictEqual(db.lookup('npm', '@acme/internal-utils').length, 1);
      assert.strictEqual(db.lookup('npm', 'jquery').length, 2, 'untouched records are kept');
    } finally {
      db.close();
    }

    // Nothing new: modified_id.csv is asked for with its ETag and the mirror answers 304.
    mirror.log.length = 0;
    const generation = readPointer(cacheDir)!.generation;
    const third = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    assert.deepStrictEqual(mirror.log, [{ url: '/npm/modified_id.csv', ifNoneMatch: mirror.files.get('/npm/modified_id.csv')!.etag, status: 304 }]);
    assert.strictEqual(third.changed, false);
    assert.strictEqual(readPointer(cacheDir)!.generation, generation, 'no new generation for no change');
  });

  it('asks for all.zip conditionally where the mirror has no modified_id.csv, and takes 304 as unchanged', async () => {
    mirror.files.delete('/crates.io/modified_id.csv');
    await updateDb(cacheDir, { mirror: base, ecosystems: ['crates.io'], ...quick });
    mirror.log.length = 0;
    // Without a list of ecosystems it refreshes the ones the DB already has from the mirror.
    const again = await updateDb(cacheDir, { mirror: base, ...quick });
    assert.deepStrictEqual(mirror.log, [
      { url: '/crates.io/modified_id.csv', ifNoneMatch: undefined, status: 404 },
      { url: '/crates.io/all.zip', ifNoneMatch: mirror.files.get('/crates.io/all.zip')!.etag, status: 304 },
    ]);
    assert.deepStrictEqual(again.ecosystems, { 'crates.io': { mode: 'unchanged', records: 0 } });
    assert.strictEqual(again.message, 'crates.io: unchanged');
  });

  it('without a list of ecosystems, fills a new DB with those the analyzers report packages in', async () => {
    for (const [urlPath, zip] of allZipsOf(path.resolve(fixtures, '../../../demo-db/osv'), supportedEcosystems())) mirror.put(urlPath, zip);
    const report = await updateDb(cacheDir, { mirror: base, ...quick });
    assert.deepStrictEqual(mirror.requests(), supportedEcosystems().map((e) => `/${e}/all.zip`));
    assert.deepStrictEqual(Object.keys(report.ecosystems), supportedEcosystems());
    assert.deepStrictEqual(report.failed, [], report.message);
  });

  it('without a list of ecosystems, updates those a DB built by import holds and Vigil scans', async () => {
    // Go's all.zip lists PyPI, Packagist, Maven, NuGet and others in some records: only those Vigil scans are updated.
    await importAdvisories(cacheDir, [path.join(fixtures, 'osv', 'Go', 'all.zip')]);
    const held = new Set<string>();
    for (const data of Object.values(unzipSync(fs.readFileSync(path.join(fixtures, 'osv', 'Go', 'all.zip'))))) {
      for (const affected of JSON.parse(Buffer.from(data).toString('utf8')).affected ?? []) held.add(String(affected.package?.ecosystem).split(':')[0]);
    }
    const scanned = supportedEcosystems().filter((e) => held.has(e)).sort();
    for (const [urlPath, zip] of allZipsOf(path.resolve(fixtures, '../../../demo-db/osv'), scanned)) mirror.put(urlPath, zip);
    const report = await updateDb(cacheDir, { mirror: base, ...quick });
    assert.deepStrictEqual(mirror.requests().sort(), scanned.map((e) => `/${e}/all.zip`));
    assert.deepStrictEqual(Object.keys(report.ecosystems).sort(), scanned);
  });

  it('says that no DB exists yet when a first download fails', async () => {
    await assert.rejects(updateDb(cacheDir, { mirror: base, ecosystems: ['Pub'], ...quick }), (err: Error) => {
      assert.ok(err instanceof DbUpdateError);
      assert.strictEqual(err.hadDb, false);
      assert.strictEqual(err.message, `${base}/Pub/all.zip answered HTTP 404. No vulnerability DB exists in ${cacheDir} yet.`);
      return true;
    });
    assert.strictEqual(readPointer(cacheDir), undefined);
  });

  it('downloads all.zip to a temp file in the DB folder and removes it, whether the update succeeds or fails', async () => {
    const tempFiles = () => fs.readdirSync(path.join(cacheDir, 'db')).filter((name) => name.includes('.tmp-'));
    const seen: string[] = [];
    const report = await updateDb(cacheDir, {
      mirror: base,
      ecosystems: ['npm', 'Go'],
      ...quick,
      // When Go's download starts, npm's all.zip was read and removed, and the records are spilled.
      onProgress: (message, stage) => stage === 'downloading' && message.includes('/Go/') && seen.push(...tempFiles()),
    });
    assert.deepStrictEqual(report.failed, []);
    assert.deepStrictEqual(seen.map((name) => name.split('.tmp-')[0]), ['build']);
    assert.deepStrictEqual(tempFiles(), []);

    const generation = readPointer(cacheDir)!.generation;
    mirror.put('/npm/all.zip', 'not a zip');
    mirror.put('/Go/all.zip', Buffer.from(zipSync({ 'README.md': Buffer.from('no records') })));
    const failing = { mirror: base, ecosystems: ['npm', 'Go', 'Pub'], full: true, ...quick };
    await assert.rejects(updateDb(cacheDir, failing), /is not a readable ZIP archive.*holds no OSV records.*HTTP 404/);
    assert.deepStrictEqual(tempFiles(), []);
    assert.strictEqual(readPointer(cacheDir)!.generation, generation);
  });

  it('retries a flaky mirror (503, dropped connection) with backoff and then succeeds', async () => {
    mirror.failures.set('/npm/all.zip', 2);
    const report = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    assert.deepStrictEqual(mirror.log.map((e) => e.status), [503, 0, 200]);
    assert.strictEqual(report.ecosystems.npm.records, 8);
  });

  it('gives a clear error for an unreachable mirror and leaves the old DB as it was', async () => {
    await importAdvisories(cacheDir, [path.join(fixtures, 'osv', 'npm', 'all.zip')]);
    const generation = readPointer(cacheDir)!.generation;
    await mirror.stop();
    await assert.rejects(updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], retries: 2, backoffMs: 10 }), (err: Error) => {
      assert.ok(err instanceof DbUpdateError);
      assert.match(err.message, new RegExp(`cannot download ${base}/npm/all.zip \\(ECONNREFUSED, 3 attempts\\)`));
      assert.match(err.message, /left unchanged/);
      return true;
    });
    assert.strictEqual(readPointer(cacheDir)!.generation, generation);
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'flat').length, 1);
    } finally {
      db.close();
    }
    assert.ok(!fs.existsSync(path.join(cacheDir, 'db', 'update.lock')), 'lock released');
    mirror = new Mirror(); // afterEach stops it
    await mirror.start();
  });

  it('times out a mirror that does not answer', async () => {
    mirror.hang = true;
    await assert.rejects(
      updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], retries: 0, timeoutMs: 200 }),
      /cannot download .*npm\/all\.zip \(timed out, 1 attempts\)/,
    );
  });

  it('a full download drops what the mirror removed upstream, but not records another source also holds', async () => {
    // A local import brings one of the records the mirror has too.
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-local-'));
    try {
      fs.writeFileSync(path.join(local, 'GHSA-2m39-62fm-q8r3.json'), Buffer.from(unzipSync(npmZip)['GHSA-2m39-62fm-q8r3.json']));
      await importAdvisories(cacheDir, [local]);
    } finally {
      fs.rmSync(local, { recursive: true, force: true });
    }
    await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick });

    // Upstream removes two npm records (one of them also imported locally) and one Go record.
    const smallerNpm = zipWithout(npmZip, 'GHSA-257q-pv89-v3xv', 'GHSA-2m39-62fm-q8r3');
    mirror.put('/npm/all.zip', smallerNpm);
    mirror.put('/npm/modified_id.csv', modifiedIdCsv(smallerNpm));
    mirror.put('/Go/all.zip', zipWithout(goZip, 'GO-2020-0001'));
    mirror.files.delete('/Go/modified_id.csv');

    // An incremental update cannot see removals.
    const incremental = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    assert.deepStrictEqual(incremental.ecosystems, { npm: { mode: 'unchanged', records: 0 } });
    let db = openDb(cacheDir);
    assert.ok(db.get('GHSA-257q-pv89-v3xv'), 'still there after an incremental update');
    db.close();

    // `full` downloads every all.zip unconditionally (no validators) and resyncs.
    mirror.log.length = 0;
    const report = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], full: true, ...quick });
    assert.deepStrictEqual(mirror.log.map((e) => [e.url, e.ifNoneMatch, e.status]), [
      ['/npm/all.zip', undefined, 200],
      ['/Go/all.zip', undefined, 200],
    ]);
    assert.deepStrictEqual(report.ecosystems, {
      npm: { mode: 'full', records: 6, removed: 1 },
      Go: { mode: 'full', records: 6, removed: 1 },
    });
    assert.strictEqual(report.removed, 2);
    assert.strictEqual(report.message, 'npm: 6 records (full), 1 removed upstream; Go: 6 records (full), 1 removed upstream');
    db = openDb(cacheDir);
    try {
      assert.strictEqual(db.get('GHSA-257q-pv89-v3xv'), undefined);
      assert.strictEqual(db.get('GO-2020-0001'), undefined);
      assert.ok(db.get('GHSA-2m39-62fm-q8r3'), 'the locally imported record stays');
      assert.strictEqual(db.lookup('npm', 'sshpk').length, 1);
      assert.strictEqual(db.lookup('npm', 'jquery').length, 1, 'the removed jquery advisory is gone from lookups');
      assert.strictEqual(db.metadata().totalRecords, 13);
    } finally {
      db.close();
    }

    // Read again in full: the record the mirror dropped is the local import's alone now.
    const again = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], full: true, ...quick });
    assert.deepStrictEqual(again.ecosystems, { npm: { mode: 'full', records: 6 } });
    assert.strictEqual(again.changed, false);
    db = openDb(cacheDir);
    try {
      assert.ok(db.get('GHSA-2m39-62fm-q8r3'));
    } finally {
      db.close();
    }
  });

  it('commits the ecosystems that succeeded and keeps the previous records of one that failed', async () => {
    await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick });
    const goBefore = openDb(cacheDir);
    const goSource = goBefore.metadata().sources.find((s) => s.name === 'mirror:Go');
    goBefore.close();

    const changed = JSON.parse(Buffer.from(unzipSync(npmZip)['GHSA-2m39-62fm-q8r3.json']).toString('utf8'));
    changed.modified = '2031-02-03T04:05:06Z';
    changed.summary = 'Updated upstream';
    mirror.put('/npm/GHSA-2m39-62fm-q8r3.json', JSON.stringify(changed));
    mirror.put('/npm/modified_id.csv', modifiedIdCsv(npmZip, { 'GHSA-2m39-62fm-q8r3': changed.modified }));
    mirror.failures.set('/Go/modified_id.csv', 100);
    const generation = readPointer(cacheDir)!.generation;

    const report = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick, retries: 1 });
    assert.deepStrictEqual(report.failed, ['Go']);
    assert.deepStrictEqual(report.ecosystems.npm, { mode: 'incremental', records: 1 });
    assert.strictEqual(report.ecosystems.Go.mode, 'failed');
    assert.match(report.ecosystems.Go.error!, new RegExp(`cannot download ${base}/Go/modified_id.csv \\((HTTP 503|ECONNRESET|[^)]*), 2 attempts\\)`));
    assert.match(report.message, /^npm: 1 records \(incremental\); Go: FAILED, kept its previous records \(cannot download .*\)$/);
    assert.strictEqual(report.changed, true);
    assert.notStrictEqual(readPointer(cacheDir)!.generation, generation, 'npm was committed');
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'sshpk')[0].full!().summary, 'Updated upstream');
      assert.ok(db.get('GO-2020-0001'), 'Go keeps its records');
      assert.deepStrictEqual(db.metadata().sources.find((s) => s.name === 'mirror:Go'), goSource, 'and its mirror state');
    } finally {
      db.close();
    }

    // When every asked ecosystem fails, nothing is written and the error names each one.
    mirror.failures.set('/npm/modified_id.csv', 100);
    const last = readPointer(cacheDir)!.generation;
    await assert.rejects(updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick, retries: 0 }), (err: Error) => {
      assert.ok(err instanceof DbUpdateError);
      assert.match(err.message, /^npm: cannot download .*npm\/modified_id\.csv .*; Go: cannot download .*Go\/modified_id\.csv .*left unchanged\.$/);
      return true;
    });
    assert.strictEqual(readPointer(cacheDir)!.generation, last);
  });

  it('a first download with one failed ecosystem builds the DB from the others', async () => {
    mirror.files.delete('/Go/all.zip');
    const report = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm', 'Go'], ...quick });
    assert.deepStrictEqual(report.ecosystems, {
      npm: { mode: 'full', records: 8 },
      Go: { mode: 'failed', records: 0, error: `${base}/Go/all.zip answered HTTP 404` },
    });
    const db = openDb(cacheDir);
    try {
      assert.deepStrictEqual(db.metadata().sources.map((s) => s.name), ['mirror:npm']);
    } finally {
      db.close();
    }
  });

  it('keeps the list validators of a check that found nothing new, so the next check gets a 304', async () => {
    await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    const generation = readPointer(cacheDir)!.generation;
    mirror.log.length = 0;
    const first = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    const second = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    const listEtag = mirror.files.get('/npm/modified_id.csv')!.etag;
    assert.deepStrictEqual(mirror.log, [
      { url: '/npm/modified_id.csv', ifNoneMatch: undefined, status: 200 },
      { url: '/npm/modified_id.csv', ifNoneMatch: listEtag, status: 304 },
    ]);
    assert.deepStrictEqual([first.changed, second.changed], [false, false]);
    assert.strictEqual(readPointer(cacheDir)!.generation, generation, 'no generation for no change');
    const statePath = path.join(cacheDir, 'db', 'mirror-state.json');
    assert.strictEqual(JSON.parse(fs.readFileSync(statePath, 'utf8')).generation, generation);
    assert.deepStrictEqual(fs.readdirSync(path.join(cacheDir, 'db')).filter((n) => n.includes('.tmp-')), []);

    // The next generation carries the validators in its metadata; the side file goes.
    const added = JSON.parse(fs.readFileSync(path.join(fixtures, 'custom-feed', 'ACME-2024-0001.json'), 'utf8'));
    added.modified = '2031-02-03T00:00:00Z';
    mirror.put('/npm/ACME-2024-0001.json', JSON.stringify(added));
    mirror.put('/npm/modified_id.csv', modifiedIdCsv(npmZip, { 'ACME-2024-0001': added.modified }));
    const third = await updateDb(cacheDir, { mirror: base, ecosystems: ['npm'], ...quick });
    assert.deepStrictEqual(third.ecosystems, { npm: { mode: 'incremental', records: 1 } });
    assert.ok(!fs.existsSync(statePath));
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.metadata().sources[0].listEtag, mirror.files.get('/npm/modified_id.csv')!.etag);
    } finally {
      db.close();
    }
  });
});
