// Secret configs (Trivy's trivy-secret.yaml): every section, Trivy's own scanner cases, hostile
// configs (malformed, refused or ReDoS-shaped patterns, links out of the folder) and masking.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusOrSkip, REPO_ROOT } from '../../../../test/helpers/corpus';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { scanPath } from '../scan';
import type { Finding } from '../types';
import { analyzersWithSecretScanner, findSecretConfig, loadSecretConfig, parseSecretConfig, secretScannerFor } from './config';
import { compileRe2 } from './re2';
import { CUSTOM_RULE_MAX_MATCHES, SECRET_MAX_FILE_CHARS, SecretScanner } from './scanner';

const GITHUB_PAT = 'ghp_28UZ5ErtPpwZub4Q60SSKdi1edl0y6WU1jos';
const AWS_KEY = 'AKIAVQJXXVBOTHD2WTFL';
const CORP_TOKEN = 'corp_k3v9q2m7x4t8w1z6r5y0p2n8';
const CORP_RULE = `  - id: corp-token
    category: Corp
    title: Corp internal token
    severity: high
    keywords: [CORP_]
    regex: (?P<secret>corp_[a-z0-9]{24})
    secret-group-name: secret
`;

function scannerOf(yaml: string, options: { errors?: number } = {}): SecretScanner {
  const parsed = parseSecretConfig(yaml);
  assert.equal(parsed.errors.length, options.errors ?? 0, JSON.stringify(parsed.errors));
  return secretScannerFor(parsed.config);
}

/** Runs the CLI from any folder (tsx is found from here, not from the current folder). */
const CLI = ['--require', require.resolve('tsx/cjs'), path.join(REPO_ROOT, 'server/src/cli/main.ts')];

const ids = (findings: Finding[]) => findings.map(f => `${f.rule.id}:${f.location.startLine}`);

describe('secret config', () => {
  const text = `token = ${CORP_TOKEN}\ngithub = ${GITHUB_PAT}\naws = ${AWS_KEY}\n`;

  it('rules: a custom rule runs beside the built-in ones, with its category, title, severity (any case) and secret group', () => {
    const findings = scannerOf(`rules:\n${CORP_RULE}`).scan('app.env', text);
    assert.deepEqual(ids(findings), ['corp-token:1', 'github-pat:2', 'aws-access-key-id:3']);
    const [corp] = findings;
    assert.deepEqual([corp.rule.category, corp.rule.title, corp.severity], ['Corp', 'Corp internal token', 'HIGH']);
    assert.deepEqual([corp.location.startColumn, corp.location.endColumn], [9, 9 + CORP_TOKEN.length]);
  });

  it('rules: keywords (any case) gate a rule, path limits it, its own allow rules skip paths and matches', () => {
    const withKeyword = (keywords: string) => scannerOf(`rules:\n${CORP_RULE.replace('[CORP_]', keywords)}`).scan('app.env', text);
    assert.deepEqual(ids(withKeyword('[nowhere]')).filter(id => id.startsWith('corp')), []);
    assert.deepEqual(ids(withKeyword('[nowhere, "TOKEN ="]')).filter(id => id.startsWith('corp')), ['corp-token:1']);
    assert.deepEqual(ids(withKeyword('["tökén", "Œuvre"]')).filter(id => id.startsWith('corp')), []);
    const nonAscii = scannerOf(`rules:\n${CORP_RULE.replace('[CORP_]', '["ŒUVRE"]')}`).scan('app.env', `œuvre\n${text}`);
    assert.deepEqual(ids(nonAscii).filter(id => id.startsWith('corp')), ['corp-token:2']);

    const limited = scannerOf(`rules:\n${CORP_RULE}    path: \\.env$\n`);
    assert.equal(limited.scan('app.env', text).filter(f => f.rule.id === 'corp-token').length, 1);
    assert.equal(limited.scan('app.txt', text).filter(f => f.rule.id === 'corp-token').length, 0);

    const allowed = scannerOf(`rules:\n${CORP_RULE}    allow-rules:\n      - id: local\n        path: ^local/\n      - id: known\n        regex: k3v9\n`);
    assert.equal(allowed.scan('local/app.env', text).filter(f => f.rule.id === 'corp-token').length, 0);
    assert.equal(allowed.scan('app.env', text).filter(f => f.rule.id === 'corp-token').length, 0, 'the allow regex matched');
    assert.equal(allowed.scan('app.env', text.replace('k3v9', 'k3v8')).filter(f => f.rule.id === 'corp-token').length, 1);
    assert.equal(allowed.scan('local/app.env', text).filter(f => f.rule.id === 'github-pat').length, 1, 'a rule\'s allow rules are its own');
  });

  it('rules: several groups of the secret name are each a finding (Go allows a name twice); none is the whole match', () => {
    const scanner = scannerOf(`rules:
  - id: credentials
    regex: user=(?P<s>\\w{6,}) password=(?P<s>\\w{6,})
    secret-group-name: s
  - id: whole
    regex: (?i)\\bpin=\\d{6}\\b
`);
    const findings = scanner.scan('x.cfg', 'user=alice12 password=hunter22\nPIN=123456\n');
    assert.deepEqual(findings.map(f => [f.rule.id, f.location.startColumn, f.location.endColumn]), [['credentials', 6, 13], ['credentials', 23, 31], ['whole', 1, 11]]);
    assert.equal(findings[2].rule.title, 'whole', 'a rule without a title is named by its ID');
    assert.equal(findings[2].severity, 'UNKNOWN');
  });

  it('allow-rules: a global path skips a file for every rule, a global regex drops any match', () => {
    const scanner = scannerOf(`rules:\n${CORP_RULE}allow-rules:\n  - id: fixtures\n    path: ^fixtures/\n  - id: old-pat\n    description: a revoked token\n    regex: ghp_28UZ5\n`);
    assert.deepEqual(ids(scanner.scan('fixtures/app.env', text)), []);
    assert.deepEqual(ids(scanner.scan('app.env', text)), ['corp-token:1', 'aws-access-key-id:3']);
  });

  it('disable-rules: switches off built-in and custom rules by ID', () => {
    const scanner = scannerOf(`rules:\n${CORP_RULE}disable-rules: [corp-token, github-pat]\n`);
    assert.deepEqual(ids(scanner.scan('app.env', text)), ['aws-access-key-id:3']);
    assert.deepEqual(scanner.ruleTable().filter(rule => ['corp-token', 'github-pat'].includes(rule.id)), []);
  });

  it('disable-allow-rules: switches off Trivy\'s built-in allow rules by ID (tests)', () => {
    assert.deepEqual(ids(scannerOf('').scan('src/test/app.env', text)), []);
    assert.deepEqual(ids(scannerOf('disable-allow-rules: [tests]\n').scan('src/test/app.env', text)), ['github-pat:2', 'aws-access-key-id:3']);
  });

  it('enable-builtin-rules: only the listed built-in rules run (custom ones always); false runs none; an empty list all', () => {
    assert.deepEqual(ids(scannerOf(`rules:\n${CORP_RULE}enable-builtin-rules: [github-pat]\n`).scan('app.env', text)), ['corp-token:1', 'github-pat:2']);
    assert.deepEqual(ids(scannerOf(`rules:\n${CORP_RULE}enable-builtin-rules: false\n`).scan('app.env', text)), ['corp-token:1']);
    assert.deepEqual(ids(scannerOf('enable-builtin-rules: []\n').scan('app.env', text)), ['github-pat:2', 'aws-access-key-id:3']);
    // disable-rules wins over enable-builtin-rules, as in Trivy.
    assert.deepEqual(ids(scannerOf('enable-builtin-rules: [github-pat]\ndisable-rules: [github-pat]\n').scan('app.env', text)), []);
  });

  it('exclude-block: a secret inside a match of a block pattern is dropped, globally or for one rule', () => {
    const blocked = `# begin example\ngithub = ${GITHUB_PAT}\n# end example\ntoken = ${CORP_TOKEN}\n`;
    const block = 'exclude-block:\n  regexes: ["(?s)# begin example.*?# end example"]\n';
    assert.deepEqual(ids(scannerOf(`rules:\n${CORP_RULE}${block}`).scan('app.env', blocked)), ['corp-token:4']);
    const ruleBlock = `rules:\n${CORP_RULE}    exclude-block:\n      regexes: ["token = corp_\\\\w+"]\n`;
    assert.deepEqual(ids(scannerOf(ruleBlock).scan('app.env', blocked)), ['github-pat:2']);
  });

  it('agrees with Trivy\'s scanner tests for its configs (custom rules, allow rules, exclude blocks, severities)', function () {
    const dir = corpusOrSkip(this, 'secrets');
    const cases = JSON.parse(fs.readFileSync(path.join(dir, 'trivy', 'scanner-test-expectations.json'), 'utf8')).cases as
      { name: string; input_file: string; config_file: string; expected_findings: { RuleID: string; Severity: string; StartLine: number; EndLine: number }[] }[];
    // Vigil reads Markdown (Trivy's `markdown` allow rule is left out on purpose, see scanner.ts).
    const differ = ['should ignore .md files by default'];
    const withConfig = cases.filter(c => !c.config_file.endsWith('skip-test.yaml') && fs.existsSync(path.join(dir, c.input_file)) && !differ.includes(c.name));
    assert.ok(withConfig.length >= 25, `${withConfig.length} cases`);
    for (const testCase of withConfig) {
      const parsed = parseSecretConfig(fs.readFileSync(path.join(dir, testCase.config_file), 'utf8'));
      assert.deepEqual(parsed.errors, [], testCase.config_file);
      const findings = secretScannerFor(parsed.config).scan(path.basename(testCase.input_file), fs.readFileSync(path.join(dir, testCase.input_file), 'utf8'));
      const got = findings.map(f => `${f.rule.id}:${f.severity}:${f.location.startLine}-${f.location.endLine}`).sort();
      const want = testCase.expected_findings.map(f => `${f.RuleID}:${f.Severity}:${f.StartLine}-${f.EndLine}`).sort();
      assert.deepEqual(got, want, testCase.name);
    }
  });

  describe('hostile configs', () => {
    const SECRET_WORD = 'QUOTEME';

    it('a malformed file is one clear error, quoting nothing, and the built-in rules still run', () => {
      for (const yaml of [`rules: [${SECRET_WORD}\n  - : :`, `- ${SECRET_WORD}\n`, `${SECRET_WORD}`, `rules: {${SECRET_WORD}: 1}\n`]) {
        const parsed = parseSecretConfig(yaml);
        const messages = parsed.errors.map(e => e.message).join('\n');
        assert.ok(parsed.errors.length + parsed.warnings.length > 0, yaml);
        assert.ok(!JSON.stringify(parsed).includes(SECRET_WORD), messages);
        assert.deepEqual(ids(secretScannerFor(parsed.config).scan('app.env', text)), ['github-pat:2', 'aws-access-key-id:3']);
      }
      assert.deepEqual(parseSecretConfig(`rules: [${SECRET_WORD}\n  - : :`).errors[0].message, 'not valid YAML (MULTILINE_IMPLICIT_KEY); no custom secret rule is used');
      assert.deepEqual(parseSecretConfig(`- ${SECRET_WORD}\n`).errors, [{ line: 1, message: 'expected a mapping with rules, allow-rules, disable-rules, disable-allow-rules, enable-builtin-rules, exclude-block; no custom secret rule is used' }]);
    });

    it('an alias bomb is refused', () => {
      const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 10; i++) levels.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`);
      const parsed = parseSecretConfig(levels.join('\n'));
      assert.deepEqual(parsed.errors.map(e => e.message), ['its YAML aliases expand too far; no custom secret rule is used']);
    });

    it('a rule RE2 refuses, or a broken entry, is an error naming its line; the other rules keep working', () => {
      const parsed = parseSecretConfig(`rules:
${CORP_RULE}  - id: lookahead
    regex: ${SECRET_WORD}(?=x)
  - id: backreference
    regex: (${SECRET_WORD})\\1
  - id: no-regex
  - regex: no-id
  - id: wrong-group
    regex: (?P<value>${SECRET_WORD})
    secret-group-name: secret
  - id: keywords
    regex: x
    keywords: ${SECRET_WORD}
  - ${SECRET_WORD}
allow-rules:
  - id: nothing
  - id: broken
    path: "[${SECRET_WORD}"
disable-rules: ${SECRET_WORD}
unknown-${SECRET_WORD}: 1
`);
      assert.deepEqual(parsed.errors, [
        { line: 9, message: 'secret rule not used: its regex is not valid RE2 syntax (invalid or unsupported Perl syntax)' },
        { line: 11, message: 'secret rule not used: its regex is not valid RE2 syntax (invalid escape sequence)' },
        { line: 13, message: 'secret rule not used: it has no regex' },
        { line: 14, message: 'secret rule not used: it has no id' },
        { line: 15, message: 'secret rule not used: its secret-group-name names no group of its regex' },
        { line: 18, message: 'secret rule not used: keywords should be a list' },
        { line: 21, message: 'secret rule not used: expected a mapping with id, category, title, severity, regex, keywords, path, secret-group-name, allow-rules, exclude-block' },
        { line: 23, message: 'allow rule not used: it has neither regex nor path, so it would allow nothing' },
        { line: 24, message: 'allow rule not used: its path is not valid RE2 syntax (missing closing ])' },
        { line: 26, message: 'disable-rules should be a list; ignored' },
      ]);
      assert.deepEqual(parsed.warnings, [
        { line: 27, message: 'unknown key, ignored (want rules, allow-rules, disable-rules, disable-allow-rules, enable-builtin-rules, exclude-block)' },
      ]);
      assert.ok(!JSON.stringify([parsed.errors, parsed.warnings]).includes(SECRET_WORD));
      assert.deepEqual(ids(secretScannerFor(parsed.config).scan('app.env', text)), ['corp-token:1', 'github-pat:2', 'aws-access-key-id:3']);
    });

    it('reads groups as RE2 does: escaped and classed parentheses, non-capturing groups, \\Q…\\E', () => {
      for (const [source, groups] of [
        ['\\((?P<a>x)[(](?:y)(?i)(z)(?P<a>w)', { a: [1, 3] }],
        ['[]()](?P<s>a)[^]()](?P<s>b)[[:alpha:](](?P<s>c)', { s: [1, 2, 3] }],
        ['\\Q(?P<s>\\E(?P<s>a)(?<t>b)', { s: [1], t: [2] }],
      ] as const) {
        const compiled = compileRe2(source);
        assert.ok(!('error' in compiled), `${source}: ${JSON.stringify(compiled)}`);
        assert.deepEqual(Object.fromEntries(compiled.groupsByName), groups, source);
      }
      assert.deepEqual(compileRe2(`${'[a-z]{1000}'.repeat(6)}`), { error: 'is too large (6002 instructions, at most 5000)' });
      assert.deepEqual(compileRe2('a'.repeat(10_001)), { error: 'is over 10000 characters' });
    });

    it('a ReDoS-shaped pattern stays linear: (a+)+b over a run of a', function () {
      this.timeout(120_000);
      const scanner = scannerOf('rules:\n  - id: redos\n    regex: (a+)+b\n  - id: redos-keyword\n    keywords: [a]\n    regex: (?:a|aa)+$x\n');
      assert.deepEqual(scanner.scan('x.txt', `${'a'.repeat(1000)}b`).map(f => f.rule.id), ['redos']);
      assertLinearGrowth(n => 'a'.repeat(n), input => scanner.scan('x.txt', input), 256 * 1024);
      assertLinearGrowth(n => `${'a'.repeat(n)}\n`.repeat(4), input => scanner.scan('x.txt', input), 64 * 1024);
    });

    it('a pattern whose matches each rescan the rest of the file stops at its time limit, with a note', () => {
      const parsed = parseSecretConfig('rules:\n  - id: quadratic\n    regex: a+b|a\n');
      const scanner = new SecretScanner({ customRules: parsed.config.rules, customRuleTimeLimitMs: 100 });
      const started = performance.now();
      const { findings, notes } = scanner.scanFile('x.txt', 'a'.repeat(200_000));
      assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
      assert.ok(findings.length > 0 && findings.length < 200_000, `${findings.length}`);
      assert.deepEqual(notes, ['secret rule quadratic stopped early on x.txt: its regex took over 0.1 s there, so the rest of the file was not searched']);
    });

    it('a pattern that matches everywhere stops at its match limit, with a note', () => {
      const { findings, notes } = scannerOf('rules:\n  - id: every-x\n    regex: x\n').scanFile('x.txt', 'x'.repeat(3 * CUSTOM_RULE_MAX_MATCHES));
      assert.equal(findings.length, CUSTOM_RULE_MAX_MATCHES);
      assert.deepEqual(notes, [`secret rule every-x stopped early on x.txt: it matched ${CUSTOM_RULE_MAX_MATCHES} times there, so the rest of the file was not searched`]);
    });
  });

  describe('files', () => {
    let tmp: string;
    beforeEach(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secret-config-'))); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('finds vigil-secret.yaml before trivy-secret.yaml, never through a link out of its folder', () => {
      const repo = path.join(tmp, 'repo');
      fs.mkdirSync(repo);
      fs.writeFileSync(path.join(tmp, 'outside.yaml'), `rules: [${CORP_RULE}]`);
      fs.symlinkSync(path.join(tmp, 'outside.yaml'), path.join(repo, 'vigil-secret.yaml'));
      fs.writeFileSync(path.join(repo, 'trivy-secret.yaml'), `rules:\n${CORP_RULE}`);
      const { found, warnings } = findSecretConfig([repo]);
      assert.deepEqual(found, { file: path.join(repo, 'trivy-secret.yaml'), foundIn: repo });
      assert.deepEqual(warnings, [`${path.join(repo, 'vigil-secret.yaml')}: secret config is a symlink to ${path.join(tmp, 'outside.yaml')}, outside ${repo}; not read`]);
      assert.throws(() => loadSecretConfig({ file: path.join(repo, 'vigil-secret.yaml'), foundIn: repo }), /not read/);
      assert.equal(loadSecretConfig(found!).scanner.ruleTable().filter(rule => rule.id === 'corp-token').length, 1);
    });

    it('notes a file too large to search (no content quoted); the scan goes on', async () => {
      const big = `${GITHUB_PAT}\n${'x'.repeat(SECRET_MAX_FILE_CHARS)}`;
      assert.deepEqual(new SecretScanner().scanFile('big.txt', big), { findings: [], notes: [`secret scan skipped: the file is over ${SECRET_MAX_FILE_CHARS / 1024 / 1024} MB`] });
      fs.writeFileSync(path.join(tmp, 'big.txt'), big);
      fs.writeFileSync(path.join(tmp, 'small.env'), `${GITHUB_PAT}\n`);
      const scan = await scanPath(tmp, { scanners: ['secret'] });
      assert.deepEqual(scan.notes, ['big.txt: secret scan skipped: the file is over 10 MB']);
      assert.deepEqual(scan.results.map(r => [r.target, r.secrets.map(s => s.rule.id)]), [['small.env', ['github-pat']]]);
    });

    it('runs in the engine through the analyzer registry', async () => {
      fs.writeFileSync(path.join(tmp, 'app.env'), text);
      const config = scannerOf(`rules:\n${CORP_RULE}enable-builtin-rules: [aws-access-key-id]\n`);
      const scan = await scanPath(tmp, { scanners: ['secret'], analyzers: analyzersWithSecretScanner(config), disabledRules: ['CORP-TOKEN'] });
      assert.deepEqual(scan.results.flatMap(r => r.secrets.map(s => s.rule.id)), ['aws-access-key-id']);
    });

    it('the CLI never prints a secret a custom rule found, in any format, and names a refused found config without quoting it', function () {
      this.timeout(120_000);
      const tree = path.join(tmp, 'tree');
      fs.mkdirSync(tree);
      fs.writeFileSync(path.join(tree, 'app.env'), `# config\ntoken = ${CORP_TOKEN}\n`);
      fs.writeFileSync(path.join(tmp, 'rules.yaml'), `rules:\n${CORP_RULE}`);
      fs.writeFileSync(path.join(tmp, 'private.txt'), 'rules: [PRIVATE-CONTENT]\n');
      fs.symlinkSync(path.join(tmp, 'private.txt'), path.join(tree, 'trivy-secret.yaml'));
      const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', cwd: tmp });
      for (const format of ['table', 'json', 'sarif']) {
        const run = cli('fs', '--scanners', 'secret', '--format', format, '--secret-config', path.join(tmp, 'rules.yaml'), tree);
        assert.equal(run.status, 0, run.stderr);
        assert.ok(run.stdout.includes('corp-token'), run.stdout);
        for (const output of [run.stdout, run.stderr]) assert.ok(!output.includes(CORP_TOKEN.slice(4)), `${format} output holds the secret`);
      }
      const found = cli('fs', '--scanners', 'secret', tree);
      assert.match(found.stderr, /trivy-secret\.yaml: secret config is a symlink to .*private\.txt, outside .*; not read/);
      assert.ok(!`${found.stdout}${found.stderr}`.includes('PRIVATE-CONTENT'));
      assert.ok(!found.stdout.includes('corp-token'));
    });

    it('the CLI: a missing --secret-config is a usage error; a broken rule an error of the scan (exit 1); --disable-rule knows custom IDs', function () {
      this.timeout(120_000);
      fs.writeFileSync(path.join(tmp, 'app.env'), text);
      fs.writeFileSync(path.join(tmp, 'rules.yaml'), `rules:\n${CORP_RULE}  - id: broken\n    regex: (\n`);
      const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, 'fs', '--scanners', 'secret', '--format', 'json', ...args, tmp], { encoding: 'utf8', cwd: REPO_ROOT });
      const missing = cli('--secret-config', path.join(tmp, 'none.yaml'));
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /secret config not found/);
      const broken = cli('--secret-config', path.join(tmp, 'rules.yaml'));
      assert.equal(broken.status, 1, broken.stderr);
      const report = JSON.parse(broken.stdout);
      assert.deepEqual(report.VigilErrors, [{ Target: path.join(tmp, 'rules.yaml'), Message: 'line 9: secret rule not used: its regex is not valid RE2 syntax (missing closing ))' }]);
      assert.ok(report.Results.some((r: { Secrets?: { RuleID: string }[] }) => r.Secrets?.some(s => s.RuleID === 'corp-token')));
      const disabled = cli('--secret-config', path.join(tmp, 'rules.yaml'), '--disable-rule', 'corp-token', '--skip-errors');
      assert.equal(disabled.status, 0, disabled.stderr);
      assert.ok(!disabled.stdout.includes('"corp-token"'));
      const rules = execFileSync(process.execPath, [...CLI, 'rules', '--kind', 'secret', '--secret-config', path.join(tmp, 'rules.yaml')], { encoding: 'utf8', cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
      assert.match(rules, /corp-token {2}HIGH {2}Corp internal token/);
    });
  });
});
