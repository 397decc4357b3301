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
import { allZipsOf, Mirror } from './helpers/osv-mirror';
import { supportedEcosystems } from '../server/src/engine/analyzers';
import { ECOSYSTEMS } from '../server/src/engine/ecosystems';
import { skipOrFail } from './helpers/skip';

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
    // As in Trivy: every fixed version the advisory names, one per release line, in its order.
    assert.equal(qs.FixedVersion, '6.10.3, 6.9.7, 6.8.3, 6.7.3, 6.6.1, 6.5.3, 6.4.1, 6.3.3, 6.2.4');
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

  it('names the dependency files it recognises but cannot analyze, the ecosystems the DB lacks and those no advisory source covers', () => {
    const dir = path.join(tmp, 'polyglot');
    fs.mkdirSync(path.join(dir, 'java'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'java', 'app.jar'), 'PK\u0003\u0004');
    fs.writeFileSync(path.join(dir, 'Podfile.lock'), 'PODS:\n  - Alamofire (5.4.3)\n');
    fs.copyFileSync('examples/python-app/requirements.txt', path.join(dir, 'requirements.txt'));
    const npmOnly = path.join(tmp, 'npm-only');
    fs.mkdirSync(npmOnly);
    const npmRecord = fs.readdirSync('demo-db/osv').find(name => fs.readFileSync(path.join('demo-db/osv', name), 'utf8').includes('"ecosystem": "npm"'))!;
    fs.copyFileSync(path.join('demo-db/osv', npmRecord), path.join(npmOnly, npmRecord));
    const emptyDb = path.join(tmp, 'npm-only-db');
    const imported = vigil(['db', 'import', '--quiet', '--cache-dir', emptyDb, npmOnly]);
    assert.equal(imported.code, 0, imported.stderr);
    const run = vigil(['fs', '--cache-dir', emptyDb, '--offline', '--scanners', 'vuln,secret', '--format', 'json', dir]);
    assert.equal(run.code, 0, run.stderr);
    const notes: string[] = JSON.parse(run.stdout).VigilNotes;
    assert.ok(notes.some(n => n.startsWith('java/app.jar: a jar dependency file') && n.includes('cannot analyze yet')), notes.join('\n'));
    assert.ok(notes.some(n => n.startsWith('Podfile.lock: no advisory source covers CocoaPods packages')), notes.join('\n'));
    assert.ok(!notes.some(n => n.includes('no CocoaPods advisories in the DB')), notes.join('\n'));
    assert.ok(notes.some(n => n.includes('no PyPI advisories in the DB') && n.includes('vigil db update --ecosystems PyPI')), notes.join('\n'));
  });

  it('--output makes a missing folder; a folder it cannot make fails before the scan; a failed scan leaves no file', () => {
    const out = path.join(tmp, 'reports', 'nested', 'report.json');
    const run = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', '--output', out, 'examples']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).SchemaVersion, 2);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['report.json'], 'no temp file left beside it');

    const blocker = path.join(tmp, 'a-file');
    fs.writeFileSync(blocker, '');
    const blocked = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--output', path.join(blocker, 'report.json'), 'examples']);
    assert.equal(blocked.code, 1);
    assert.equal(blocked.stderr, `vigil: cannot write the report to ${blocker}/report.json: cannot create the folder ${blocker} (a file is in the way)\n`);

    const unwritten = path.join(tmp, 'failed', 'report.json');
    const failed = vigil(['fs', '--cache-dir', path.join(tmp, 'no-db'), '--offline', '--output', unwritten, 'examples']);
    assert.equal(failed.code, 1);
    assert.ok(!fs.existsSync(unwritten), 'no empty report for a scan that failed');
  });

  it('says that no DB exists yet, and both ways out, when it may not download one', () => {
    const empty = path.join(tmp, 'empty');
    const run = vigil(['fs', '--cache-dir', empty, '--offline', 'examples']);
    assert.equal(run.code, 1);
    assert.ok(run.stderr.startsWith(`vigil: no vulnerability DB exists yet in ${empty} (--offline downloads nothing).\n`), run.stderr);
    assert.match(run.stderr, /without network: `vigil db import PATH…` with OSV all\.zip files or folders of OSV JSON, then scan\s+with `vigil fs --offline`/);
    assert.match(run.stderr, /from a mirror you can reach: `--db-mirror URL` on `vigil fs` or `vigil db update`/);
  });

  it('prints the DB status', () => {
    const run = vigil(['db', 'status', '--cache-dir', cacheDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /npm/);
    assert.match(run.stdout, /PyPI/);
  });

  for (const command of [['fs'], ['config'], ['db'], ['db', 'import'], ['db', 'update'], ['db', 'status']]) {
    it(`vigil ${command.join(' ')} --help and vigil help ${command.join(' ')} print its usage`, () => {
      const run = vigil([...command, '--help']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage:\\s+vigil ${command.join(' ')} `));
      assert.equal(run.stderr, '');
      assert.deepEqual(vigil(['help', ...command]), run);
    });
  }

  it('answers an unknown or incomplete option with its own one line and the command\'s usage, exit 2', () => {
    const unknown = vigil(['fs', '--bogus', 'examples']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, "vigil: unknown option '--bogus'\nUsage: vigil fs [options] PATH\nRun `vigil fs --help` for the options.\n");
    const sub = vigil(['db', 'update', '--ecosystem', 'npm']);
    assert.equal(sub.code, 2);
    assert.equal(sub.stderr, "vigil: unknown option '--ecosystem'\nUsage: vigil db update [options]\nRun `vigil db update --help` for the options.\n");
    const sources = vigil(['fs', 'examples', '--vuln-severity-source', 'ubuntu,,nvd;x']);
    assert.equal(sources.code, 2);
    assert.match(sources.stderr, /^vigil: --vuln-severity-source takes source names separated by commas/);
    const noValue = vigil(['fs', 'examples', '--format']);
    assert.equal(noValue.code, 2);
    assert.match(noValue.stderr, /^vigil: --format needs a value\nUsage: vigil fs /);
    const value = vigil(['db', 'status', '--json=yes']);
    assert.equal(value.code, 2);
    assert.match(value.stderr, /^vigil: --json takes no value\nUsage: vigil db status /);
  });

  it('vigil config checks the Dockerfiles, Kubernetes manifests and Terraform alone, without a DB, as trivy config does', () => {
    const run = vigil(['config', '--format', 'json', '--exit-code', '3', 'examples']);
    assert.equal(run.code, 3, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.Results.map((r: any) => `${r.Target} ${r.Class} ${r.Type}`),
      ['deploy/k8s/orders-deployment.yaml config kubernetes', 'infra/main.tf config terraform', 'node-app/Dockerfile config dockerfile']);
    const [manifest, terraform, dockerfile] = report.Results;
    // The problems planted in examples/deploy/k8s/orders-deployment.yaml (examples/README.md).
    for (const id of ['KSV-0017', 'KSV-0013', 'KSV-0011', 'KSV-0018']) assert.ok(manifest.Misconfigurations.some((m: any) => m.ID === id), id);
    const privileged = manifest.Misconfigurations.find((m: any) => m.ID === 'KSV-0017');
    assert.deepEqual(privileged.CauseMetadata, { Resource: 'Deployment/orders-api', Provider: 'Kubernetes', Service: 'general', StartLine: 23, EndLine: 23 });
    // The public access block switched off and SSH open to the world (examples/README.md).
    const blockAcls = terraform.Misconfigurations.find((m: any) => m.ID === 'AWS-0086');
    assert.deepEqual(blockAcls.CauseMetadata, { Resource: 'aws_s3_bucket_public_access_block.order_exports', Provider: 'AWS', Service: 's3', StartLine: 8, EndLine: 8 });
    assert.ok(terraform.Misconfigurations.some((m: any) => m.ID === 'AWS-0107'));
    // The problems planted in examples/node-app/Dockerfile (examples/README.md).
    for (const id of ['DS-0001', 'DS-0002', 'DS-0004', 'DS-0005']) assert.ok(dockerfile.Misconfigurations.some((m: any) => m.ID === id), id);
    assert.deepEqual(dockerfile.MisconfSummary, { Successes: 27 - dockerfile.Misconfigurations.length, Failures: dockerfile.Misconfigurations.length });
    const latest = dockerfile.Misconfigurations.find((m: any) => m.ID === 'DS-0001');
    assert.deepEqual(latest.CauseMetadata, { Provider: 'Dockerfile', Service: 'general', StartLine: 1, EndLine: 1 });
    const both = vigil(['config', '--scanners', 'vuln', 'examples']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^vigil: vigil config runs the misconfig scanner only/);
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

/** A port on 127.0.0.1 that nothing listens on: a network that is not there. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('vigil CLI with an OSV mirror (a local one, serving the demo DB\'s records)', function () {
  this.timeout(60_000);
  let tmp: string;
  let mirror: Mirror;
  let base: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-mirror-'));
    mirror = new Mirror();
    base = await mirror.start();
    for (const [urlPath, zip] of allZipsOf(path.join(REPO_ROOT, 'demo-db/osv'), supportedEcosystems())) mirror.put(urlPath, zip);
  });
  after(async () => {
    await mirror.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('without a DB and without network, says that nothing exists yet and names both ways out', async () => {
    const cache = path.join(tmp, 'offline-cache');
    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    const scan = await vigilAsync(['fs', '--cache-dir', cache, '--db-mirror', unreachable, 'examples/python-app']);
    assert.equal(scan.code, 1);
    assert.ok(scan.stderr.startsWith(`vigil: cannot download ${unreachable}/PyPI/all.zip (ECONNREFUSED, 4 attempts). `
      + `No vulnerability DB exists in ${cache} yet.\n`), scan.stderr);
    assert.match(scan.stderr, /without network: `vigil db import PATH…`.*\n.*`vigil fs --offline`/);
    assert.match(scan.stderr, /`--db-mirror URL`/);
    assert.ok(!scan.stderr.includes('left unchanged'), 'there was nothing to leave');

    // An ecosystem the mirror has nothing for: one Vigil knows but does not scan yet.
    const unserved = ECOSYSTEMS.find(ecosystem => !mirror.files.has(`/${ecosystem}/all.zip`))!;
    const update = await vigilAsync(['db', 'update', '--cache-dir', cache, '--db-mirror', base, '--ecosystems', unserved]);
    assert.equal(update.code, 1);
    assert.ok(update.stderr.startsWith(`vigil: ${base}/${unserved}/all.zip answered HTTP 404. No vulnerability DB exists in ${cache} yet.\n`), update.stderr);
    assert.match(update.stderr, /`vigil db import PATH…`/);
  });

  it('the hint of `vigil db status` works as written: `vigil db update` fills a new DB with the ecosystems Vigil scans', async () => {
    const cache = path.join(tmp, 'new-cache');
    const missing = await vigilAsync(['db', 'status', '--cache-dir', cache]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /Run `vigil db update` to download one/);

    const update = await vigilAsync(['db', 'update', '--cache-dir', cache, '--db-mirror', base]);
    assert.equal(update.code, 0, update.stderr);
    assert.deepEqual(update.stdout.trim().split('; ').map(part => part.replace(/\d+/, 'N')).sort(),
      supportedEcosystems().map(ecosystem => `${ecosystem}: N records (full)`).sort());
    assert.equal(update.stderr, '', 'no progress into a pipe');

    const status = await vigilAsync(['db', 'status', '--cache-dir', cache]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^ {2}npm: \d+$/m);
    assert.match(status.stdout, /^ {2}PyPI: \d+$/m);
  });

  it('shows download progress on a terminal only', async function () {
    const args = ['fs', '--cache-dir', path.join(tmp, 'piped-cache'), '--db-mirror', base, '--format', 'json', 'examples'];
    const piped = await vigilAsync(args);
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(JSON.parse(piped.stdout).Results.some((r: any) => r.Vulnerabilities?.length > 0), 'the downloaded DB was used');
    assert.equal(piped.stderr, '', 'nothing but the report goes into a pipe');

    // The same scan on a terminal (script(1) runs it on a pseudo-terminal) shows its downloads.
    if (!fs.existsSync('/usr/bin/script')) skipOrFail(this, 'script(1) from util-linux is not installed');
    const quote = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, '--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'),
      ...args.map(a => a.endsWith('piped-cache') ? path.join(tmp, 'tty-cache') : a)].map(quote).join(' ');
    const tty = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT });
    let output = '';
    tty.stdout.on('data', chunk => { output += chunk; });
    const code = await new Promise(resolve => tty.on('close', resolve));
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`downloading ${base}/npm/all\\.zip`));
  });
});
