import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walk, type WalkEntry, type WalkOptions } from './walker';
import { skipOrFail } from '../../../test/helpers/skip';

async function collect(root: string, options?: WalkOptions): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  for await (const entry of walk(root, options)) entries.push(entry);
  return entries;
}

const filesInOrder = (entries: WalkEntry[]) => entries.filter((e) => e.kind === 'file').map((e) => e.path);
const filesOf = (entries: WalkEntry[]) => filesInOrder(entries).sort();
const notesOf = (entries: WalkEntry[]) => entries.filter((e) => e.kind === 'note');
const errorsOf = (entries: WalkEntry[]) => entries.filter((e) => e.kind === 'error');

/** Creates files (content given) and directories (trailing slash) under `root`. */
function layout(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    if (relative.endsWith('/')) fs.mkdirSync(target, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
}

describe('walk', () => {
  let tmp: string;
  let root: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-walk-'));
    root = path.join(tmp, 'project');
    fs.mkdirSync(root);
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("yields a directory's files, then its subdirectories, in name order; leaves out .git and node_modules", async () => {
    layout(root, {
      'package-lock.json': '{}',
      'b/requirements.txt': '',
      'a/x.txt': '',
      '.git/config': '',
      'node_modules/left-pad/package.json': '{}',
      'sub/node_modules/x/package.json': '{}',
    });
    assert.deepEqual(filesInOrder(await collect(root)), ['package-lock.json', 'a/x.txt', 'b/requirements.txt']);
    const withModules = filesOf(await collect(root, { includeNodeModules: true }));
    assert.ok(withModules.includes('node_modules/left-pad/package.json'));
    assert.ok(withModules.includes('sub/node_modules/x/package.json'));
    assert.ok(!withModules.some((p) => p.startsWith('.git/')));
  });

  it('yields only claimed files', async () => {
    layout(root, { 'package-lock.json': '{}', 'README.md': '', 'sub/package-lock.json': '{}' });
    const files = filesOf(await collect(root, { claims: (p) => p.endsWith('package-lock.json') }));
    assert.deepEqual(files, ['package-lock.json', 'sub/package-lock.json']);
  });

  it('honours root and nested .gitignore files, negation included', async () => {
    layout(root, {
      '.gitignore': '*.txt\n!requirements.txt\nbuild/\n',
      'notes.txt': '',
      'requirements.txt': '',
      'build/package-lock.json': '{}',
      'app/.gitignore': '!notes.txt\nrequirements.txt\n',
      'app/notes.txt': '',
      'app/requirements.txt': '',
      'app/other.txt': '',
    });
    const files = filesOf(await collect(root));
    assert.deepEqual(files, ['.gitignore', 'app/.gitignore', 'app/notes.txt', 'requirements.txt']);
    const unfiltered = filesOf(await collect(root, { gitignore: false }));
    assert.ok(unfiltered.includes('build/package-lock.json'));
    assert.ok(unfiltered.includes('app/other.txt'));
  });

  it('applies skipDirs and skipFiles globs relative to the root', async () => {
    layout(root, {
      'vendor/a/package-lock.json': '{}',
      'x/vendor/requirements.txt': '',
      'x/keep/requirements.txt': '',
      'docs/example/package-lock.json': '{}',
      'docs/package-lock.json': '{}',
      'test/fixtures/requirements.txt': '',
    });
    const files = filesOf(
      await collect(root, {
        skipDirs: ['**/vendor', './test/fixtures/'],
        skipFiles: ['docs/*.json', path.join(root, 'docs/example/package-lock.json')],
      }),
    );
    assert.deepEqual(files, ['x/keep/requirements.txt']);
  });

  it('skips files over the size limit with a note', async () => {
    layout(root, { 'big.json': 'x'.repeat(2048), 'small.json': '{}' });
    const entries = await collect(root, { maxFileSize: 1024 });
    assert.deepEqual(filesOf(entries), ['small.json']);
    assert.deepEqual(
      notesOf(entries).map((n) => [n.path, n.message]),
      [['big.json', 'skipped: 2.0 KiB is over the 1.0 KiB size limit']],
    );
  });

  it('does not follow a symlink out of the root and says so', async () => {
    layout(tmp, { 'outside/package-lock.json': '{}', 'outside-file.txt': '' });
    layout(root, { 'in.txt': '' });
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(root, 'out-dir'));
    fs.symlinkSync(path.join(tmp, 'outside-file.txt'), path.join(root, 'out-file.txt'));
    fs.symlinkSync('../outside', path.join(root, 'relative-out'));
    const entries = await collect(root);
    assert.deepEqual(filesOf(entries), ['in.txt']);
    assert.deepEqual(
      notesOf(entries).map((n) => n.path),
      ['out-dir', 'out-file.txt', 'relative-out'],
    );
  });

  it('walks each directory once through symlink loops and aliases', async () => {
    layout(root, { 'a/b/requirements.txt': '', 'hidden/package-lock.json': '{}', 'real.txt': '' });
    fs.symlinkSync(root, path.join(root, 'a/b/loop-to-root'));
    fs.symlinkSync('..', path.join(root, 'a/loop-to-parent'));
    fs.symlinkSync('a', path.join(root, 'alias-of-a'));
    fs.symlinkSync('real.txt', path.join(root, 'link.txt'));
    fs.symlinkSync('self', path.join(root, 'self'));
    const files = filesOf(await collect(root));
    assert.deepEqual(files, ['a/b/requirements.txt', 'hidden/package-lock.json', 'link.txt', 'real.txt']);
  });

  it('follows an in-root directory link whose real path is not walked otherwise', async () => {
    layout(root, { '.gitignore': 'generated/\n', 'generated/requirements.txt': '' });
    fs.symlinkSync('generated', path.join(root, 'linked'));
    assert.deepEqual(filesOf(await collect(root)), ['.gitignore', 'linked/requirements.txt']);
  });

  // An unreadable file is yielded: reading it through the file source fails, and the scan reports that (scan.test.ts).
  it('reports an unreadable directory as an error and goes on', async function () {
    layout(root, { 'locked/requirements.txt': '', 'secret.txt': '', 'ok.txt': '' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    fs.chmodSync(path.join(root, 'secret.txt'), 0o000);
    try {
      if (process.getuid?.() !== 0) {
        const entries = await collect(root);
        assert.deepEqual(filesOf(entries), ['ok.txt', 'secret.txt']);
        assert.deepEqual(errorsOf(entries).map((e) => e.path).sort(), ['locked']);
        assertCodeOnce(errorsOf(entries));
        return;
      }
      // As root, permission bits do not block reads: everything is walked.
      const asRoot = await collect(root);
      assert.deepEqual(filesOf(asRoot), ['locked/requirements.txt', 'ok.txt', 'secret.txt']);
      assert.deepEqual(errorsOf(asRoot), []);
      // Run the same walk as an unprivileged user, where EACCES does happen.
      const run = walkAsUser(root, 65534);
      if ('failure' in run) skipOrFail(this, `cannot run a child process as uid 65534: ${run.failure}`);
      const asNobody = run.entries;
      assert.deepEqual(filesOf(asNobody), ['ok.txt', 'secret.txt']);
      assert.deepEqual(errorsOf(asNobody).map((e) => e.path).sort(), ['locked']);
      assert.match((errorsOf(asNobody)[0] as { message: string }).message, /EACCES/);
      assertCodeOnce(errorsOf(asNobody));
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('stops when the signal is aborted', async () => {
    layout(root, { 'a/1.txt': '', 'b/2.txt': '', 'c/3.txt': '' });
    const controller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const entry of walk(root, { signal: controller.signal })) {
        seen.push(entry.path);
        controller.abort();
      }
    }, { name: 'AbortError' });
    assert.deepEqual(seen, ['a/1.txt']);
  });

  it('refuses a FIFO or a device given as the root, instead of blocking or reading forever', async function () {
    const fifo = path.join(root, 'requirements.txt');
    if (!makeFifo(fifo)) skipOrFail(this, 'mkfifo is needed for this test');
    await assert.rejects(collect(fifo), /requirements\.txt is a FIFO \(named pipe\), not a regular file or folder/);
    const zero = path.join(tmp, 'package-lock.json');
    fs.symlinkSync('/dev/zero', zero);
    await assert.rejects(collect(zero), /package-lock\.json is a character device, not a regular file or folder/);
    await assert.rejects(collect('/dev/urandom'), /\/dev\/urandom is a character device/);
  });

  it('skips a FIFO inside the folder, or an in-root link to one, with a note', async function () {
    layout(root, { 'ok/requirements.txt': 'six==1.16.0\n', 'pipes/': '' });
    if (!makeFifo(path.join(root, 'pipes', 'requirements.txt'))) skipOrFail(this, 'mkfifo is needed for this test');
    fs.symlinkSync(path.join('pipes', 'requirements.txt'), path.join(root, 'requirements.txt'));
    const entries = await collect(root);
    assert.deepEqual(filesOf(entries), ['ok/requirements.txt']);
    assert.deepEqual(notesOf(entries).map((n) => [n.path, n.message]).sort(), [
      ['pipes/requirements.txt', 'not a regular file (a FIFO, socket or device); not read'],
      ['requirements.txt', 'not a regular file (a FIFO, socket or device); not read'],
    ]);
  });

  it('yields a file given as the root', async () => {
    layout(root, { 'package-lock.json': '{}' });
    const entries = await collect(path.join(root, 'package-lock.json'));
    assert.deepEqual(filesOf(entries), ['package-lock.json']);
  });
});

/** An fs error's code appears once: `EACCES: permission denied`, not `EACCES: EACCES: ...`. */
function assertCodeOnce(errors: WalkEntry[]) {
  for (const error of errors) assert.doesNotMatch((error as { message: string }).message, /(E[A-Z]+): \1/);
}

/** mkfifo, where the system has it; under CI=true it must. */
function makeFifo(file: string): boolean {
  const made = spawnSync('mkfifo', [file]).status === 0;
  if (!made && process.env.CI === 'true') throw new Error('mkfifo is needed for this test');
  return made;
}

/**
 * Runs `walk` in a child process under another uid. The child loads a bundle of the walker from a
 * world-readable temp folder, since that user may not be able to read the checkout.
 */
function walkAsUser(root: string, uid: number): { entries: WalkEntry[] } | { failure: string } {
  fs.chmodSync(path.dirname(root), 0o755);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-walk-as-user-'));
  try {
    fs.chmodSync(dir, 0o755);
    const bundle = path.join(dir, 'walker.js');
    buildSync({ entryPoints: [path.join(__dirname, 'walker.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    fs.chmodSync(bundle, 0o644);
    const script = [
      `const { walk } = require(${JSON.stringify(bundle)});`,
      `(async () => { const out = []; for await (const e of walk(${JSON.stringify(root)})) out.push(e);`,
      `process.stdout.write(JSON.stringify(out)); })();`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['-e', script], {
      uid,
      gid: uid,
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
    });
    if (child.status !== 0) return { failure: child.error?.message ?? (child.stderr.trim() || `exit ${child.status}`) };
    return { entries: JSON.parse(child.stdout) as WalkEntry[] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
