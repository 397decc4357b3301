// The scan pipeline over the demo workspace and the demo DB's real OSV records.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb, type VulnDb } from './db';
import { createIgnorePolicy, parseIgnoreFile } from './ignore';
import { analyzeFile, analyzePath, claimsFile, ecosystemsOf, scanFile, scanPath, type ScanOptions } from './scan';
import { DiskSource, MemorySource, type FileSource } from './source';
import { REPO_ROOT } from '../../../test/helpers/corpus';

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const LOCKFILE = fs.readFileSync(path.join(EXAMPLES, 'node-app/package-lock.json'), 'utf8');

/** Scans one text as an editor buffer would be scanned. */
async function scanText(file: string, content: string, options: ScanOptions) {
  return scanFile(new MemorySource({ [file]: content }), file, options);
}

describe('scan pipeline', function () {
  this.timeout(30_000);
  let cacheDir: string;
  let db: VulnDb;

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-scan-'));
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    db = openDb(cacheDir);
  });
  after(() => {
    db.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('claims lockfiles by path, for enabled scanners only', () => {
    assert.ok(claimsFile('a/b/package-lock.json'));
    assert.ok(claimsFile('requirements.txt'));
    assert.ok(!claimsFile('package.json'));
    assert.ok(!claimsFile('requirements.txt', { scanners: ['license'] }));
    assert.ok(claimsFile('package.json', { scanners: ['secret'] }), 'the secret scanner reads every file');
  });

  it('analyzes a folder without a DB, and names the ecosystems it found', async () => {
    const scan = await analyzePath(EXAMPLES);
    assert.deepEqual(scan.results.map(r => r.target), ['node-app/package-lock.json', 'python-app/requirements.txt', 'yarn-app/yarn.lock']);
    assert.ok(scan.results.every(r => r.vulnerabilities.length === 0));
    assert.deepEqual(ecosystemsOf(scan), ['PyPI', 'npm']);
    assert.deepEqual(scan.errors, []);
  });

  it('leaves dev dependencies out unless asked, as Trivy does', async () => {
    const prod = (await scanText('package-lock.json', LOCKFILE, { db }))!.results[0];
    const all = (await scanText('package-lock.json', LOCKFILE, { db, includeDevDeps: true }))!.results[0];
    assert.ok(!prod.packages.some(p => p.name === 'mocha'));
    assert.ok(all.packages.some(p => p.name === 'mocha' && p.dev));
    assert.ok(all.vulnerabilities.length >= prod.vulnerabilities.length);
  });

  it('matches one finding per package and vulnerability, CVE first, located on the lockfile entry', async () => {
    const [result] = (await scanText('package-lock.json', LOCKFILE, { db }))!.results;
    const keys = result!.vulnerabilities.map(v => `${v.pkgId} ${v.vulnerabilityId}`);
    assert.equal(new Set(keys).size, keys.length);
    const qs = result!.vulnerabilities.find(v => v.pkgName === 'qs')!;
    assert.equal(qs.vulnerabilityId, 'CVE-2022-24999');
    assert.deepEqual(qs.fixedVersions, ['6.5.3']);
    assert.equal(qs.direct, false);
    const line = LOCKFILE.split('\n')[qs.location!.startLine - 1];
    assert.match(line, /"node_modules\/qs"/);
  });

  it('filters by severity, fix status and ignore policy', async () => {
    const scan = await scanPath(EXAMPLES, { db, severities: ['CRITICAL'] });
    const all = scan.results.flatMap(r => r.vulnerabilities);
    assert.ok(all.length > 0 && all.every(v => v.severity === 'CRITICAL'));
    const ignore = createIgnorePolicy(parseIgnoreFile('GHSA-hrpp-h998-j3pp\n', '.trivyignore').entries);
    const ignored = (await scanText('package-lock.json', LOCKFILE, { db, ignore }))!.results[0];
    assert.ok(!ignored.vulnerabilities.some(v => v.vulnerabilityId === 'CVE-2022-24999'));
  });

  it('turns a broken or oversized buffer into an error for that file, never a throw', async () => {
    assert.match((await scanText('package-lock.json', '{"packages": {', { db }))!.errors[0].message, /not valid JSON/);
    const big = (await scanText('package-lock.json', LOCKFILE, { db, maxFileSize: 1024 }))!;
    assert.match(big.errors[0].message, /limit for one file/);
    assert.equal(await scanText('README.md', '# hi', { db }), undefined);
  });

  it('reads a file once from disk for the analyzers of its text and of its bytes alike', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-read-once-'));
    try {
      fs.writeFileSync(path.join(dir, 'requirements.txt'), '# deploy token ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos\nflask==0.12\n');
      const disk = new DiskSource(dir);
      const reads: string[] = [];
      // The disk source, counting what it is asked to read.
      const counted: FileSource = {
        root: disk.root,
        list: dir => disk.list(dir),
        stat: file => disk.stat(file),
        readBytes: (file, max) => (reads.push(`bytes ${file}`), disk.readBytes(file, max)),
        readText: (file, max) => (reads.push(`text ${file}`), disk.readText(file, max)),
        readFile: (file, max) => (reads.push(`file ${file}`), disk.readFile(file, max)),
      };
      const scan = await analyzeFile(counted, 'requirements.txt', { scanners: ['vuln', 'secret'] });
      assert.deepEqual(scan.errors, []);
      assert.deepEqual(scan.results.flatMap(result => result.packages.map(p => p.name)), ['flask'], 'the text analyzer ran');
      assert.deepEqual(scan.results.flatMap(result => result.secrets.map(f => f.rule.id)), ['github-pat'], 'the bytes analyzer ran');
      assert.deepEqual(reads.filter(read => read.endsWith(' requirements.txt')), ['file requirements.txt']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
