// Hostile repositories and feeds, run through the CLI as a user would. Every input is built here,
// in a temp folder; nothing large is checked in. The rule for every case: the run ends within its
// bound, with a correct result or a clear error, and no raw file content reaches any output (a
// marker planted in the hostile files must appear nowhere).
import { skipOrFail } from '../helpers/skip';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/corpus';

const MARKER = 'SECRET-MARKER-12345';
/** A generous bound for one CLI run; the old code took minutes or forever on these inputs. */
const BOUND_MS = 60_000;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // eslint-disable-line no-control-regex

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function vigil(args: string[], options: { cwd?: string; shellPrefix?: string } = {}): Run {
  const cli = ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args];
  const result = options.shellPrefix
    ? spawnSync('bash', ['-c', `${options.shellPrefix}; exec "$0" "$@"`, process.execPath, ...cli], runOptions(options.cwd))
    : spawnSync(process.execPath, cli, runOptions(options.cwd));
  assert.notEqual(result.error?.message.includes('ETIMEDOUT'), true, `vigil ${args.join(' ')} did not finish within ${BOUND_MS} ms`);
  const run = { code: result.status, stdout: result.stdout, stderr: result.stderr };
  assertNothingLeaked(run);
  return run;
}

function runOptions(cwd: string | undefined) {
  // NODE_PATH lets tsx resolve from the repository whatever the working folder.
  return {
    cwd: cwd ?? REPO_ROOT, encoding: 'utf8' as const, timeout: BOUND_MS, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache', NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
  };
}

function assertNothingLeaked(run: Run) {
  for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]]) {
    assert.ok(!text.includes(MARKER), `${stream} quotes hostile content:\n${text.slice(0, 2000)}`);
  }
}

describe('hostile inputs through the CLI', function () {
  this.timeout(4 * BOUND_MS);
  let tmp: string;
  let cacheDir: string;
  let outside: string;
  let repo: string;
  /** An advisory ID the demo DB reports for `urllib3==1.24.1`. */
  let knownId: string;

  const scan = (target: string, ...extra: string[]) =>
    vigil(['fs', '--cache-dir', cacheDir, '--offline', ...extra, target], { cwd: tmp });

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hostile-'));
    cacheDir = path.join(tmp, 'cache');
    const imported = vigil(['db', 'import', '--cache-dir', cacheDir, path.join(REPO_ROOT, 'demo-db/osv')]);
    assert.equal(imported.code, 0, imported.stderr);
    // A file outside every scanned repository, standing in for /proc/self/environ or /etc/shadow.
    outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'environ'), `PATH=/usr/bin CI_DEPLOY_TOKEN=${MARKER}\nroot:${MARKER}:19000:0:99999:7:::\n`);
    const probe = path.join(tmp, 'probe');
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'requirements.txt'), 'urllib3==1.24.1\n');
    const report = JSON.parse(scan(probe, '--format', 'json').stdout);
    knownId = report.Results[0].Vulnerabilities[0].VulnerabilityID;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeEach(function () {
    repo = path.join(tmp, `repo-${this.currentTest!.title.replace(/\W+/g, '-').slice(0, 40)}`);
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'requirements.txt'), 'urllib3==1.24.1\n');
  });

  function ids(run: Run): string[] {
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout).Results ?? []).flatMap((r: { Vulnerabilities?: { VulnerabilityID: string }[] }) =>
      (r.Vulnerabilities ?? []).map((v) => v.VulnerabilityID));
  }

  it('ignore files linked out of the repository are refused by name, not read', () => {
    fs.symlinkSync(path.join(outside, 'environ'), path.join(repo, '.trivyignore'));
    fs.symlinkSync(path.join(outside, 'environ'), path.join(repo, '.vigilignore.yaml'));
    const run = scan(repo, '--format', 'json');
    assert.ok(ids(run).includes(knownId));
    assert.match(run.stderr, /\.trivyignore: ignore file is a symlink to .*environ, outside .*; not read/);
    assert.match(run.stderr, /\.vigilignore\.yaml: ignore file is a symlink/);
  });

  it('a found ignore file with stray text is warned about by line, never quoted', () => {
    fs.writeFileSync(path.join(repo, '.trivyignore'), `DB_PASSWORD ${MARKER}\n${knownId} exp:${MARKER}\n`);
    fs.writeFileSync(path.join(repo, '.trivyignore.yaml'), `"root:${MARKER}:1":\n  - id: x\nvulnerabilities:\n  - id: CVE-0\n    ${MARKER}: 1\n`);
    const run = scan(repo, '--format', 'json');
    assert.ok(!ids(run).includes(knownId), 'the entry with a bad expiry still ignores (it never expires)');
    assert.match(run.stderr, /\.trivyignore:1: unexpected text after the ID; put comments after #/);
    assert.match(run.stderr, /\.trivyignore:2: invalid expiry \(want exp:YYYY-MM-DD\)/);
    assert.match(run.stderr, /\.trivyignore\.yaml:1: unknown section/);
  });

  it('a named ignore file may be quoted, short and escaped', () => {
    const named = path.join(tmp, 'named-ignore');
    fs.writeFileSync(named, `${knownId} \x1b]0;title\x07${'x'.repeat(300)}\n`);
    const run = scan(repo, '--format', 'json', '--ignorefile', named);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /unexpected text "\\x1b\]0;title\\x07x+…"/);
    assert.ok(!CONTROL.test(run.stderr), 'no raw control character on stderr');
  });

  it('db import of a file that is not JSON says where, without quoting it', () => {
    const shadow = path.join(outside, 'shadow.json');
    fs.writeFileSync(shadow, `root:${MARKER}:19000:0:99999:7:::\n`);
    const run = vigil(['db', 'import', '--cache-dir', path.join(tmp, 'import-cache'), '--custom', shadow]);
    assert.match(run.stderr, /skipped .*shadow\.json: not valid JSON/);
    const yaml = path.join(outside, 'shadow.yaml');
    fs.writeFileSync(yaml, `a: [\nroot:${MARKER}:1\n`);
    const yamlRun = vigil(['db', 'import', '--cache-dir', path.join(tmp, 'import-cache'), '--custom', yaml]);
    assert.match(yamlRun.stderr, /skipped .*shadow\.yaml: not valid YAML \(\w+\) at line \d+, column \d+/);
  });

  it('requirement lines built to make a regular expression backtrack are read in linear time', () => {
    const lines = [
      `a${' '.repeat(200_000)}x`,
      '\\'.repeat(200_000),
      `${'\\'.repeat(100_000)}x\\`,
      `a==${'1'.repeat(100_000)}x`,
      'urllib3==1.24.1',
    ];
    fs.writeFileSync(path.join(repo, 'requirements.txt'), `${lines.join('\n')}\n`);
    assert.ok(ids(scan(repo, '--format', 'json')).includes(knownId));
  });

  it('an ignore-file glob built to backtrack ends, and still matches', () => {
    const deep = path.join(repo, 'a'.repeat(200));
    fs.mkdirSync(deep);
    fs.renameSync(path.join(repo, 'requirements.txt'), path.join(deep, 'requirements.txt'));
    fs.writeFileSync(path.join(repo, '.trivyignore.yaml'), `vulnerabilities:\n  - id: ${knownId}\n    paths: ["${'*a'.repeat(12)}/requirements.txt", "${'*a'.repeat(12)}b"]\n`);
    assert.ok(!ids(scan(repo, '--format', 'json')).includes(knownId));
    // A skip glob of the same shape, over a path that does not match it.
    const skipped = scan(repo, '--format', 'json', '--skip-dirs', `${'*a'.repeat(12)}b`);
    assert.equal(skipped.code, 0, skipped.stderr);
  });

  it('a FIFO, /dev/zero or /dev/urandom as the target is a clear error', function () {
    const fifo = path.join(repo, 'pipe-requirements.txt');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      skipOrFail(this, 'mkfifo is needed for this test');
    }
    const zero = path.join(repo, 'package-lock.json');
    fs.symlinkSync('/dev/zero', zero);
    for (const [target, kind] of [[fifo, 'a FIFO'], [zero, 'a character device'], ['/dev/urandom', 'a character device']]) {
      const run = scan(target);
      assert.equal(run.code, 1, `${target}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`is ${kind}.*not a regular file or folder`));
    }
    // Inside a folder the same files are skipped with a note, and the rest is scanned.
    fs.rmSync(zero);
    fs.renameSync(fifo, path.join(repo, 'sub-requirements.txt'));
    fs.mkdirSync(path.join(repo, 'sub'));
    fs.renameSync(path.join(repo, 'sub-requirements.txt'), path.join(repo, 'sub', 'requirements.txt'));
    const folder = scan(repo);
    assert.equal(folder.code, 0, folder.stderr);
    assert.match(folder.stdout, /sub\/requirements\.txt: not a regular file \(a FIFO, socket or device\); not read/);
  });

  it('file names with escape sequences reach the table and stderr escaped', () => {
    const evil = 'x\x1b]0;pwned\x07\x1b[2J\r\nforged line\x9b';
    const dir = path.join(repo, evil);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'urllib3==1.24.1\n');
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{ not json');
    fs.symlinkSync(path.join(outside, 'environ'), path.join(dir, 'package-lock.json.link'));
    fs.symlinkSync('/etc', path.join(repo, `${evil}-link`));
    fs.symlinkSync(path.join(outside, 'environ'), path.join(repo, '.trivyignore'));
    const run = scan(repo);
    assert.equal(run.code, 1, `the broken package-lock.json fails the run: ${run.stderr}`);
    for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]]) {
      assert.ok(!CONTROL.test(text), `${stream} holds a raw control character`);
      assert.ok(!text.split('\n').some((line) => line.startsWith('forged line')), `${stream} has a forged line`);
    }
    assert.ok(run.stdout.includes('x\\x1b]0;pwned\\x07\\x1b[2J\\r\\nforged line\\x9b/requirements.txt (pip)'));
  });

  it('a NUL byte past the first 8 KiB makes the file binary, not a different package', () => {
    fs.writeFileSync(path.join(repo, 'requirements.txt'), `${'# padding\n'.repeat(1000)}url\0lib3==1.24.1\n`);
    const run = scan(repo, '--format', 'json', '--skip-errors');
    assert.deepEqual(ids(run), []);
    assert.match(JSON.stringify(JSON.parse(run.stdout).VigilErrors), /binary content/);
  });

  it('--output leaves no empty report when the write fails', function () {
    if (spawnSync('bash', ['-c', 'ulimit -f 0']).status !== 0) skipOrFail(this, 'bash cannot set ulimit -f here');
    const output = path.join(tmp, 'report.json');
    // A file-size limit of 0: any write fails (EFBIG) after the file was created.
    const run = vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', '--output', output, repo], {
      cwd: tmp, shellPrefix: 'trap "" XFSZ; ulimit -f 0',
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /EFBIG/);
    assert.ok(!fs.existsSync(output), 'a report was left behind');
    assert.deepEqual(fs.readdirSync(tmp).filter((name) => name.includes('report.json')), [], 'no temp file was left behind');
    // And an earlier report stays whole.
    fs.writeFileSync(output, 'earlier report');
    vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', '--output', output, repo], {
      cwd: tmp, shellPrefix: 'trap "" XFSZ; ulimit -f 0',
    });
    assert.equal(fs.readFileSync(output, 'utf8'), 'earlier report');
  });
});
