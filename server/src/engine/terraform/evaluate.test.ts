// Module evaluation: variables (defaults, terraform.tfvars, *.auto.tfvars), locals, functions,
// references between resources, count, for_each and dynamic blocks; and what stays UNKNOWN.
import assert from 'node:assert/strict';
import { parseHcl } from './parse';
import { asString, isUnknown, TerraformModule, UNKNOWN, Unknown, type Value } from './evaluate';

function moduleOf(files: Record<string, string>, tfvars: string[] = []): TerraformModule {
  return new TerraformModule(Object.entries(files).map(([path, text]) => ({ path, hcl: parseHcl(text) })), tfvars.map(text => parseHcl(text)));
}

/** The value of `x` in the only `resource "t" "r"` of a module. */
function valueOfX(text: string, tfvars: string[] = []): Value | undefined {
  return moduleOf({ 'main.tf': text }, tfvars).resources('t')[0].body.value('x');
}

describe('Terraform evaluation', () => {
  it('takes variables from defaults, then terraform.tfvars, then *.auto.tfvars', () => {
    const text = 'variable "env" { default = "dev" }\nvariable "unset" {}\nresource "t" "r" { x = "${var.env}-app" }\nresource "t" "s" { x = var.unset }\n';
    assert.equal(valueOfX(text), 'dev-app');
    assert.equal(valueOfX(text, ['env = "prod"']), 'prod-app');
    assert.equal(valueOfX(text, ['env = "prod"', 'env = "stage"']), 'stage-app');
    const unset = moduleOf({ 'main.tf': text }).resources('t')[1].body.value('x');
    assert.ok(unset instanceof Unknown);
  });

  it('evaluates locals, operators, conditionals and common functions', () => {
    const text = `
locals {
  base   = { a = 1, b = "two" }
  merged = merge(local.base, { c = true })
  names  = concat(["x"], ["y", "z"])
}
resource "t" "r" {
  x = {
    sum     = 1 + 2 * 3
    cmp     = 3 >= 2 && !false
    cond    = length(local.names) > 2 ? upper("yes") : "no"
    lookup  = lookup(local.merged, "c", false)
    missing = lookup(local.merged, "d", "default")
    string  = tostring(42)
    json    = jsonencode({ k = [1, "v"] })
    joined  = join(",", local.names)
    fors    = [for n in local.names : upper(n) if n != "y"]
    obj     = { for k, v in local.base : k => v }
    splat   = [{ id = 1 }, { id = 2 }][*].id
  }
}`;
    const value = valueOfX(text) as Map<string, Value>;
    assert.deepEqual(Object.fromEntries(value), {
      sum: 7, cmp: true, cond: 'YES', lookup: true, missing: 'default', string: '42', json: '{"k":[1,"v"]}', joined: 'x,y,z',
      fors: ['X', 'Z'], obj: new Map<string, Value>([['a', 1], ['b', 'two']]), splat: [1, 2],
    });
  });

  it('keeps what cannot be known unknown, and never throws', () => {
    for (const expression of ['data.aws_caller_identity.me.account_id', 'module.vpc.id', 'file("x.txt")', 'timestamp()', '"${path.module}/x"', 'var.nope.field', 'local.nope', '1 / 0', '[for x in var.nope : x]']) {
      assert.ok(isUnknown(valueOfX(`resource "t" "r" { x = ${expression} }`)), expression);
    }
    // A conditional whose branches agree is known even when its condition is not.
    assert.equal(valueOfX('resource "t" "r" { x = var.nope ? "same" : "same" }'), 'same');
    assert.equal(valueOfX('variable "n" { default = null }\nresource "t" "r" { x = var.n }'), null);
  });

  it('follows references between resources, and remembers where an unknown came from', () => {
    const module = moduleOf({
      'a.tf': 'resource "aws_s3_bucket" "b" { bucket = "logs" }',
      'b.tf': 'resource "t" "r" {\n  x = aws_s3_bucket.b.bucket\n  y = aws_s3_bucket.b.id\n}',
    });
    const [r] = module.resources('t');
    assert.equal(r.body.value('x'), 'logs');
    const id = r.body.value('y');
    assert.ok(id instanceof Unknown);
    assert.deepEqual(module.referencedResources(id).map(i => i.address), ['aws_s3_bucket.b']);
  });

  it('expands count and for_each, and leaves out count = 0 and empty collections', () => {
    const module = moduleOf({
      'main.tf': `
variable "enabled" { default = false }
resource "t" "off" {
  count = var.enabled ? 1 : 0
}
resource "t" "three" {
  count = 3
  x     = "n-\${count.index}"
}
resource "t" "each" {
  for_each = toset(["a", "b"])
  x        = each.key
}
resource "t" "map" {
  for_each = { one = 1 }
  x        = each.value
}
resource "t" "none" {
  for_each = {}
}
resource "t" "unknown" {
  count = length(data.x.y.ids)
  x     = count.index
}
resource "u" "ref" {
  x = t.three[1].x
  y = t.each["b"].x
}`,
    });
    assert.deepEqual(module.resources('t').map(i => i.address), [
      't.three[0]', 't.three[1]', 't.three[2]', 't.each["a"]', 't.each["b"]', 't.map["one"]', 't.unknown',
    ]);
    assert.deepEqual(module.resources('t').map(i => i.body.value('x')).slice(0, 6), ['n-0', 'n-1', 'n-2', 'a', 'b', 1]);
    assert.equal(module.resources('t')[6].body.value('x'), UNKNOWN);
    const [ref] = module.resources('u');
    assert.equal(ref.body.value('x'), 'n-1');
    assert.equal(ref.body.value('y'), 'b');
  });

  it('expands dynamic blocks, with one unknown block when the collection is unknown', () => {
    const module = moduleOf({
      'main.tf': `
resource "t" "r" {
  dynamic "ingress" {
    for_each = [22, 443]
    content {
      port = ingress.value
    }
  }
  dynamic "egress" {
    for_each = var.rules
    iterator = rule
    content {
      port = rule.value.port
    }
  }
}`,
    });
    const body = module.resources('t')[0].body;
    assert.deepEqual(body.blocks('ingress').map(block => block.value('port')), [22, 443]);
    const egress = body.blocks('egress');
    assert.equal(egress.length, 1);
    assert.ok(isUnknown(egress[0].value('port')));
  });

  it('survives references that loop', () => {
    const module = moduleOf({ 'main.tf': 'locals {\n  a = local.b\n  b = local.a\n}\nresource "t" "r" {\n  x = local.a\n  count = length(t.r)\n}' });
    assert.deepEqual(module.resources('t').map(i => asString(i.body.value('x'))), []);
  });
});
