// The HCL2 parser: every construct of the native syntax with the offsets of its nodes, errors that
// name a line and column but quote nothing, bounded nesting, and linear time.
import assert from 'node:assert/strict';
import { parseHcl, type Expression } from './parse';
import { doublingRatio } from '../../../../test/helpers/linear-time';

/** CPU time at 2n over CPU time at n (see the shared helper). */
function cpuDoublingRatio(make: (n: number) => string, n: number): number {
  return doublingRatio(make, text => parseHcl(text), n, 7).ratio;
}

function valueOf(text: string, name = 'x'): Expression {
  const attribute = parseHcl(text).body.attributes.find(a => a.name === name);
  assert.ok(attribute, `no attribute ${name}`);
  return attribute.value;
}

describe('HCL parser', () => {
  it('reads blocks, labels and attributes with their offsets', () => {
    const text = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n  versioning {\n    enabled = true\n  }\n}\n';
    const file = parseHcl(text);
    const [block] = file.body.blocks;
    assert.equal(block.blockType, 'resource');
    assert.deepEqual(block.labels.map(l => l.value), ['aws_s3_bucket', 'b']);
    assert.equal(text.slice(block.header.start, block.header.end), 'resource "aws_s3_bucket" "b" {');
    assert.equal(text.slice(block.start, block.end), text.trimEnd());
    const [bucket] = block.body.attributes;
    assert.equal(text.slice(bucket.start, bucket.end), 'bucket = "logs"');
    assert.equal(text.slice(bucket.value.start, bucket.value.end), '"logs"');
    const versioning = block.body.blocks[0];
    assert.equal(text.slice(versioning.body.attributes[0].start, versioning.body.attributes[0].end), 'enabled = true');
  });

  it('reads every kind of expression', () => {
    assert.deepEqual(valueOf('x = -1.5e3').kind, 'unary');
    const template = valueOf('x = "a-${var.env}-%{ if true }b%{ endif }$${raw}"');
    assert.equal(template.kind, 'template');
    if (template.kind === 'template') {
      assert.equal(template.parts[0], 'a-');
      assert.equal((template.parts[1] as Expression).kind, 'getattr');
      assert.equal(template.parts[template.parts.length - 1], '${raw}');
    }
    const heredoc = valueOf('x = <<-EOT\n    one\n      two\n    EOT\ny = 1\n');
    assert.ok(heredoc.kind === 'template' && heredoc.heredoc && heredoc.parts[0] === 'one\n  two');
    assert.equal(valueOf('x = [for k, v in var.m : upper(v) if k != "a"]').kind, 'for');
    const grouped = valueOf('x = {for s in var.l : s => s...}');
    assert.ok(grouped.kind === 'for' && grouped.grouping && grouped.keyExpr);
    assert.equal(valueOf('x = aws_instance.web[*].id').kind, 'splat');
    assert.equal(valueOf('x = var.list.*.name').kind, 'splat');
    assert.equal(valueOf('x = a.b[0].c["d"]').kind, 'index');
    assert.equal(valueOf('x = list.0').kind, 'index');
    assert.equal(valueOf('x = a > 1 && b || !c ? "y" : "n"').kind, 'conditional');
    const call = valueOf('x = merge(var.a, [1, 2]...)');
    assert.ok(call.kind === 'call' && call.expandLast && call.args.length === 2);
    assert.equal(valueOf('x = provider::aws::arn_parse("a")').kind, 'call');
    const object = valueOf('x = {\n  a = 1, "b" = 2\n  (var.k) : 3\n}');
    assert.ok(object.kind === 'object' && object.items.length === 3);
    const binary = valueOf('x = 1 + 2 * 3');
    assert.ok(binary.kind === 'binary' && binary.op === '+' && binary.right.kind === 'binary');
  });

  it('ignores line breaks inside brackets, and keeps comments', () => {
    const file = parseHcl('# top\nx = [\n  1, // one\n  2,\n]\ny = (\n  1 +\n  2\n)\n/* block\ncomment */\n');
    assert.equal(file.body.attributes.length, 2);
    assert.deepEqual(file.comments.map(c => c.text.trim()), ['top', 'one', 'block\ncomment']);
  });

  it('gives a plain Error with a line and column, never quoting the file', () => {
    const cases: [string, RegExp][] = [
      ['x = ', /^line 1, column 5: expected an expression/],
      ['resource "a" "b" {\n  secret = "hunter2"\n', /^line 3, column 1: expected '}'/],
      ['x = "hunter2', /^line 1, column 13: unterminated string/],
      ['x = 1 hunter2', /^line 1, column 7: expected a line break, found a name$/],
      ['x = <<EOT\nhunter2\n', /^line 1, column 5: unterminated heredoc/],
      ['x = `hunter2`', /^line 1, column 5: unexpected character/],
      [`x = ${'['.repeat(10_000)}`, /nested more than 200 levels deep/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseHcl(text), (error: Error) => {
        assert.equal(error.constructor, Error);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('hunter2'), error.message);
        return true;
      });
    }
  });

  it('takes linear time', function () {
    this.timeout(30_000);
    const block = (i: number) => `resource "aws_s3_bucket" "b${i}" {\n  bucket = "name-\${var.env}-${i}"\n  tags = { Name = lower("x${i}") }\n  count = var.n > 2 ? 1 : 0\n  list = [for s in var.l : s if s != ""]\n}\n`;
    const make = (n: number) => Array.from({ length: n }, (_, i) => block(i)).join('');
    const ratio = cpuDoublingRatio(make, 1500);
    assert.ok(ratio < 3, `doubling the input multiplied the time by ${ratio.toFixed(2)}`);
    // One long string and one long comment are linear too.
    for (const long of [(n: number) => `x = "${'a'.repeat(n)}"`, (n: number) => `# ${'#'.repeat(n)}\nx = 1`]) {
      const longRatio = cpuDoublingRatio(long, 400_000);
      assert.ok(longRatio < 3, `doubling a long token multiplied the time by ${longRatio.toFixed(2)}`);
    }
  });
});
