// The `vigil` CLI end to end, as a user runs it: a real process, the demo workspace, a DB
// imported from the demo DB's real OSV records.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers/corpus';

function vigil(args: string[], cwd = REPO_ROOT) {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like vigil(), without blocking this process (which may be serving the mirror the CLI talks to). */
function vigilAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => { stdout += chunk; });
  child.stderr.on('data', chunk => { stderr += chunk; });
  return new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr })));
}

describe('vigil CLI', function () {
  this.timeout(60_000);
  let tmp: string;
  let cacheDir: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    cacheDir = path.join(tmp, 'cache');
    const imported = vigil(['db', 'import', '--cache-dir', cacheDir, 'demo-db/osv']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /read \d+ advisories/);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function scanJson(...extra: string[]) {
    const run = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', ...extra, 'examples']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  }

  it('finds the real vulnerabilities of the demo workspace, in Trivy JSON', () => {
    const report = scanJson();
    assert.equal(report.SchemaVersion, 2);
    const lock = report.Results.find((r: any) => r.Target === 'node-app/package-lock.json');
    const reqs = report.Results.find((r: any) => r.Target === 'python-app/requirements.txt');
    assert.equal(lock.Type, 'npm');
    assert.equal(reqs.Type, 'pip');
    const qs = lock.Vulnerabilities.find((v: any) => v.VulnerabilityID === 'CVE-2022-24999');
    assert.equal(qs.PkgName, 'qs');
    assert.equal(qs.InstalledVersion, '6.5.1');
    assert.equal(qs.FixedVersion, '6.5.3');
    assert.equal(qs.Severity, 'HIGH');
    assert.ok(qs.VigilAliases.includes('GHSA-hrpp-h998-j3pp'));
    assert.ok(qs.VigilLocation.StartLine > 1);
    assert.ok(reqs.Vulnerabilities.some((v: any) => v.PkgName === 'Django' && v.InstalledVersion === '2.2.0'));
    // mocha is a dev dependency: left out unless asked for.
    assert.ok(!lock.Vulnerabilities.some((v: any) => v.PkgName === 'mocha'));
  });

  it('filters by severity and gates with --exit-code', () => {
    const report = scanJson('--severity', 'CRITICAL');
    const all = report.Results.flatMap((r: any) => r.Vulnerabilities ?? []);
    assert.ok(all.length > 0);
    assert.ok(all.every((v: any) => v.Severity === 'CRITICAL'));
    const gated = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--quiet', '--exit-code', '3', 'examples']);
    assert.equal(gated.code, 3);
    const clean = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--exit-code', '3', '--severity', 'LOW', '--format', 'json', 'examples/python-app']);
    assert.equal(clean.code, 0, 'no LOW findings in the Python app');
  });

  it('honours an ignore file, and not its expired entries', () => {
    const ignorefile = path.join(tmp, '.trivyignore');
    fs.writeFileSync(ignorefile, '# accepted risk\nGHSA-hrpp-h998-j3pp\nCVE-2021-44906 exp:2000-01-01\n');
    const report = scanJson('--ignorefile', ignorefile);
    const ids = report.Results.flatMap((r: any) => (r.Vulnerabilities ?? []).map((v: any) => v.VulnerabilityID));
    assert.ok(!ids.includes('CVE-2022-24999'), 'ignored through its GHSA alias');
    assert.ok(ids.includes('CVE-2021-44906'), 'an expired entry no longer ignores');
  });

  it('writes SARIF to a file', () => {
    const out = path.join(tmp, 'report.sarif');
    const run = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'sarif', '--output', out, 'examples']);
    assert.equal(run.code, 0, run.stderr);
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 10);
  });

  it('reports a broken file, goes on with the others, and fails the run unless --skip-errors', () => {
    const dir = path.join(tmp, 'broken');
    fs.mkdirSync(path.join(dir, 'bad'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bad', 'package-lock.json'), '{"lockfileVersion": 3, "packages": {');
    fs.copyFileSync('examples/python-app/requirements.txt', path.join(dir, 'requirements.txt'));
    const run = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', '--exit-code', '3', dir]);
    // A gate must not pass on a lockfile it could not read, whatever --exit-code says.
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.VigilErrors.length, 1);
    assert.equal(report.VigilErrors[0].Target, 'bad/package-lock.json');
    assert.match(report.VigilErrors[0].Message, /not valid JSON/);
    assert.ok(report.Results.some((r: any) => r.Target === 'requirements.txt' && r.Vulnerabilities.length > 0));
    const skipping = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--skip-errors', '--exit-code', '3', dir]);
    assert.equal(skipping.code, 3, skipping.stderr);
    assert.equal(vigil(['fs', '--cache-dir', cacheDir, '--offline', '--skip-errors', dir]).code, 0);
  });

  it('names the dependency files it recognises but cannot analyze, and the ecosystems the DB lacks', () => {
    const dir = path.join(tmp, 'polyglot');
    fs.mkdirSync(path.join(dir, 'rust'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rust', 'Cargo.lock'), 'version = 3\n');
    fs.writeFileSync(path.join(dir, 'Gemfile.lock'), 'GEM\n');
    fs.copyFileSync('examples/python-app/requirements.txt', path.join(dir, 'requirements.txt'));
    const npmOnly = path.join(tmp, 'npm-only');
    fs.mkdirSync(npmOnly);
    const npmRecord = fs.readdirSync('demo-db/osv').find(name => fs.readFileSync(path.join('demo-db/osv', name), 'utf8').includes('"ecosystem": "npm"'))!;
    fs.copyFileSync(path.join('demo-db/osv', npmRecord), path.join(npmOnly, npmRecord));
    const emptyDb = path.join(tmp, 'npm-only-db');
    const imported = vigil(['db', 'import', '--quiet', '--cache-dir', emptyDb, npmOnly]);
    assert.equal(imported.code, 0, imported.stderr);
    const run = vigil(['fs', '--cache-dir', emptyDb, '--offline', '--format', 'json', dir]);
    assert.equal(run.code, 0, run.stderr);
    const notes: string[] = JSON.parse(run.stdout).VigilNotes;
    assert.ok(notes.some(n => n.startsWith('rust/Cargo.lock: a cargo dependency file') && n.includes('cannot analyze yet')), notes.join('\n'));
    assert.ok(notes.some(n => n.startsWith('Gemfile.lock: a bundler dependency file')), notes.join('\n'));
    assert.ok(notes.some(n => n.includes('no PyPI advisories in the DB') && n.includes('vigil db update --ecosystems PyPI')), notes.join('\n'));
  });

  it('says how to get a DB when there is none and it may not download', () => {
    const run = vigil(['fs', '--cache-dir', path.join(tmp, 'empty'), '--offline', 'examples']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /vigil db update/);
    assert.match(run.stderr, /vigil db import/);
  });

  it('prints the DB status', () => {
    const run = vigil(['db', 'status', '--cache-dir', cacheDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /npm/);
    assert.match(run.stdout, /PyPI/);
  });

  it('rejects a usage mistake with exit code 2', () => {
    const run = vigil(['fs', '--format', 'xml', 'examples']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown format/);
    assert.equal(vigil(['image', 'alpine']).code, 2);
  });

  it('db update: exits 1 and names the failed ecosystem while the others are updated; --full downloads all.zip again', async () => {
    const files = new Map<string, Buffer>([
      ['/npm/all.zip', fs.readFileSync('test/fixtures/db/osv/npm/all.zip')],
      ['/npm/modified_id.csv', Buffer.from('2020-01-01T00:00:00Z,GHSA-257q-pv89-v3xv\n')],
    ]);
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url!);
      const body = files.get(req.url!);
      if (body) res.writeHead(200, { ETag: '"1"' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const updateCache = path.join(tmp, 'update-cache');
    try {
      const partial = await vigilAsync(['db', 'update', '--quiet', '--cache-dir', updateCache, '--db-mirror', mirror, '--ecosystems', 'npm,Go']);
      assert.equal(partial.code, 1, partial.stderr);
      assert.match(partial.stdout, /^npm: 8 records \(full\); Go: FAILED, kept its previous records \(.*Go\/all\.zip answered HTTP 404\)\n$/);
      assert.match(partial.stderr, /vigil: Go: update failed, its previous advisories are kept: .*Go\/all\.zip answered HTTP 404/);

      requests.length = 0;
      const full = await vigilAsync(['db', 'update', '--quiet', '--cache-dir', updateCache, '--db-mirror', mirror, '--ecosystems', 'npm', '--full']);
      assert.equal(full.code, 0, full.stderr);
      assert.deepEqual(requests, ['/npm/all.zip']);
      assert.equal(full.stdout, 'npm: 8 records (full)\n');
      assert.equal(full.stderr, '');
    } finally {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });
});
