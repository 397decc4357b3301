// Terraform's JSON syntax converted into the HCL model: block structure by label levels, `//`
// comments, templates in strings, the block-and-attribute heuristic for objects, offsets of the
// JSON nodes, errors that quote nothing, and linear time.
import assert from 'node:assert/strict';
import { parseTerraformJson, parseTfvarsJson } from './json';
import { TerraformModule } from './evaluate';
import type { HclFile } from './parse';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';

function module(text: string, tfvars?: string): TerraformModule {
  return new TerraformModule([{ path: 'main.tf.json', hcl: parseTerraformJson(text) }], tfvars ? [parseTfvarsJson(tfvars)] : []);
}

function slice(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

describe('Terraform JSON syntax', () => {
  it('reads resources, data, variables, locals and providers as blocks with their labels at the JSON keys', () => {
    const text = JSON.stringify({
      '//': 'a comment',
      resource: { aws_s3_bucket: { logs: { bucket: 'logs' }, data: [{ bucket: 'a' }] } },
      data: { aws_caller_identity: { current: {} } },
      variable: { env: { default: 'prod' } },
      locals: { name: '${var.env}-logs', tags: { Team: 'x' } },
      provider: { aws: [{ region: 'us-east-1' }, { alias: 'west', region: 'us-west-2' }] },
      terraform: { required_version: '>= 1.0' },
    }, null, 2);
    const file: HclFile = parseTerraformJson(text);
    const summary = file.body.blocks.map(block => [block.blockType, ...block.labels.map(label => label.value)].join(' '));
    assert.deepEqual(summary, [
      'resource aws_s3_bucket logs', 'resource aws_s3_bucket data', 'data aws_caller_identity current', 'variable env',
      'locals', 'provider aws', 'provider aws', 'terraform',
    ]);
    const logs = file.body.blocks[0];
    assert.equal(slice(text, logs.header), '"logs"');
    assert.equal(slice(text, logs.labels[0]), '"aws_s3_bucket"');
    assert.equal(slice(text, logs.body.attributes[0]), '"bucket": "logs"');
    assert.equal(slice(text, logs.body.attributes[0].nameSpan), '"bucket"');
    assert.deepEqual(file.comments, []);
    // `locals` holds attributes only: an object there is a map, never a block.
    const locals = file.body.blocks[4];
    assert.deepEqual(locals.body.attributes.map(a => a.name), ['name', 'tags']);
    assert.deepEqual(locals.body.blocks, []);
  });

  it('evaluates string values as templates and other values as literals', () => {
    const text = JSON.stringify({
      variable: { env: { default: 'prod' }, n: { default: 2 } },
      resource: { null_resource: { x: { name: '${var.env}-logs', count: '${var.n - 1}', escaped: '$${not.an.interpolation}', list: ['a', '${var.env}'], flag: true, none: null } } },
    });
    const [instance] = module(text).resources('null_resource');
    const local = (name: string) => instance.body.value(name);
    assert.equal(local('name'), 'prod-logs');
    assert.equal(local('count'), 1);
    assert.equal(local('escaped'), '${not.an.interpolation}');
    assert.deepEqual(local('list'), ['a', 'prod']);
    assert.equal(local('flag'), true);
    assert.equal(local('none'), null);
  });

  it('takes an object as both a map attribute and a nested block, as it cannot know the provider schema', () => {
    const text = JSON.stringify({
      resource: {
        aws_s3_bucket: {
          b: {
            tags: { Name: 'logs', Env: '${var.env}' },
            versioning: { enabled: true },
            '//': 'two rules',
            ingress: [{ from_port: 22 }, { from_port: 443 }],
            dynamic: { setting: { for_each: '${var.settings}', content: { name: '${setting.value}' } } },
          },
        },
      },
      variable: { env: { default: 'dev' }, settings: { default: ['x', 'y'] } },
    }, null, 2);
    const [bucket] = module(text).resources('aws_s3_bucket');
    // `tags` as the map a check reads...
    assert.deepEqual(bucket.body.value('tags'), new Map([['Name', 'logs'], ['Env', 'dev']]));
    // ...and `versioning` as the block a check reads.
    assert.equal(bucket.body.valueAt('versioning.enabled'), true);
    assert.deepEqual(bucket.body.blocks('ingress').map(rule => rule.value('from_port')), [22, 443]);
    assert.deepEqual(bucket.body.blocks('setting').map(setting => setting.value('name')), ['x', 'y']);
    assert.ok(!bucket.body.has('//'));
    // Each element of an array of blocks is placed at its own opening brace.
    const [first, second] = bucket.body.blocks('ingress');
    assert.notEqual(first.node.header.start, second.node.header.start);
    assert.equal(slice(text, first.node.header), '{');
    assert.equal(slice(text, bucket.body.block('versioning')!.node.header), '"versioning"');
  });

  it('takes .tfvars.json values as literals, after the variable defaults', () => {
    const text = JSON.stringify({ variable: { env: { default: 'dev' } }, resource: { null_resource: { x: { env: '${var.env}' } } } });
    const value = (tfvars?: string) => module(text, tfvars).resources('null_resource')[0].body.value('env');
    assert.equal(value(), 'dev');
    assert.equal(value(JSON.stringify({ env: '${not.a.template}' })), '${not.a.template}');
  });

  it('refuses what is not Terraform JSON with a plain error that names the place and quotes nothing', () => {
    const cases: [string, RegExp][] = [
      ['{"resource": {"aws_s3_bucket": {"hunter2": {"bucket": "hunter2"', /^line 1, column \d+: invalid JSON/],
      ['{\n  "resource": {"a": {"b": {"c": "hunter2"}}},\n}', /^line 3, column 1: invalid JSON \(PropertyNameExpected\)/],
      ['["hunter2"]', /^line 1, column 1: a Terraform JSON file must hold one object/],
      ['', /^line 1, column 1: invalid JSON \(ValueExpected\)/],
      ['{"resource": {"aws_s3_bucket": "hunter2"}}', /^line 1, column 32: expected an object of resource labels/],
      ['{"locals": {"x": "${hunter2 +}"}}', /^line 1, column 18: in a template string: expected an expression/],
      ['// hunter2\n{}', /invalid JSON/],
      [`{"locals": {"x": ${'['.repeat(500)}${']'.repeat(500)}}}`, /nested more than 200 levels deep/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseTerraformJson(text), (error: Error) => {
        assert.equal(error.constructor, Error);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('hunter2'), error.message);
        return true;
      }, text);
    }
    // A very deep document does not overflow the stack.
    assert.throws(() => parseTerraformJson(`{"x": ${'['.repeat(200_000)}`), Error);
  });

  it('takes linear time', function () {
    this.timeout(60_000);
    const resource = (i: number) => `"b${i}": {"bucket": "name-\${var.env}-${i}", "tags": {"Name": "x${i}"}, "versioning": {"enabled": true}, "rule": [{"a": ${i}}, {"b": "\${lower(var.x)}"}]}`;
    const make = (n: number) => `{"resource": {"aws_s3_bucket": {${Array.from({ length: n }, (_, i) => resource(i)).join(',\n')}}}}`;
    assertLinearGrowth(make, text => parseTerraformJson(text), 600);
    assertLinearGrowth(n => `{"locals": {"x": "${'a'.repeat(n)}"}}`, text => parseTerraformJson(text), 200_000);
  });
});
