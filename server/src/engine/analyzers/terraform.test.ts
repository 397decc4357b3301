// The Terraform analyzer: the cloud checks against trivy-checks' own examples (a few copied here,
// all of them from the shared corpus), findings located at the attribute or block at fault with
// CauseMetadata, modules spread over several files, inline ignores by any of a check's names,
// fixes applied and re-checked, and the real-world Terraform of the corpus.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeTerraform, terraformAnalyzer } from './terraform';
import { analyzersFor, filesReading } from '.';
import { applyTextEdits } from '../fixes/edits';
import { createIgnorePolicy, parseIgnoreFile } from '../ignore';
import { MISCONFIGURATION_RULES } from '../rules';
import { TERRAFORM_RULES } from '../rules/terraform';
import { TERRAFORM_CHECKS } from '../terraform/checks';
import { analyzePath, scanFile, SIBLING_PATTERN_LIMITS } from '../scan';
import { DiskSource, MemorySource } from '../source';
import type { Finding, RelatedReader } from '../types';
import { corpusOrSkip } from '../../../../test/helpers/corpus';

const EXAMPLES = path.join(__dirname, '../terraform/testdata/trivy-checks');
/** The same examples, some of them written by hand in Terraform's JSON syntax. */
const JSON_EXAMPLES = path.join(__dirname, '../terraform/testdata/json');

function check(content: string, siblings: Record<string, string> = {}) {
  return analyzeTerraform({ path: 'main.tf', content, siblings: new Map(Object.entries(siblings)) }, { includeDeprecated: true });
}

function ids(findings: readonly Finding[] | undefined): string[] {
  return (findings ?? []).map(finding => finding.rule.id);
}

function findingOf(findings: readonly Finding[] | undefined, id: string): Finding {
  const found = findings?.find(finding => finding.rule.id === id);
  assert.ok(found, `no ${id} finding`);
  return found;
}

/**
 * Examples where Vigil and trivy-checks differ, with the reason. Empty today: every example of
 * every implemented check agrees.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

describe('terraform analyzer', () => {
  it('claims .tf and .tf.json files and reads the other .tf, .tf.json, .tfvars and .tfvars.json files of the folder', () => {
    assert.ok(analyzersFor('infra/main.tf').includes(terraformAnalyzer));
    assert.ok(analyzersFor('infra/main.tf.json').includes(terraformAnalyzer));
    assert.ok(!analyzersFor('infra/terraform.tfvars').includes(terraformAnalyzer));
    assert.ok(!analyzersFor('infra/terraform.tfvars.json').includes(terraformAnalyzer));
    assert.ok(!analyzersFor('infra/package.json').includes(terraformAnalyzer));
    const known = ['infra/main.tf', 'infra/vars.tf', 'infra/gen.tf.json', 'other/main.tf', 'infra/sub/x.tf', 'infra/package-lock.json'];
    assert.deepEqual(filesReading('infra/vars.tf', undefined, known).sort(), ['infra/gen.tf.json', 'infra/main.tf']);
    assert.deepEqual(filesReading('infra/prod.auto.tfvars', undefined, known).sort(), ['infra/gen.tf.json', 'infra/main.tf', 'infra/vars.tf']);
    assert.deepEqual(filesReading('infra/prod.auto.tfvars.json', undefined, known).sort(), ['infra/gen.tf.json', 'infra/main.tf', 'infra/vars.tf']);
  });

  it('finds in the JSON syntax what it finds in the same trivy-checks examples written in HCL', () => {
    let inputs = 0;
    for (const name of fs.readdirSync(JSON_EXAMPLES).sort()) {
      const [, id, kind, n] = /^([A-Z]{3}-\d{4})-(bad|good)-(\d)\.tf\.json$/.exec(name)!;
      inputs++;
      const fromJson = analyzeTerraform({ path: 'main.tf.json', content: fs.readFileSync(path.join(JSON_EXAMPLES, name), 'utf8') }, { includeDeprecated: true });
      const fromHcl = check(fs.readFileSync(path.join(EXAMPLES, id, `${kind}-${n}.tf`), 'utf8'));
      assert.deepEqual(ids(fromJson.findings).sort(), ids(fromHcl.findings).sort(), name);
      assert.deepEqual(fromJson.misconfSummary, fromHcl.misconfSummary, name);
      assert.equal(ids(fromJson.findings).includes(id), kind === 'bad', name);
    }
    assert.equal(inputs, 10);
  });

  it('points at the JSON key of the attribute or block at fault, with CauseMetadata, and offers no HCL fix or comment ignore in JSON', () => {
    const text = [
      '{',
      '  "resource": {',
      '    "aws_ebs_volume": {',
      '      "data": {',
      '        "size": 10,',
      '        "encrypted": false',
      '      }',
      '    },',
      '    "aws_kms_key": { "k": {} }',
      '  }',
      '}',
    ].join('\n');
    const output = analyzeTerraform({ path: 'main.tf.json', content: text });
    const encrypted = findingOf(output.findings, 'AWS-0026');
    assert.deepEqual(encrypted.location, { file: 'main.tf.json', startLine: 6, startColumn: 9, endLine: 6, endColumn: 27 });
    assert.deepEqual(encrypted.cause, { provider: 'AWS', service: 'ec2', resource: 'aws_ebs_volume.data' });
    const rotation = findingOf(output.findings, 'AWS-0065');
    assert.deepEqual(rotation.location, { file: 'main.tf.json', startLine: 9, startColumn: 22, endLine: 9, endColumn: 25 });
    assert.ok(output.findings!.every(finding => !finding.fix && !finding.inlineIgnores), 'fixes are HCL text and JSON has no comments');
    // The same in HCL has a fix.
    assert.ok(findingOf(check('resource "aws_kms_key" "k" {}\n').findings, 'AWS-0065').fix);
  });

  it('reads .tf and .tf.json files of one folder as one module, with variables from .tfvars.json', async () => {
    const files: Record<string, string> = {
      'infra/main.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = var.name\n}\n',
      'infra/access.tf.json': JSON.stringify({
        resource: { aws_s3_bucket_public_access_block: { logs: { bucket: '${aws_s3_bucket.logs.id}', block_public_acls: '${var.block}' } } },
      }, null, 2),
      'infra/variables.tf.json': JSON.stringify({ variable: { name: { default: 'acme-logs' }, block: {} } }),
      'infra/terraform.tfvars.json': JSON.stringify({ block: false }),
    };
    const source = new MemorySource(files);
    const main = await scanFile(source, 'infra/main.tf', { scanners: ['misconfig'] });
    const mainIds = ids(main!.results[0].misconfigurations);
    assert.ok(!mainIds.includes('AWS-0094'), 'the public access block in access.tf.json belongs to the bucket');
    const access = await scanFile(source, 'infra/access.tf.json', { scanners: ['misconfig'] });
    const blockAcls = findingOf(access!.results[0].misconfigurations, 'AWS-0086');
    assert.deepEqual(blockAcls.location, { file: 'infra/access.tf.json', startLine: 6, startColumn: 9, endLine: 6, endColumn: 44 });
    // Without the .tfvars.json value, var.block is unknown and nothing is reported on it.
    const siblings = new Map([['main.tf', files['infra/main.tf']], ['variables.tf.json', files['infra/variables.tf.json']]]);
    const unknown = analyzeTerraform({ path: 'infra/access.tf.json', content: files['infra/access.tf.json'], siblings });
    assert.ok(!ids(unknown.findings).includes('AWS-0086'));
  });

  it('reports a malformed .tf.json file as an error of that file alone, quoting nothing', async () => {
    const source = new MemorySource({
      'main.tf.json': '{\n  "resource": {\n    "aws_kms_key": { "k": { "description": "hunter2" } }\n  },\n}\n',
      'other.tf': 'resource "aws_kms_key" "j" {}\n',
    });
    const broken = await scanFile(source, 'main.tf.json', { scanners: ['misconfig'] });
    assert.deepEqual(broken!.errors, [{ file: 'main.tf.json', message: 'line 5, column 1: invalid JSON (PropertyNameExpected)' }]);
    const other = await scanFile(source, 'other.tf', { scanners: ['misconfig'] });
    assert.deepEqual(other!.errors, []);
    assert.deepEqual(ids(other!.results[0].misconfigurations), ['AWS-0065']);
  });

  it('has every check in the rule table with trivy-checks IDs, aliases and links, and at least 120 of them', () => {
    assert.ok(TERRAFORM_CHECKS.length >= 120, `${TERRAFORM_CHECKS.length} checks`);
    assert.deepEqual(new Set(TERRAFORM_CHECKS.map(c => c.id)), new Set(TERRAFORM_RULES.map(r => r.id)));
    for (const rule of TERRAFORM_RULES) {
      assert.ok(MISCONFIGURATION_RULES.includes(rule), rule.id);
      assert.match(rule.id, /^(AWS|AZU|GCP)-\d{4}$/);
      assert.ok(rule.aliases.includes(`AVD-${rule.id}`));
      assert.equal(rule.url, `https://avd.aquasec.com/misconfig/${rule.id.toLowerCase()}`);
      assert.ok(['AWS', 'Azure', 'Google'].includes(rule.provider) && rule.service && rule.title && rule.remediation);
    }
  });

  it('matches the IDs, titles and severities of trivy-checks', function () {
    const dir = corpusOrSkip(this, 'misconfig/trivy-checks');
    const { checks } = JSON.parse(fs.readFileSync(path.join(dir, 'checks.json'), 'utf8')) as { checks: { id: string; title: string; severity: string; aliases: string[]; service: string; deprecated: boolean }[] };
    const byId = new Map(checks.map(c => [c.id, c]));
    for (const rule of TERRAFORM_RULES) {
      const upstream = byId.get(rule.id);
      assert.ok(upstream, rule.id);
      assert.equal(rule.title, upstream.title, rule.id);
      assert.equal(rule.severity, upstream.severity, rule.id);
      assert.equal(rule.service, upstream.service, rule.id);
      assert.equal(!!rule.deprecated, upstream.deprecated, rule.id);
      for (const alias of upstream.aliases) assert.ok(rule.aliases.includes(alias), `${rule.id} ${alias}`);
    }
  });

  it('agrees with the trivy-checks examples copied here', () => {
    let inputs = 0;
    for (const id of fs.readdirSync(EXAMPLES).sort()) {
      for (const name of fs.readdirSync(path.join(EXAMPLES, id)).sort()) {
        inputs++;
        const failed = ids(check(fs.readFileSync(path.join(EXAMPLES, id, name), 'utf8')).findings).includes(id);
        assert.equal(failed, name.startsWith('bad'), `${id}/${name}`);
      }
    }
    assert.equal(inputs, 21);
  });

  it('agrees with every trivy-checks Terraform example of the implemented checks (at least 98%)', function () {
    const dir = corpusOrSkip(this, 'misconfig');
    const { cases } = JSON.parse(fs.readFileSync(path.join(dir, 'trivy-checks/examples-expectations.json'), 'utf8')) as { cases: { check_id: string; input_kind: string; file: string; expected: string }[] };
    const implemented = new Set(TERRAFORM_CHECKS.map(c => c.id));
    const disagreements: string[] = [];
    let inputs = 0;
    for (const example of cases) {
      if (example.input_kind !== 'terraform' || !implemented.has(example.check_id)) continue;
      inputs++;
      const failed = ids(check(fs.readFileSync(path.join(dir, example.file), 'utf8')).findings).includes(example.check_id);
      if (failed !== (example.expected === 'fail')) disagreements.push(example.file);
    }
    console.log(`      conformance: ${implemented.size} checks, ${inputs - disagreements.length} of ${inputs} Terraform examples agree`);
    assert.deepEqual(disagreements.sort(), Object.keys(KNOWN_DISAGREEMENTS).sort());
    assert.ok((inputs - disagreements.length) / inputs >= 0.98);
    assert.ok(inputs >= 450, `${inputs} examples`);
  });

  it('points at the attribute at fault, or at the block header when the attribute is missing, with CauseMetadata', () => {
    const text = 'resource "aws_ebs_volume" "data" {\n  size      = 10\n  encrypted = false\n}\n\nresource "aws_kms_key" "k" {}\n';
    const output = check(text);
    const encrypted = findingOf(output.findings, 'AWS-0026');
    assert.deepEqual(encrypted.location, { file: 'main.tf', startLine: 3, startColumn: 3, endLine: 3, endColumn: 20 });
    assert.deepEqual(encrypted.cause, { provider: 'AWS', service: 'ec2', resource: 'aws_ebs_volume.data' });
    const rotation = findingOf(output.findings, 'AWS-0065');
    assert.deepEqual(rotation.location, { file: 'main.tf', startLine: 6, startColumn: 1, endLine: 6, endColumn: 29 });
    assert.deepEqual(output.misconfSummary, { successes: 0, failures: output.findings!.length });
    const clean = check('resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n');
    assert.deepEqual(clean, { packages: [], findings: [], misconfSummary: { successes: 1, failures: 0 } });
    assert.deepEqual(check('variable "x" {}\n'), { packages: [] });
  });

  it('never reports on a value it cannot know', () => {
    const output = check(`
resource "aws_ebs_volume" "a" {
  encrypted = var.encrypted
}
resource "aws_security_group_rule" "b" {
  type        = "ingress"
  from_port   = 22
  to_port     = 22
  cidr_blocks = [data.aws_vpc.main.cidr_block]
}
resource "aws_db_instance" "c" {
  publicly_accessible = module.settings.public
  storage_encrypted   = true
  backup_retention_period = local.retention
}`);
    assert.deepEqual(ids(output.findings).filter(id => ['AWS-0026', 'AWS-0107', 'AWS-0180', 'AWS-0077'].includes(id)), []);
    // The same with the values known does report.
    const known = check(`
variable "encrypted" { default = false }
resource "aws_ebs_volume" "a" {
  encrypted = var.encrypted
}`);
    assert.ok(ids(known.findings).includes('AWS-0026'));
  });

  it('reads a module spread over several files and reports each finding in its own file', async () => {
    const source = new MemorySource({
      'infra/main.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = var.name\n}\n',
      'infra/access.tf': 'resource "aws_s3_bucket_public_access_block" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  block_public_acls = var.block\n}\n',
      'infra/variables.tf': 'variable "name" { default = "acme-logs" }\nvariable "block" {}\n',
      'infra/terraform.tfvars': 'block = false\n',
      'other/main.tf': 'resource "aws_s3_bucket_public_access_block" "x" {\n  bucket = "acme-logs"\n}\n',
    });
    const main = await scanFile(source, 'infra/main.tf', { scanners: ['misconfig'] });
    const mainIds = ids(main!.results[0].misconfigurations);
    assert.ok(!mainIds.includes('AWS-0094'), 'the public access block in access.tf belongs to the bucket');
    assert.ok(!mainIds.includes('AWS-0086'), 'the failing setting is in access.tf, not here');
    const access = await scanFile(source, 'infra/access.tf', { scanners: ['misconfig'] });
    const blockAcls = findingOf(access!.results[0].misconfigurations, 'AWS-0086');
    assert.equal(blockAcls.location.file, 'infra/access.tf');
    assert.equal(blockAcls.location.startLine, 3);
    const variables = await scanFile(source, 'infra/variables.tf', { scanners: ['misconfig'] });
    assert.deepEqual(variables!.results, []);
  });

  it('reports a malformed .tf file as an error of that file alone, quoting nothing, and reads on past a malformed sibling', async () => {
    const source = new MemorySource({
      'main.tf': 'resource "aws_kms_key" "k" {\n  description = "hunter2\n}\n',
      'other.tf': 'resource "aws_kms_key" "j" {}\n',
    });
    const broken = await scanFile(source, 'main.tf', { scanners: ['misconfig'] });
    assert.deepEqual(broken!.errors, [{ file: 'main.tf', message: 'line 2, column 25: unterminated string' }]);
    const other = await scanFile(source, 'other.tf', { scanners: ['misconfig'] });
    assert.deepEqual(other!.errors, []);
    assert.deepEqual(ids(other!.results[0].misconfigurations), ['AWS-0065']);
  });

  it('evaluates a module in a folder below with the values its caller passes, and reports in the module\'s file', async () => {
    const child = 'variable "encrypted" {}\nvariable "size" { default = 10 }\n\nresource "aws_ebs_volume" "data" {\n  size      = var.size\n  encrypted = var.encrypted\n}\n';
    const scan = async (files: Record<string, string>) => {
      const result = await scanFile(new MemorySource(files), 'infra/modules/disk/main.tf', { scanners: ['misconfig'] });
      return result!;
    };
    // Alone, var.encrypted is unknown: nothing is reported.
    assert.ok(!ids((await scan({ 'infra/modules/disk/main.tf': child })).results[0]?.misconfigurations ?? []).includes('AWS-0026'));
    // Called with a literal, and with what the caller's variables know (terraform.tfvars of the caller).
    for (const caller of <Record<string, string>[]>[
      { 'infra/main.tf': 'module "disk" {\n  source    = "./modules/disk"\n  encrypted = false\n}\n' },
      { 'infra/main.tf.json': JSON.stringify({ module: { disk: { source: './modules/disk', encrypted: '${var.encrypt}' } }, variable: { encrypt: {} } }), 'infra/terraform.tfvars': 'encrypt = false\n' },
      { 'main.tf': 'module "disk" {\n  source    = "./infra/modules/../modules/disk"\n  encrypted = false\n}\n' },
    ]) {
      const result = await scan({ 'infra/modules/disk/main.tf': child, ...caller });
      const finding = findingOf(result.results[0].misconfigurations, 'AWS-0026');
      assert.deepEqual(finding.location, { file: 'infra/modules/disk/main.tf', startLine: 6, startColumn: 3, endLine: 6, endColumn: 28 });
      assert.equal(result.results[0].target, 'infra/modules/disk/main.tf');
      assert.ok(result.reads?.some(read => Object.keys(caller).includes(read)), 'the caller is recorded as read');
    }
    // A caller that passes what it cannot know, or passes true, reports nothing.
    for (const value of ['data.aws_kms_key.k.enabled', 'true']) {
      const result = await scan({ 'infra/modules/disk/main.tf': child, 'infra/main.tf': `module "disk" {\n  source    = "./modules/disk"\n  encrypted = ${value}\n}\n` });
      assert.ok(!ids(result.results[0].misconfigurations).includes('AWS-0026'), value);
    }
    // Two calls, one of them wrong: one finding.
    const two = await scan({ 'infra/modules/disk/main.tf': child, 'infra/main.tf': 'module "a" {\n  source = "./modules/disk"\n  encrypted = true\n}\nmodule "b" {\n  source = "./modules/disk"\n  encrypted = false\n}\n' });
    assert.equal(ids(two.results[0].misconfigurations).filter(id => id === 'AWS-0026').length, 1);
    // A caller beside the module's folders, not above it, is not searched for.
    const beside = await scan({ 'infra/modules/disk/main.tf': child, 'infra/envs/prod/main.tf': 'module "disk" {\n  source    = "../../modules/disk"\n  encrypted = false\n}\n' });
    assert.ok(!ids(beside.results[0]?.misconfigurations ?? []).includes('AWS-0026'));
  });

  it('lists no folder outside the scan root for a module search, even through a link', async function () {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tf-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tf-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'main.tf'), 'module "disk" {\n  source = "./linked/modules/disk"\n  encrypted = false\n}\n');
      fs.mkdirSync(path.join(root, 'linked/modules/disk'), { recursive: true });
      fs.writeFileSync(path.join(root, 'linked/modules/disk/main.tf'), 'variable "encrypted" {}\nresource "aws_ebs_volume" "d" {\n  encrypted = var.encrypted\n}\n');
      const source = new DiskSource(root);
      const listed: (string[] | undefined)[] = [];
      const spy = { ...terraformAnalyzer, async gather(input: Parameters<typeof terraformAnalyzer.analyze>[0], read: RelatedReader) {
        listed.push(await read.listFiles!('..'), await read.listFiles!('linked'));
        fs.symlinkSync(outside, path.join(root, 'out'));
        listed.push(await read.listFiles!('out'));
      } };
      await scanFile(source, 'linked/modules/disk/main.tf', { scanners: ['misconfig'], analyzers: [spy] });
      assert.deepEqual(listed, [undefined, [], undefined]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads at most SIBLING_PATTERN_LIMITS files of a folder beside a .tf file', async () => {
    const files: Record<string, string> = { 'main.tf': 'resource "aws_kms_key" "k" {}\n' };
    for (let i = 0; i < SIBLING_PATTERN_LIMITS.files + 5; i++) files[`f${String(i).padStart(3, '0')}.tf`] = `resource "aws_kms_key" "k${i}" {}\n`;
    const seen: number[] = [];
    const counting = { ...terraformAnalyzer, analyze: (input: Parameters<typeof terraformAnalyzer.analyze>[0]) => {
      seen.push(input.siblings!.size);
      return { packages: [] };
    } };
    await scanFile(new MemorySource(files), 'main.tf', { scanners: ['misconfig'], analyzers: [counting] });
    assert.deepEqual(seen, [SIBLING_PATTERN_LIMITS.files]);
  });

  it('honours trivy:ignore and vigil:ignore comments above the attribute or the block, by any name of the check', async () => {
    const text = `
#trivy:ignore:AVD-AWS-0065
resource "aws_kms_key" "a" {}

resource "aws_ebs_volume" "b" {
  // vigil:ignore:aws-ec2-enable-volume-encryption
  encrypted = false
  size = 1 # trivy:ignore:AWS-0027
}

resource "aws_ebs_volume" "c" {
  encrypted = false
}
`;
    const scan = await scanFile(new MemorySource({ 'main.tf': text }), 'main.tf', { scanners: ['misconfig'] });
    const left = scan!.results[0].misconfigurations.map(f => `${f.rule.id}:${f.location.startLine}`);
    assert.ok(!left.some(f => f.startsWith('AWS-0065')), left.join());
    assert.ok(!left.includes('AWS-0026:7'), left.join());
    assert.ok(left.includes('AWS-0026:12'), left.join());
    assert.ok(left.includes('AWS-0027:11'), left.join());
  });

  it('honours ignore files that name a check by its ID or by any of Trivy\'s other names', async () => {
    const text = 'resource "aws_kms_key" "a" {}\nresource "aws_ebs_volume" "b" {\n  encrypted = false\n  kms_key_id = "k"\n}\n';
    const { entries } = parseIgnoreFile('AVD-AWS-0065\naws-ec2-enable-volume-encryption\n', '.trivyignore');
    const scan = await scanFile(new MemorySource({ 'main.tf': text }), 'main.tf', { scanners: ['misconfig'], ignore: createIgnorePolicy(entries) });
    assert.deepEqual(ids(scan!.results[0].misconfigurations), []);
  });

  it('fixes what is mechanical, and the fixed file passes', () => {
    const text = 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n\nresource "aws_ebs_volume" "v" {\n  encrypted = false\n}\n\nresource "aws_instance" "web" {\n  ami = "ami-1"\n}\n';
    const output = check(text);
    for (const id of ['AWS-0094', 'AWS-0026', 'AWS-0028']) {
      const fix = findingOf(output.findings, id).fix;
      assert.ok(fix, `${id} has a fix`);
      const fixed = applyTextEdits(text, fix.changes[0].edits);
      assert.ok(!ids(check(fixed).findings).includes(id), `${id} after its fix:\n${fixed}`);
    }
    const publicAccess = applyTextEdits(text, findingOf(output.findings, 'AWS-0086').fix!.changes[0].edits);
    for (const id of ['AWS-0086', 'AWS-0087', 'AWS-0091', 'AWS-0093', 'AWS-0094']) assert.ok(!ids(check(publicAccess).findings).includes(id), id);
    // No fix where the right value is not known: which key to encrypt with.
    assert.equal(findingOf(output.findings, 'AWS-0027').fix, undefined);
  });

  it('scans the real-world Terraform of the corpus without errors', async function () {
    this.timeout(60_000);
    const dir = corpusOrSkip(this, 'misconfig/real-world/terraform');
    const scan = await analyzePath(dir, { scanners: ['misconfig'] });
    assert.deepEqual(scan.errors, []);
    const results = scan.results.filter(r => r.type === 'terraform');
    assert.ok(results.length >= 15, `${results.length} results`);
    const byFile = new Map(results.map(r => [r.target, ids(r.misconfigurations)]));
    // Read by hand: terragoat's EC2 instance has AWS keys in its user data and no IMDSv2; its RDS
    // clusters are unencrypted; the s3-bucket module links its public access block through count.
    assert.ok(byFile.get('bridgecrewio__terragoat/terraform/aws/ec2.tf')?.includes('AWS-0029'));
    assert.ok(byFile.get('bridgecrewio__terragoat/terraform/aws/ec2.tf')?.includes('AWS-0028'));
    assert.ok(byFile.get('bridgecrewio__terragoat/terraform/aws/rds.tf')?.includes('AWS-0079'));
    assert.ok(!byFile.get('terraform-aws-modules__terraform-aws-s3-bucket/main.tf')?.includes('AWS-0094'));
  });
});
