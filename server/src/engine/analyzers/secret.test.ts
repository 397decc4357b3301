// The secret analyzer: Trivy's rule table, accuracy on the labeled corpus, Trivy's own scanner
// cases, masking in every CLI output, and linear time on adversarial input for every rule.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusOrSkip, REPO_ROOT } from '../../../../test/helpers/corpus';
import { doublingRatio, LINEAR_RATIO } from '../../../../test/helpers/linear-time';
import { indexRules, SECRET_RULES } from '../rules';
import { SECRET_RULE_SPECS } from '../rules/secrets';
import { isPlaceholder, maskSecret, SecretScanner, type SecretScan } from '../secrets/scanner';
import { decodeText } from '../text';
import type { Finding } from '../types';
import { scanPath } from '../scan';
import { ANALYZERS } from '.';

const scanner = new SecretScanner();

interface Label {
  file: string;
  kind: 'positive' | 'decoy';
  expected_findings: { category: string; line: number; end_line?: number; value: string; also_on_lines?: number[] }[];
  must_not_flag: { line: number; value: string }[];
  other_trivy_findings?: { rule: string; line: number }[];
}

describe('secret analyzer', () => {
  it('has every rule of Trivy\'s built-in set, with its category, severity, title and keywords', function () {
    const dir = corpusOrSkip(this, 'secrets', 'trivy');
    const trivy = JSON.parse(fs.readFileSync(path.join(dir, 'builtin-rules.json'), 'utf8')).rules as
      { id: string; category: string; title: string; severity: string | null; keywords: string[] }[];
    indexRules(SECRET_RULES);
    const ours = new Map(SECRET_RULE_SPECS.map(spec => [spec.id, spec]));
    for (const rule of trivy) {
      const spec = ours.get(rule.id);
      assert.ok(spec, `missing rule ${rule.id}`);
      assert.deepEqual(
        [spec.category, spec.title, spec.severity, spec.keywords],
        [rule.category, rule.title, rule.severity ?? 'UNKNOWN', rule.keywords], rule.id);
    }
    // The corpus's Trivy commit has 105; azure-data-factory-registration-key came after it.
    const trivyIds = SECRET_RULE_SPECS.filter(spec => !spec.vigil).map(spec => spec.id);
    assert.equal(trivyIds.length, 106);
    assert.deepEqual(trivyIds.filter(id => !trivy.some(rule => rule.id === id)), ['azure-data-factory-registration-key']);
  });

  it('finds the labeled secrets (recall and precision >= 99%) and nothing in the decoys', function () {
    const dir = corpusOrSkip(this, 'secrets');
    const labels = JSON.parse(fs.readFileSync(path.join(dir, 'labeled', 'labels.json'), 'utf8')).files as Label[];
    let expected = 0;
    let found = 0;
    let reported = 0;
    let correct = 0;
    const problems: string[] = [];
    for (const label of labels) {
      const text = fs.readFileSync(path.join(dir, label.file), 'utf8');
      const findings = scanner.scan(label.file, text);
      // Lines where a finding is right: the labels, the same secret again, and Trivy's own extra finding.
      // A label spans its value's lines (a PEM key's header to its footer).
      const spans = (want: Label['expected_findings'][number]) =>
        [[want.line, want.end_line ?? want.line], ...(want.also_on_lines ?? []).map(line => [line, line])];
      const rightLines = [
        ...label.expected_findings.flatMap(spans),
        ...label.kind === 'positive' ? (label.other_trivy_findings ?? []).map(f => [f.line, f.line]) : [],
      ];
      const overlaps = (finding: Finding, [first, last]: number[]) => finding.location.startLine <= last && finding.location.endLine >= first;
      for (const finding of findings) {
        reported++;
        if (rightLines.some(lines => overlaps(finding, lines))) correct++;
        else problems.push(`false positive: ${label.file}:${finding.location.startLine} ${finding.rule.id}`);
      }
      for (const want of label.expected_findings) {
        expected++;
        if (findings.some(f => spans(want).some(lines => overlaps(f, lines)))) found++;
        else problems.push(`missed: ${label.file}:${want.line} ${want.category}`);
      }
      if (label.kind === 'decoy') assert.deepEqual(findings.map(f => f.rule.id), [], `${label.file} is a decoy`);
    }
    const recall = found / expected;
    const precision = correct / reported;
    console.log(`      labeled corpus: recall ${(100 * recall).toFixed(1)}% (${found}/${expected}), precision ${(100 * precision).toFixed(1)}% (${correct}/${reported})`);
    assert.ok(recall >= 0.99 && precision >= 0.99, problems.join('\n'));
  });

  it('agrees with Trivy\'s scanner tests for the built-in rules', function () {
    const dir = corpusOrSkip(this, 'secrets');
    const cases = JSON.parse(fs.readFileSync(path.join(dir, 'trivy', 'scanner-test-expectations.json'), 'utf8')).cases as
      { name: string; input_file: string; config_file: string; expected_findings: { RuleID: string; StartLine: number; EndLine: number }[] }[];
    // These use the built-in rules alone; the cases with custom-rule configs are in ../secrets/config.test.ts.
    const builtin = cases.filter(c => c.config_file.endsWith('skip-test.yaml') && fs.existsSync(path.join(dir, c.input_file)));
    assert.ok(builtin.length >= 30);
    for (const testCase of builtin) {
      const text = fs.readFileSync(path.join(dir, testCase.input_file), 'utf8');
      // Trivy's test disables its `tests` path rule for files under testdata/: scan them by name.
      const findings = scanner.scan(path.basename(testCase.input_file), text);
      const got = findings.map(f => `${f.rule.id}:${f.location.startLine}-${f.location.endLine}`).sort();
      const want = testCase.expected_findings.map(f => `${f.RuleID}:${f.StartLine}-${f.EndLine}`).sort();
      assert.deepEqual(got, want, testCase.name);
    }
  });

  it('masks secrets: a short prefix, then stars', () => {
    assert.equal(maskSecret('AKIAVQJXXVBOTHD2WTFL'), 'AKIA****************');
    assert.equal(maskSecret('hunter22'), 'hu******');
    assert.equal(maskSecret('abc'), '***');
    const text = 'a = "ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos" b = "AKIAVQJXXVBOTHD2WTFL"\n';
    const findings = scanner.scan('config.txt', text);
    assert.deepEqual(findings.map(f => f.rule.id), ['github-pat', 'aws-access-key-id']);
    for (const finding of findings) {
      // Each match masks every secret on the line, not only its own.
      assert.ok(!finding.match!.includes('ghp_28UZ5') && !finding.match!.includes('AKIAVQJX'), finding.match);
      assert.ok(!finding.message.includes('28UZ5') && !finding.message.includes('VQJX'), finding.message);
    }
  });

  it('passes placeholders, example keys and lockfile-like hashes over', () => {
    assert.ok(isPlaceholder('AKIAXXXXXXXXXXXXXXXX'));
    assert.ok(!isPlaceholder('AKIAVQJXXVBOTHD2WTFL'));
    const text = [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      '"integrity": "sha512-3o4gP3dp93KN0a4KtVhLXPiIlGue4CXRMZLptzVnF24dOT4R3qniy0mAeFKnfbv6U+ZPAT4nJQUSGFWa/eMPw=="',
      '',
    ].join('\n');
    assert.deepEqual(scanner.scan('config.txt', text), []);
    // Trivy's path allow rules: test and example paths, vendor dirs.
    const key = 'GITHUB_TOKEN=ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos\n';
    assert.equal(scanner.scan('app/settings.env', key).length, 1);
    for (const skipped of ['app/test/settings.env', 'examples/app.env', 'src/vendor/x.env', 'app/settings.test.env']) {
      assert.deepEqual(scanner.scan(skipped, key), [], skipped);
    }
  });

  it('finds multi-line private keys, with the secret\'s range', () => {
    const body = 'MIIEowIBAAKCAQEAu/Nua0/1y08gkbnBfKd6VDHia8Na0ATgMQqZ4YEbi/t73g84\nIEPQPkLbPF3XDe++JA1QzqTZbbePLsW44DbbgMX/5jj+Sh2SvGe5IXNeNwyyMox+';
    const text = `x\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    const [finding] = scanner.scan('key.pem', text);
    assert.equal(finding.rule.id, 'private-key');
    assert.deepEqual([finding.location.startLine, finding.location.startColumn, finding.location.endLine], [3, 1, 4]);
    assert.ok(!finding.match!.includes('u/Nua0'));
  });

  it('runs in the engine: binary files passed over, inline ignores honoured', async () => {
    const secret = 'GITHUB_TOKEN=ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secret-engine-'));
    fs.writeFileSync(path.join(dir, 'a.env'), `${secret}\n`);
    fs.writeFileSync(path.join(dir, 'b.env'), `# vigil:ignore:github-pat\n${secret}\n`);
    fs.writeFileSync(path.join(dir, 'c.bin'), `\u0000${secret}\n`);
    const scan = await scanPath(dir, { scanners: ['secret'] }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
    const reported = scan.results.filter(r => r.secrets.length > 0);
    assert.deepEqual(reported.map(r => [r.target, r.class, r.secrets.map(s => s.rule.id)]), [['a.env', 'secret', ['github-pat']]]);
    assert.deepEqual(scan.errors, []);
    assert.ok(ANALYZERS.some(a => a.scanner === 'secret' && a.fileNames.includes('*') && a.reads === 'bytes'));
  });

  it('stays linear on adversarial input for every rule (time(2N)/time(N) < 3 at one of two doublings, lines up to 1 MiB)', function () {
    this.timeout(600_000);
    const ratio = (shape: (n: number) => string, n: number) => doublingRatio(shape, text => scanner.scan('input.txt', text), n, 3).ratio;
    const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    // Per rule, one line of: the keyword then a run of letters and digits (what most secrets are
    // made of); the keyword then a run of white space and quotes.
    const shapes = (keyword: string) => [
      (n: number) => fill(`${keyword}=`, 16) + fill('aB3', n),
      (n: number) => keyword + fill(' "', n),
    ];
    const slow: string[] = [];
    const check = (name: string, shape: (n: number) => string, n: number) => {
      const found = ratio(shape, n);
      if (found >= LINEAR_RATIO) slow.push(`${name} ${JSON.stringify(shape(8))}…: ${found.toFixed(2)}`);
    };
    for (const spec of SECRET_RULE_SPECS) for (const shape of shapes(spec.keywords[0])) check(spec.id, shape, 64 * 1024);
    // Every rule's keyword over and over, a line each, in one file: a rule whose work at each
    // occurrence grew with its line would dominate the file's time. (Measured per rule, such a line
    // steps up about 3 times per doubling below 512 KiB as it outgrows the caches.)
    check('every keyword, a line each', n => SECRET_RULE_SPECS.map(spec => fill(spec.keywords[0], n)).join('\n'), 16 * 1024);
    // Every keyword and its secret-shaped runs on one 1 MiB line; a private key's header over and
    // over, each without an end; JWT-like runs.
    const everything = SECRET_RULE_SPECS.map(spec => `${spec.keywords[0]}=${'aB3/+='.repeat(20)} `).join('');
    check('all rules', n => fill(everything, n), 256 * 1024);
    check('private-key', n => fill('-----BEGIN RSA PRIVATE KEY-----\nAAAA', n), 256 * 1024);
    check('jwt-token', n => fill('eyJhbGciOiJIUzI1NiJ9aaaa.eyJ', n), 256 * 1024);
    assert.deepEqual(slow, []);
  });

  it('never prints a secret it found: the CLI\'s table, JSON and SARIF outputs of the labeled corpus', function () {
    this.timeout(120_000);
    const dir = corpusOrSkip(this, 'secrets', 'labeled');
    const labels = JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')).files as Label[];
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secrets-'));
    try {
      for (const label of labels) {
        const target = path.join(tree, label.file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(path.join(dir, '..', label.file), target);
      }
      // Whole values, and for long ones a stretch from their middle (a secret cut short is still a leak).
      // (A PEM key's label starts with its header, which is no secret: its body is.)
      const values = labels.flatMap(l => l.expected_findings.map(f => f.value.replace(/\.\.\.\(\d+ chars\)$/, '').replace(/^-----[A-Z ]+-----(?:\\n|\n)/, '')))
        .flatMap(v => (v.length > 24 ? [v, v.slice(8, 24)] : [v]));
      for (const format of ['table', 'json', 'sarif']) {
        const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/cli/main.ts'),
          'fs', '--scanners', 'secret', '--format', format, '--quiet', tree], { encoding: 'utf8', cwd: REPO_ROOT });
        assert.ok(format !== 'json' || JSON.parse(output).Results.length >= 15, 'the JSON report lists the secrets');
        for (const value of values) assert.ok(!output.includes(value), `${format} output holds a secret (${maskSecret(value)})`);
      }
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  describe('reading bytes', () => {
    /** What the scan of the decoded text gives, which scanBytes must give too. */
    const ofText = (file: string, bytes: Uint8Array): SecretScan => scanner.scanFile(file, decodeText(bytes));
    const key = 'ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos';

    it('finds what the scan of the decoded text finds, with the same ranges, in every file of the secrets corpus', function () {
      const dir = corpusOrSkip(this, 'secrets');
      const files: string[] = [];
      const walk = (at: string) => {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(path.join(at, entry.name));
          else files.push(path.join(at, entry.name));
        }
      };
      walk(dir);
      let withFindings = 0;
      for (const file of files) {
        const bytes = fs.readFileSync(file);
        if (bytes.includes(0)) continue;
        // By base name, so that the test paths of the corpus are not passed over.
        const name = path.basename(file);
        const expected = ofText(name, bytes);
        assert.deepEqual(scanner.scanBytes(name, bytes), expected, file);
        if (expected.findings.length > 0) withFindings++;
      }
      assert.ok(withFindings >= 50, `${withFindings} files with findings`);
    });

    it('counts columns in UTF-16 units after non-ASCII text, and reads byte order marks, CRLF and invalid UTF-8 as decodeText does', () => {
      const texts = [
        `é ü ${key}\n`,
        `😀😀 token = "${key}" ✓\r\nnext\r\n`,
        `\ufeffGITHUB_TOKEN=${key}\n`,
        `\ufeff${key}\n`,
        `intro ö\n\n  -----BEGIN RSA PRIVATE KEY-----\r\nMIIEowIBAAKCAQEAu/Nua0/1y08gkbnBfKd6VDHia8Na0ATgMQqZ4YEbi/t73g84\r\n-----END RSA PRIVATE KEY-----\r\n`,
        `日本 aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9d8f3k2L"\n`,
        `no newline at the end: ${key}`,
      ];
      const inputs = [
        ...texts.map(text => Buffer.from(text, 'utf8')),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`x ${key}\n`, 'utf16le')]),
        Buffer.concat([Buffer.from('a \xff\xfe b ', 'latin1'), Buffer.from(`${key}\n`)]),
      ];
      for (const bytes of inputs) {
        const expected = ofText('app.env', bytes);
        assert.equal(expected.findings.length, 1, bytes.toString('latin1'));
        assert.deepEqual(scanner.scanBytes('app.env', bytes), expected, bytes.toString('latin1'));
      }
      // A rule for some paths only; a binary file (a NUL byte) is passed over; a test path is skipped.
      const settings = Buffer.from('<settings>\n  <password>s3cr3tV4lue</password>\n</settings>\n');
      assert.deepEqual(scanner.scanBytes('settings.xml', settings), ofText('settings.xml', settings));
      assert.equal(scanner.scanBytes('settings.xml', settings).findings.length, 1);
      assert.deepEqual(scanner.scanBytes('notes.xml', settings).findings, []);
      assert.deepEqual(scanner.scanBytes('a.bin', Buffer.from(`\u0000${key}\n`)), { findings: [], notes: [] });
      assert.deepEqual(scanner.scanBytes('src/test/a.env', Buffer.from(`${key}\n`)), { findings: [], notes: [] });
    });

    it('keeps every built-in pattern on its keyword\'s line, as the byte scan assumes', () => {
      // The byte scan tries each pattern on its keyword's line alone (with the line breaks around
      // it). A pattern that could consume a line break, or look further than one character past
      // its match, could match in the whole text and not on the line.
      const lookArounds = /\(\?<?[=!](?:\[[^\]]*\]|\\s\|\$)\)/g;
      for (const spec of SECRET_RULE_SPECS) {
        if (spec.pattern === undefined) continue;
        const source = spec.pattern.replace(lookArounds, '');
        const problems: string[] = [];
        if (/\(\?<?[=!]/.test(source)) problems.push('a look-around of more than one character');
        for (let i = 0; i < source.length; i++) {
          if (source[i] === '\\') {
            if ('sWDn'.includes(source[i + 1])) problems.push(`\\${source[i + 1]} outside a negated class`);
            i++;
          } else if (source[i] === '[') {
            const end = source.indexOf(']', i + 2);
            const body = source.slice(i + 1, end);
            if (body.startsWith('^') && !/\\[sn]/.test(body)) problems.push(`[${body}] takes a line break`);
            if (!body.startsWith('^') && /\\[sWDn]/.test(body)) problems.push(`[${body}] takes a line break`);
            i = end;
          } else if (source[i] === '^' || source[i] === '$') {
            problems.push(`${source[i]} outside a look-ahead`);
          }
        }
        assert.deepEqual(problems, [], spec.id);
      }
    });

    it('stays linear on adversarial bytes: every keyword on long lines, non-ASCII runs between them', function () {
      this.timeout(300_000);
      const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      const everything = SECRET_RULE_SPECS.map(spec => `${spec.keywords[0]}=${'aB3/+='.repeat(20)} é😀 `).join('');
      const shapes: [string, (n: number) => Buffer][] = [
        ['all rules on one line', n => Buffer.from(fill(everything, n))],
        ['all rules, a line each', n => Buffer.from(fill(SECRET_RULE_SPECS.map(spec => `ö ${spec.keywords[0]} ü`).join('\n'), n))],
        ['private-key headers', n => Buffer.from(fill('-----BEGIN RSA PRIVATE KEY-----é\nAAAA', n))],
      ];
      const slow: string[] = [];
      for (const [name, shape] of shapes) {
        const { ratio } = doublingRatio(shape, bytes => scanner.scanBytes('input.txt', bytes), 256 * 1024, 3);
        if (ratio >= LINEAR_RATIO) slow.push(`${name}: ${ratio.toFixed(2)}`);
      }
      assert.deepEqual(slow, []);
    });
  });
});
