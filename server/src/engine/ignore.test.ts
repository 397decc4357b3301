import { skipOrFail } from '../../../test/helpers/skip';
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatIgnoreEntry, globMatches, loadIgnorePolicy, parseIgnoreFile } from './ignore';

const NOW = new Date('2025-03-01T12:00:00Z');

describe('ignore files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ignore-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  describe('.trivyignore text syntax', () => {
    it('reads IDs, skips comments and blank lines, and applies expiry', () => {
      const file = write(
        '.trivyignore',
        [
          '# Accept until the upgrade lands',
          'CVE-2019-11358',
          '',
          '   GHSA-3p3h-qghp-hvh2   ',
          'CVE-2019-14806 exp:2025-01-01',
          'CVE-2020-28724 exp:2099-12-31 # waiting for upstream',
          '\tCVE-2021-23337 # lodash, not reachable',
        ].join('\n'),
      );
      const policy = loadIgnorePolicy([file], NOW);
      assert.deepStrictEqual(
        policy.entries.map((e) => [e.id, e.line, e.expiresAt, e.expired]),
        [
          ['CVE-2019-11358', 2, undefined, false],
          ['GHSA-3p3h-qghp-hvh2', 4, undefined, false],
          ['CVE-2019-14806', 5, '2025-01-01', true],
          ['CVE-2020-28724', 6, '2099-12-31', false],
          ['CVE-2021-23337', 7, undefined, false],
        ],
      );
      // The only warning is the expired entry, as a printable line.
      assert.deepStrictEqual(policy.warnings, [`${file}:5: CVE-2019-14806 expired on 2025-01-01 and is no longer ignored`]);
      assert.deepStrictEqual(policy.expired().map((e) => e.id), ['CVE-2019-14806']);

      assert.strictEqual(policy.isIgnored({ id: 'CVE-2019-11358' }), true);
      assert.strictEqual(policy.isIgnored({ id: 'CVE-2019-14806' }), false, 'expired entries no longer ignore');
      assert.strictEqual(policy.isIgnored({ id: 'CVE-2020-28724' }), true);
      assert.strictEqual(policy.isIgnored({ id: 'CVE-2022-0001' }), false);
      // Matching any alias counts, in either direction.
      assert.strictEqual(policy.isIgnored({ id: 'CVE-2020-28724', aliases: ['GHSA-3p3h-qghp-hvh2'] }), true);
      assert.strictEqual(policy.isIgnored({ id: 'PYSEC-2020-999', aliases: ['CVE-2019-11358'] }), true);
      assert.strictEqual(policy.matchingEntry({ id: 'ghsa-3p3h-qghp-hvh2' })?.line, 4, 'IDs compare case-insensitively');
    });

    it('expires on the expiry day itself', () => {
      const { entries } = parseIgnoreFile('CVE-1 exp:2025-03-01\nCVE-2 exp:2025-03-02\n', '.trivyignore', NOW);
      assert.deepStrictEqual(entries.map((e) => e.expired), [true, false]);
    });

    it('warns about malformed lines instead of failing', () => {
      const { entries, warnings } = parseIgnoreFile(
        'CVE-2019-11358 exp:2025-13-45\nCVE-2020-1 exp:tomorrow\nCVE-2020-2 because reasons\r\n',
        '.vigilignore',
        NOW,
        { named: true },
      );
      assert.deepStrictEqual(entries.map((e) => [e.id, e.expired, e.expiresAt]), [
        ['CVE-2019-11358', false, undefined],
        ['CVE-2020-1', false, undefined],
        ['CVE-2020-2', false, undefined],
      ]);
      assert.deepStrictEqual(warnings.map((w) => w.line), [1, 2, 3, 3]);
      assert.match(warnings[0].message, /exp:2025-13-45/);
    });

    it('lists missing files without failing', () => {
      const policy = loadIgnorePolicy([path.join(dir, 'nope', '.trivyignore')], NOW);
      assert.strictEqual(policy.entries.length, 0);
      assert.strictEqual(policy.missing.length, 1);
      assert.strictEqual(policy.isIgnored({ id: 'CVE-2019-11358' }), false);
    });
  });

  describe('.trivyignore.yaml', () => {
    const yamlText = [
      'vulnerabilities:',
      '  - id: CVE-2022-40897',
      '    paths:',
      '      - "services/*/requirements.txt"',
      '    statement: Accept the risk',
      '  - id: CVE-2023-3817',
      '    purls:',
      '      - "pkg:deb/debian/libssl1.1"',
      '  - id: CVE-2019-11358',
      '    expired_at: 2024-08-20',
      '    statement: "Review in 6 months"',
      '  - id: GHSA-6c3j-c64m-qhgq',
      '    paths: ["**/package-lock.json"]',
      '    purls: ["pkg:npm/jquery@3.3.9"]',
      'misconfigurations:',
      '  - id: AVD-DS-0002',
      'secrets:',
      'licenses:',
      '  - id: GPL-3.0',
      '    paths: ["vendor/**"]',
    ].join('\n');

    it('reads every section with paths, purls, expiry and statement', () => {
      const file = write('.trivyignore.yaml', yamlText);
      const policy = loadIgnorePolicy([file], NOW);
      assert.deepStrictEqual(policy.problems.map((p) => [p.line, p.message]), [
        [9, 'CVE-2019-11358 expired on 2024-08-20 and is no longer ignored'],
      ]);
      assert.deepStrictEqual(
        policy.entries.map((e) => [e.kind, e.id, e.line, e.expired]),
        [
          ['vulnerability', 'CVE-2022-40897', 2, false],
          ['vulnerability', 'CVE-2023-3817', 6, false],
          ['vulnerability', 'CVE-2019-11358', 9, true],
          ['vulnerability', 'GHSA-6c3j-c64m-qhgq', 12, false],
          ['misconfiguration', 'AVD-DS-0002', 16, false],
          ['license', 'GPL-3.0', 19, false],
        ],
      );
      assert.strictEqual(policy.entries[0].statement, 'Accept the risk');
      assert.strictEqual(policy.entries[2].expiresAt, '2024-08-20');

      const id = 'CVE-2022-40897';
      assert.strictEqual(policy.isIgnored({ id, path: 'services/api/requirements.txt' }), true);
      assert.strictEqual(policy.isIgnored({ id, path: 'requirements.txt' }), false, 'path must match');
      assert.strictEqual(policy.isIgnored({ id }), false, 'an entry with paths needs a path');

      const libssl = 'CVE-2023-3817';
      assert.strictEqual(policy.isIgnored({ id: libssl, purl: 'pkg:deb/debian/libssl1.1@1.1.1n-0+deb10u3?arch=amd64' }), true);
      assert.strictEqual(policy.isIgnored({ id: libssl, purl: 'pkg:deb/debian/openssl@1.1.1n' }), false);

      assert.strictEqual(policy.isIgnored({ id: 'CVE-2019-11358' }), false, 'expired');

      // Paths and purls must both match when both are given; the alias carries the GHSA ID.
      const jquery = { id: 'CVE-2019-11358', aliases: ['GHSA-6c3j-c64m-qhgq'] };
      assert.strictEqual(policy.isIgnored({ ...jquery, path: 'web/package-lock.json', purl: 'pkg:npm/jquery@3.3.9' }), true);
      assert.strictEqual(policy.isIgnored({ ...jquery, path: 'package-lock.json', purl: 'pkg:npm/jquery@3.3.9' }), true);
      assert.strictEqual(policy.isIgnored({ ...jquery, path: 'web/package-lock.json', purl: 'pkg:npm/jquery@3.4.0' }), false);

      // A kind given on the finding keeps sections apart.
      assert.strictEqual(policy.isIgnored({ id: 'AVD-DS-0002', kind: 'misconfiguration' }), true);
      assert.strictEqual(policy.isIgnored({ id: 'AVD-DS-0002', kind: 'vulnerability' }), false);
    });

    it('warns about malformed YAML and entries without failing', () => {
      const bad = parseIgnoreFile('vulnerabilities:\n  - id: [\n', '.trivyignore.yaml', NOW);
      assert.strictEqual(bad.entries.length, 0);
      assert.ok(bad.warnings.length > 0);

      const odd = parseIgnoreFile(
        'vulnerabilities:\n  - statement: no id\n  - id: CVE-1\n    paths: "not-a-list"\n    expired_at: soon\n    reason: x\nextras: []\n',
        '.vigilignore.yml',
        NOW,
      );
      assert.deepStrictEqual(odd.entries.map((e) => [e.id, e.paths, e.expiresAt]), [['CVE-1', undefined, undefined]]);
      assert.deepStrictEqual(
        odd.warnings.map((w) => w.line),
        [2, 3, 3, 3, 7],
      );
    });

    it('accepts an empty file', () => {
      assert.deepStrictEqual(parseIgnoreFile('', '.trivyignore.yaml', NOW), { entries: [], warnings: [] });
    });
  });

  it('merges several files', () => {
    const text = write('merge.trivyignore', 'CVE-2019-11358\n');
    const yaml = write('merge.yaml', 'vulnerabilities:\n  - id: CVE-2020-28724\n');
    const policy = loadIgnorePolicy([text, yaml], NOW);
    assert.deepStrictEqual(policy.entries.map((e) => e.file), [text, yaml]);
    assert.ok(policy.isIgnored({ id: 'CVE-2019-11358' }) && policy.isIgnored({ id: 'CVE-2020-28724' }));
  });

  describe('files found by their default name (written by the repository)', () => {
    const SECRET = 'SECRET-MARKER-12345';
    let repo: string;
    let outside: string;
    beforeEach(() => {
      repo = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-found-'));
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-outside-'));
    });
    afterEach(() => {
      fs.rmSync(repo, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    });
    const found = (name: string) => ({ file: path.join(repo, name), foundIn: repo });
    const allText = (policy: ReturnType<typeof loadIgnorePolicy>) => JSON.stringify([policy.warnings, policy.problems]);

    it('refuses a symlink that leaves the folder, naming the file and not its content', () => {
      const target = path.join(outside, 'environ');
      fs.writeFileSync(target, `PATH=/usr/bin CI_DEPLOY_TOKEN=${SECRET}\nCVE-2019-11358\n`);
      fs.symlinkSync(target, path.join(repo, '.trivyignore'));
      fs.symlinkSync(target, path.join(repo, '.trivyignore.yaml'));
      const policy = loadIgnorePolicy([found('.trivyignore'), found('.trivyignore.yaml')], NOW);
      assert.deepStrictEqual(policy.entries, []);
      assert.strictEqual(policy.warnings.length, 2);
      assert.match(policy.warnings[0], /\.trivyignore: ignore file is a symlink to .*environ, outside .*; not read$/);
      assert.ok(!allText(policy).includes(SECRET));
      // The same link named by the user is read: the user chose it.
      assert.strictEqual(loadIgnorePolicy([path.join(repo, '.trivyignore')], NOW).entries.length, 2);
    });

    it('follows a symlink that stays inside the folder', () => {
      fs.mkdirSync(path.join(repo, 'config'));
      fs.writeFileSync(path.join(repo, 'config', 'ignores'), 'CVE-2019-11358\n');
      fs.symlinkSync(path.join('config', 'ignores'), path.join(repo, '.vigilignore'));
      const policy = loadIgnorePolicy([found('.vigilignore'), found('.trivyignore')], NOW);
      assert.deepStrictEqual(policy.entries.map((e) => e.id), ['CVE-2019-11358']);
      assert.deepStrictEqual(policy.warnings, []);
      assert.deepStrictEqual(policy.missing, [path.join(repo, '.trivyignore')]);
    });

    it('refuses a FIFO or a device instead of blocking on it', function () {
      try {
        execFileSync('mkfifo', [path.join(repo, '.trivyignore')]);
      } catch {
        skipOrFail(this, 'mkfifo is needed for this test');
      }
      fs.symlinkSync('/dev/zero', path.join(repo, '.vigilignore'));
      const policy = loadIgnorePolicy([found('.trivyignore'), found('.vigilignore')], NOW);
      assert.match(policy.warnings[0], /\.trivyignore: ignore file is not a regular file; not read$/);
      assert.match(policy.warnings[1], /\.vigilignore: ignore file is a symlink to \/dev\/zero, outside/);
    });

    it('never quotes a found file in its warnings; a named file gets short escaped quotes', () => {
      const text = `DB_PASSWORD ${SECRET}\nCVE-1 exp:${SECRET}\nCVE-2 exp:2000-01-01\n`;
      const yaml = `"root:${SECRET}:1":\n  - id: x\nvulnerabilities:\n  - id: CVE-3\n    ${SECRET}: 1\n    expired_at: "${SECRET}"\n`;
      const badYaml = `vulnerabilities: [\n!${SECRET} x: {\n`;
      for (const named of [false, true]) {
        const warnings = [
          ...parseIgnoreFile(text, '.trivyignore', NOW, { named }).warnings,
          ...parseIgnoreFile(yaml, '.trivyignore.yaml', NOW, { named }).warnings,
          ...parseIgnoreFile(badYaml, '.vigilignore.yaml', NOW, { named }).warnings,
        ];
        assert.ok(warnings.length >= 7, JSON.stringify(warnings));
        assert.ok(warnings.every((w) => w.line !== undefined), 'each warning names its line');
        const joined = warnings.map((w) => w.message).join('\n');
        assert.strictEqual(joined.includes(SECRET), named, joined);
        assert.strictEqual(/DB_PASSWORD|CVE-2/.test(joined), named, joined);
      }
      const hostile = parseIgnoreFile(`CVE-1 \x1b]0;x\x07${'y'.repeat(500)}\n`, '.trivyignore', NOW, { named: true });
      const message = hostile.warnings[0].message;
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\x00-\x1f]/.test(message) && message.length < 200, message);
    });

    it('does not take a YAML section from the object prototype', () => {
      const { entries, warnings } = parseIgnoreFile('constructor:\n  - id: CVE-1\n', '.trivyignore.yaml', NOW);
      assert.deepStrictEqual(entries, []);
      assert.strictEqual(warnings.length, 1);
    });
  });

  describe('formatIgnoreEntry', () => {
    it('writes one line that parses back to the same entry', () => {
      const line = formatIgnoreEntry('GHSA-6c3j-c64m-qhgq', {
        reason: 'jQuery 3.3 is only\nused in tests',
        expires: new Date('2025-06-30T15:00:00Z'),
      });
      assert.strictEqual(line, 'GHSA-6c3j-c64m-qhgq exp:2025-06-30 # jQuery 3.3 is only used in tests');
      const { entries, warnings } = parseIgnoreFile(`${line}\n`, '.trivyignore', NOW);
      assert.deepStrictEqual(warnings, []);
      assert.deepStrictEqual(entries.map((e) => [e.id, e.expiresAt, e.expired]), [['GHSA-6c3j-c64m-qhgq', '2025-06-30', false]]);
    });

    it('writes a bare ID without options and rejects bad input', () => {
      assert.strictEqual(formatIgnoreEntry(' CVE-2019-11358 '), 'CVE-2019-11358');
      assert.strictEqual(formatIgnoreEntry('CVE-1', { expires: '2026-01-31' }), 'CVE-1 exp:2026-01-31');
      assert.throws(() => formatIgnoreEntry('CVE-1 CVE-2'));
      assert.throws(() => formatIgnoreEntry('CVE-1', { expires: '31/01/2026' }));
    });
  });

  it('matches path globs', () => {
    assert.ok(globMatches('**/package-lock.json', 'package-lock.json'));
    assert.ok(globMatches('**/package-lock.json', 'a/b/package-lock.json'));
    assert.ok(globMatches('./vendor/**', 'vendor/x/y.json'));
    assert.ok(!globMatches('src/*.json', 'src/a/b.json'));
    assert.ok(globMatches('src/?.json', 'src/a.json'));
    assert.ok(!globMatches('a.json', 'a_json'), 'dots are literal');
  });
});
