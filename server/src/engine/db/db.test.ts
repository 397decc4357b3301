import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync, zipSync } from 'fflate';
import { dbStatus, DbMissingError, defaultCacheDir, importAdvisories, openDb, SCHEMA_VERSION } from '.';
import { acquireLock, dbDir, readPointer } from './store';
import type { Ecosystem } from '../types';
import { versionsBeyondRanges } from '../match/affected';
import { corpusOrSkip } from '../../../../test/helpers/corpus';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');
const zips = ['npm', 'Go', 'crates.io', 'RubyGems'].map((eco) => path.join(fixtures, 'osv', eco, 'all.zip'));
const folders = [path.join(fixtures, 'folders', 'maven-json'), path.join(fixtures, 'folders', 'pypi-yaml')];
const customFeed = path.join(fixtures, 'custom-feed');

function tempCache(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-db-test-'));
}

const ids = (list: { osv: { id: string } }[]) => list.map((a) => a.osv.id);

describe('db: import and lookup', () => {
  let cacheDir: string;
  beforeEach(() => (cacheDir = tempCache()));
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('tells how to get a DB when there is none', () => {
    assert.throws(() => openDb(cacheDir), (err: Error) => {
      assert.ok(err instanceof DbMissingError);
      assert.match(err.message, /vigil db update/);
      assert.match(err.message, /vigil db import PATH/);
      return true;
    });
    const status = dbStatus(cacheDir);
    assert.strictEqual(status.present, false);
  });

  it('imports zips, JSON folders and YAML folders and finds advisories by package', async () => {
    const report = await importAdvisories(cacheDir, [...zips, ...folders]);
    assert.deepStrictEqual(report.problems, []);
    const db = openDb(cacheDir);
    try {
      // jQuery's GHSA records are in several zips and folders and affect several ecosystems; stored once.
      const jquery = ['GHSA-257q-pv89-v3xv', 'GHSA-2pqj-h3vj-pqgw', 'GHSA-6c3j-c64m-qhgq'];
      assert.deepStrictEqual(ids(db.lookup('npm', 'jquery')), jquery);
      assert.deepStrictEqual(ids(db.lookup('NuGet', 'jQuery')), jquery);
      // NuGet names compare case-insensitively, PyPI by PEP 503.
      assert.deepStrictEqual(ids(db.lookup('NuGet', 'JQUERY')), ids(db.lookup('NuGet', 'jQuery')));
      assert.deepStrictEqual(ids(db.lookup('PyPI', 'Apache_Atlas')), ['PYSEC-2017-105']);
      assert.deepStrictEqual(ids(db.lookup('Go', 'github.com/gin-gonic/gin')), ['GO-2020-0001']);
      assert.deepStrictEqual(ids(db.lookup('npm', 'no-such-package')), []);
      // npm names are exact.
      assert.deepStrictEqual(ids(db.lookup('npm', 'JQuery')), []);

      const flat = db.lookup('npm', 'flat')[0];
      assert.strictEqual(flat.severity, 'CRITICAL');
      assert.strictEqual(flat.severitySource, 'cvss_v3');
      assert.strictEqual(flat.cvss.ghsa.V3Score, 9.8);
      assert.strictEqual(flat.source, 'osv:npm');
      assert.ok(flat.osv.aliases?.includes('CVE-2020-36632'), 'aliases are kept');

      const meta = db.metadata();
      assert.strictEqual(meta.schemaVersion, SCHEMA_VERSION);
      assert.ok(meta.counts.npm >= 8 && meta.counts.Go >= 4 && meta.counts.PyPI >= 5, JSON.stringify(meta.counts));
      assert.deepStrictEqual(
        meta.sources.map((s) => s.name),
        ['osv:npm', 'osv:Go', 'osv:crates.io', 'osv:RubyGems', 'osv:maven-json', 'osv:pypi-yaml'],
      );
      assert.ok(db.ecosystems().includes('crates.io'));
    } finally {
      db.close();
    }
  });

  it('looks up match parts only, and reads the whole record by get() and full() while the DB is open', async () => {
    await importAdvisories(cacheDir, zips);
    type Affected = { package?: { ecosystem: string; name: string } } & Record<string, unknown>;
    type Original = { id: string; withdrawn?: string; affected: Affected[] } & Record<string, unknown>;
    const originals = new Map<string, Original>();
    for (const zip of zips) {
      for (const data of Object.values(unzipSync(fs.readFileSync(zip)))) {
        const record = JSON.parse(Buffer.from(data).toString('utf8'));
        originals.set(record.id, record);
      }
    }
    const stripPayloads = ({ database_specific, ecosystem_specific, ...rest }: Affected) => rest;
    const db = openDb(cacheDir);
    try {
      let lookedUp = 0;
      for (const [id, original] of originals) {
        assert.deepStrictEqual(db.get(id)!.osv, original, id);
        assert.strictEqual(db.get(id)!.full, undefined, 'get() gives the whole record as osv');
        if (original.withdrawn) continue;
        // Under each package it affects: the match fields, that package's affected entries, and full().
        for (const { ecosystem, name } of original.affected.map((a) => a.package!)) {
          const found = db.lookup(ecosystem as Ecosystem, name).find((a) => a.osv.id === id)!;
          assert.ok(found, `${id} under ${ecosystem}/${name}`);
          const matchFields = Object.fromEntries(
            Object.entries(original).filter(([key]) => ['schema_version', 'id', 'modified', 'published', 'withdrawn', 'aliases'].includes(key)),
          );
          const ownEntries = original.affected.filter((a) => a.package?.ecosystem === ecosystem && a.package?.name === name);
          // Versions lists keep only what the ranges miss: matching gives the same answers (match/affected tests).
          const expected = versionsBeyondRanges(ownEntries.map(stripPayloads), ecosystem as Ecosystem);
          assert.deepStrictEqual(found.osv, { ...matchFields, affected: expected }, `${id} match part`);
          assert.deepStrictEqual(found.full!(), original, `${id} full()`);
          lookedUp++;
        }
      }
      assert.ok(lookedUp > 20, `${lookedUp} lookups checked`);

      const [flat] = db.lookup('npm', 'flat');
      for (const detail of ['summary', 'details', 'references', 'database_specific']) {
        assert.ok(!(detail in flat.osv), `a looked-up osv has no ${detail}`);
      }
      assert.ok(flat.full!().details, 'full() has the details');
      assert.ok(
        [...originals.values()].some((r) => new Set(r.affected.map((a) => a.package?.name)).size > 1),
        'the fixtures have a record that affects several packages',
      );
    } finally {
      db.close();
    }
    const reopened = openDb(cacheDir);
    const [sshpk] = reopened.lookup('npm', 'sshpk');
    sshpk.full!(); // cached, yet no longer readable once closed
    reopened.close();
    assert.throws(() => sshpk.full!(), /GHSA-.*DB, which was closed; call full\(\) before close\(\)/);
  });

  it('refuses a DB of another schema and says how to get a new one; the next import starts afresh', async () => {
    const dir = dbDir(cacheDir);
    fs.mkdirSync(dir, { recursive: true });
    // The header of a schema 1 generation file.
    const old = Buffer.alloc(64);
    old.write('VIGILDB\n', 0, 'latin1');
    old.writeUInt32LE(1, 8);
    fs.writeFileSync(path.join(dir, 'gen-old.vdb'), old);
    fs.writeFileSync(path.join(dir, 'current'), JSON.stringify({ generation: 'gen-old.vdb', schemaVersion: 1 }));
    assert.throws(() => openDb(cacheDir), (err: Error) => {
      assert.ok(err instanceof DbMissingError);
      assert.match(err.message, new RegExp(`schema 1, this Vigil reads schema ${SCHEMA_VERSION}`));
      assert.match(err.message, /vigil db update/);
      return true;
    });
    // A pointer that claims the right schema over an old file is caught by the file's own header.
    fs.writeFileSync(path.join(dir, 'current'), JSON.stringify({ generation: 'gen-old.vdb', schemaVersion: SCHEMA_VERSION }));
    assert.throws(() => openDb(cacheDir), /has DB schema 1, this Vigil reads schema .*vigil db update/);

    const report = await importAdvisories(cacheDir, [zips[0]]);
    assert.strictEqual(report.metadata.sources.length, 1);
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'flat').length, 1);
    } finally {
      db.close();
    }
  });

  it('stores withdrawn records but leaves them out of lookups', async () => {
    await importAdvisories(cacheDir, zips);
    const db = openDb(cacheDir);
    try {
      assert.deepStrictEqual(ids(db.lookup('crates.io', 'spin')), []);
      assert.ok(db.get('RUSTSEC-2019-0031')?.osv.withdrawn, 'withdrawn record is still stored');
      assert.deepStrictEqual(ids(db.lookup('Go', 'k8s.io/kubernetes')), []);
      assert.strictEqual(db.metadata().withdrawnRecords, 2);
    } finally {
      db.close();
    }
  });

  it('merges a custom feed: newer modified wins, and each record keeps its source', async () => {
    await importAdvisories(cacheDir, zips);
    const report = await importAdvisories(cacheDir, [], { custom: [customFeed] });
    assert.deepStrictEqual(
      { added: report.added, updated: report.updated, total: report.metadata.totalRecords },
      { added: 2, updated: 1, total: 28 },
    );
    const db = openDb(cacheDir);
    try {
      const flat = db.lookup('npm', 'flat');
      assert.strictEqual(flat.length, 1);
      assert.match(flat[0].full!().summary!, /^ACME triage:/);
      assert.strictEqual(flat[0].source, 'custom:custom-feed');
      const own = db.lookup('npm', '@acme/internal-utils');
      assert.deepStrictEqual(ids(own), ['ACME-2024-0001']);
      assert.strictEqual(own[0].severity, 'HIGH');
      assert.deepStrictEqual(ids(db.lookup('Go', 'acme.example/go/auth')), ['ACME-2024-0002']);
      // Public records not touched by the feed are still there, from their own source.
      assert.strictEqual(db.lookup('npm', 'sshpk')[0].source, 'osv:npm');
    } finally {
      db.close();
    }
    // Importing the older public record again does not undo the custom one.
    const again = await importAdvisories(cacheDir, [zips[0]]);
    assert.strictEqual(again.updated, 0);
    const db2 = openDb(cacheDir);
    try {
      assert.strictEqual(db2.lookup('npm', 'flat')[0].source, 'custom:custom-feed');
    } finally {
      db2.close();
    }
  });

  it('reports a corrupt zip entry and a malformed record, and imports the rest', async () => {
    const work = tempCache();
    try {
      // A copy of the npm zip with one entry's compressed bytes overwritten.
      const files = unzipSync(fs.readFileSync(zips[0]));
      const zip = Buffer.from(zipSync(files));
      const victim = 'GHSA-2m39-62fm-q8r3.json';
      const at = zip.indexOf(Buffer.from(victim)) + victim.length; // first hit: the local header
      zip.fill(0x41, at + 10, at + 60);
      const badZip = path.join(work, 'npm', 'all.zip');
      fs.mkdirSync(path.dirname(badZip));
      fs.writeFileSync(badZip, zip);
      const folder = path.join(work, 'feed');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'broken.json'), '{"id": "X-1", "modified": ');
      fs.writeFileSync(path.join(folder, 'no-id.json'), '{"modified": "2024-01-01T00:00:00Z"}');
      fs.copyFileSync(path.join(customFeed, 'ACME-2024-0001.json'), path.join(folder, 'ACME-2024-0001.json'));

      const report = await importAdvisories(cacheDir, [badZip, folder]);
      const problemFiles = report.problems.map((p) => path.basename(p.file)).sort();
      assert.deepStrictEqual(problemFiles, ['all.zip!GHSA-2m39-62fm-q8r3.json', 'broken.json', 'no-id.json']);
      assert.strictEqual(report.read, Object.keys(files).length - 1 + 1);
      const db = openDb(cacheDir);
      try {
        assert.deepStrictEqual(ids(db.lookup('npm', 'sshpk')), []);
        assert.strictEqual(db.lookup('npm', 'jquery').length, 2);
        assert.strictEqual(db.lookup('npm', '@acme/internal-utils').length, 1);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses a zip bomb entry that inflates past its declared size, and imports the rest', async () => {
    const work = tempCache();
    try {
      const files = unzipSync(fs.readFileSync(zips[0]));
      const zip = Buffer.from(zipSync({ ...files, 'bomb.json': new Uint8Array(64 * 1024 * 1024).fill(0x20) }, { level: 9 }));
      // The central directory names the entry last; claim 1,000 bytes where 64 MiB will come out.
      const central = zip.lastIndexOf(Buffer.from('bomb.json')) - 46;
      zip.writeUInt32LE(1000, central + 24);
      const bombZip = path.join(work, 'all.zip');
      fs.writeFileSync(bombZip, zip);
      const report = await importAdvisories(cacheDir, [bombZip]);
      assert.deepStrictEqual(report.problems.map((p) => path.basename(p.file)), ['all.zip!bomb.json']);
      // Stopped while inflating, at the declared size: not inflated whole and then found wrong.
      assert.match(report.problems[0].message, /larger than 1000 bytes/);
      assert.strictEqual(report.read, Object.keys(files).length);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses a YAML alias bomb as one bad file', async () => {
    const work = tempCache();
    try {
      const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
      }
      fs.writeFileSync(path.join(work, 'bomb.yaml'), `id: BOMB-1\nmodified: "2024-01-01T00:00:00Z"\n${levels.join('\n')}\n`);
      fs.copyFileSync(path.join(customFeed, 'ACME-2024-0001.json'), path.join(work, 'ACME-2024-0001.json'));
      const report = await importAdvisories(cacheDir, [work]);
      assert.deepStrictEqual(report.problems.map((p) => path.basename(p.file)), ['bomb.yaml']);
      assert.strictEqual(report.read, 1);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('reports status: age, sources and counts', async () => {
    await importAdvisories(cacheDir, [zips[0]]);
    const status = dbStatus(cacheDir);
    assert.ok(status.present);
    if (!status.present) return;
    assert.ok(status.ageMs >= 0 && status.ageMs < 60_000);
    assert.deepStrictEqual(status.sources.map((s) => [s.name, s.records]), [['osv:npm', 8]]);
    assert.strictEqual(status.counts.npm, 8);
    assert.match(status.text, /^  osv:npm  .*all\.zip  fetched .*  8 records$/m);
    assert.match(status.text, /^  npm: 8$/m);
  });

  it('prints a source location with control characters escaped', async () => {
    const hostileName = path.join(path.dirname(cacheDir), `feed-\u001b[2J-${path.basename(cacheDir)}.zip`);
    fs.copyFileSync(zips[0], hostileName);
    try {
      await importAdvisories(cacheDir, [hostileName]);
      const { text } = dbStatus(cacheDir);
      assert.ok(!text.includes('\u001b'), text);
      assert.match(text, /feed-\\x1b\[2J-/);
    } finally {
      fs.rmSync(hostileName);
    }
  });

  it('picks the cache folder from VIGIL_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    const saved = { v: process.env.VIGIL_CACHE_DIR, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.VIGIL_CACHE_DIR = '/tmp/a';
      process.env.XDG_CACHE_HOME = '/tmp/b';
      assert.strictEqual(defaultCacheDir(), '/tmp/a');
      delete process.env.VIGIL_CACHE_DIR;
      assert.strictEqual(defaultCacheDir(), path.join('/tmp/b', 'vigil'));
      delete process.env.XDG_CACHE_HOME;
      assert.strictEqual(defaultCacheDir(), path.join(os.homedir(), '.cache', 'vigil'));
    } finally {
      for (const [key, value] of [['VIGIL_CACHE_DIR', saved.v], ['XDG_CACHE_HOME', saved.x]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('db: generations and the update lock', () => {
  let cacheDir: string;
  beforeEach(() => (cacheDir = tempCache()));
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('an open reader keeps seeing its generation while updates replace and delete it', async () => {
    await importAdvisories(cacheDir, [zips[0]]);
    const before = openDb(cacheDir);
    try {
      await importAdvisories(cacheDir, [], { custom: [customFeed] });
      await importAdvisories(cacheDir, [zips[1]]);
      await importAdvisories(cacheDir, [zips[2]]);
      // Two updates later its file is gone from the folder, but the fd still reads it.
      assert.ok(!fs.existsSync(path.join(dbDir(cacheDir), before.generation)));
      assert.strictEqual(before.lookup('npm', 'flat')[0].source, 'osv:npm');
      assert.deepStrictEqual(ids(before.lookup('npm', '@acme/internal-utils')), []);
      const after = openDb(cacheDir);
      try {
        assert.strictEqual(after.lookup('npm', 'flat')[0].source, 'custom:custom-feed');
        assert.strictEqual(after.lookup('Go', 'github.com/gin-gonic/gin').length, 1);
      } finally {
        after.close();
      }
    } finally {
      before.close();
    }
    // Only the current generation and the one it replaced are left.
    const generations = fs.readdirSync(dbDir(cacheDir)).filter((name) => name.endsWith('.vdb'));
    assert.strictEqual(generations.length, 2);
    assert.ok(generations.includes(readPointer(cacheDir)!.generation));
  });

  it('waits for a live lock holder', async () => {
    const release = await acquireLock(cacheDir);
    await assert.rejects(importAdvisories(cacheDir, [zips[0]], { lock: { waitMs: 300 } }), /another Vigil DB update is running/);
    release();
    await importAdvisories(cacheDir, [zips[0]], { lock: { waitMs: 300 } });
  });

  it('a killed import leaves the old DB intact, and the next import takes over its stale lock', async function () {
    this.timeout(60_000);
    await importAdvisories(cacheDir, [zips[0]]);
    const oldGeneration = readPointer(cacheDir)!.generation;
    // The child imports more and SIGKILLs itself after writing its temp generation, before the swap.
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'killed-import.child.ts'), cacheDir, zips[1]], {
      cwd: path.resolve(__dirname, '../../../..'),
      encoding: 'utf8',
    });
    assert.strictEqual(child.signal, 'SIGKILL', child.stderr);
    const leftovers = fs.readdirSync(dbDir(cacheDir));
    assert.ok(leftovers.includes('update.lock'), 'the dead child still holds the lock');
    assert.ok(leftovers.some((name) => name.startsWith('gen.tmp-')), `temp generation left: ${leftovers}`);

    assert.strictEqual(readPointer(cacheDir)!.generation, oldGeneration);
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'flat').length, 1);
      assert.deepStrictEqual(ids(db.lookup('Go', 'github.com/gin-gonic/gin')), []);
    } finally {
      db.close();
    }

    await importAdvisories(cacheDir, [zips[1]], { lock: { waitMs: 2_000 } });
    const after = openDb(cacheDir);
    try {
      assert.deepStrictEqual(ids(after.lookup('Go', 'github.com/gin-gonic/gin')), ['GO-2020-0001']);
    } finally {
      after.close();
    }
    const left = fs.readdirSync(dbDir(cacheDir));
    assert.ok(!left.some((name) => name.includes('.tmp-')), `temp files cleaned: ${left}`);
    assert.ok(!left.includes('update.lock'));
  });
});

describe('db: the whole corpus', () => {
  it('imports every OSV zip of the corpus', async function () {
    this.timeout(120_000);
    const corpus = corpusOrSkip(this, 'vuln/advisories');
    const all = ['osv', 'derived-osv'].flatMap((group) => {
      const dir = path.join(corpus, group);
      return fs.existsSync(dir)
        ? fs.readdirSync(dir).map((eco) => path.join(dir, eco, 'all.zip')).filter((zip) => fs.existsSync(zip))
        : [];
    });
    assert.ok(all.length > 0, `no OSV all.zip under ${corpus}`);
    const cacheDir = tempCache();
    try {
      const report = await importAdvisories(cacheDir, all);
      assert.deepStrictEqual(report.problems, []);
      const counts: Record<string, number> = JSON.parse(fs.readFileSync(path.join(corpus, 'osv', 'COUNTS.json'), 'utf8'));
      const distinct = 8764; // from the corpus MANIFEST
      const db = openDb(cacheDir);
      try {
        assert.ok(report.metadata.totalRecords >= distinct, `${report.metadata.totalRecords} records`);
        // Every corpus record can be found again by each of its packages.
        for (const eco of Object.keys(counts)) {
          const files = unzipSync(fs.readFileSync(path.join(corpus, 'osv', eco, 'all.zip')));
          for (const data of Object.values(files)) {
            const record = JSON.parse(Buffer.from(data).toString('utf8'));
            const stored = db.get(record.id);
            assert.ok(stored, record.id);
            const pkg = record.affected?.find((a: { package?: unknown }) => a.package)?.package;
            if (!pkg || record.withdrawn || !['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'NuGet', 'Packagist'].includes(pkg.ecosystem)) continue;
            assert.ok(ids(db.lookup(pkg.ecosystem, pkg.name)).includes(record.id), `${record.id} under ${pkg.ecosystem}/${pkg.name}`);
          }
        }
        assert.ok(db.lookup('Alpine', 'openssl').length > 10, 'derived Alpine records indexed under Alpine');
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
