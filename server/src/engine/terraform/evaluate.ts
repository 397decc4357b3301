// Evaluation of one Terraform module (the .tf files of one folder): variables (defaults, then
// terraform.tfvars, then *.auto.tfvars in name order, as Terraform loads them without -var-file),
// locals, expressions with a few common functions, references between resources, `count`,
// `for_each` and `dynamic` blocks. What cannot be known before `terraform apply` (computed IDs,
// other modules, data sources, files, unset variables) is UNKNOWN: checks never report on it.
// Evaluation is lazy: an attribute is evaluated when a check asks for it, once.
import { parseTerraformJson, parseTfvarsJson } from './json';
import { parseHcl, type Attribute, type Block, type Expression, type HclFile, type TemplateExpr } from './parse';

/** A value known only after apply. It remembers the resource it was read from, when it was. */
export class Unknown {
  constructor(readonly resource?: ResourceInstance) {}
}

export const UNKNOWN = new Unknown();

/** An object whose attributes are evaluated on demand: a resource instance, `var`, `local`. */
export class LazyObject {
  constructor(
    readonly get: (name: string) => Value | undefined,
    /** The resource instance this object stands for, if it is one. */
    readonly instance?: ResourceInstance,
  ) {}
}

export type Value = null | boolean | number | string | Value[] | Map<string, Value> | Unknown | LazyObject;

export function isUnknown(value: Value | undefined): value is Unknown | LazyObject {
  return value instanceof Unknown || value instanceof LazyObject;
}

/** Whether a value holds nothing unknown anywhere inside. */
export function isWhollyKnown(value: Value): boolean {
  if (isUnknown(value)) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value instanceof Map) return [...value.values()].every(isWhollyKnown);
  return true;
}

/** A boolean, taking Terraform's conversions of "true" and "false"; undefined when unknown or not a boolean. */
export function asBool(value: Value | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** A number, taking numeric strings; undefined when unknown or not a number. */
export function asNumber(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A string, as Terraform converts numbers and booleans; undefined when unknown or not a primitive. */
export function asString(value: Value | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A known list (or set), or undefined. */
export function asList(value: Value | undefined): Value[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Names in scope inside a resource or block: count, each, dynamic iterators, for-expression variables. */
class Scope {
  constructor(
    private readonly parent: Scope | undefined,
    private readonly names: ReadonlyMap<string, Value>,
  ) {}

  lookup(name: string): Value | undefined {
    return this.names.has(name) ? this.names.get(name) : this.parent?.lookup(name);
  }

  with(names: ReadonlyMap<string, Value>): Scope {
    return new Scope(this, names);
  }
}

const ROOT_SCOPE = new Scope(undefined, new Map());

/** One file of the module. */
export interface ModuleFile {
  path: string;
  hcl: HclFile;
}

/** One instance of a resource or data block: one per `count` index or `for_each` key. */
export class ResourceInstance {
  readonly body: BlockView;

  constructor(
    readonly module: TerraformModule,
    readonly file: string,
    readonly block: Block,
    /** `managed` for `resource`, `data` for `data`. */
    readonly mode: 'managed' | 'data',
    readonly type: string,
    readonly name: string,
    /** The count index or for_each key, when the resource has one that is known. */
    readonly key: number | string | undefined,
    scope: Scope,
  ) {
    this.body = new BlockView(module, file, block, scope, this);
  }

  /** The address Trivy names a resource by: `aws_s3_bucket.logs`, `aws_instance.web[0]`. */
  get address(): string {
    const base = `${this.mode === 'data' ? 'data.' : ''}${this.type}.${this.name}`;
    if (this.key === undefined) return base;
    return typeof this.key === 'number' ? `${base}[${this.key}]` : `${base}[${JSON.stringify(this.key)}]`;
  }

  /** The object that references to this instance read attributes from. */
  get value(): LazyObject {
    return (this.lazyValue ??= new LazyObject(name => {
      if (this.body.attribute(name)) return this.body.value(name);
      const blocks = this.body.blocks(name);
      if (blocks.length > 0) return blocks.map(block => block.asObject());
      return new Unknown(this);
    }, this));
  }

  private lazyValue: LazyObject | undefined;
}

/** An attribute as a check sees it: its node (for the range) and its value, evaluated once. */
export interface AttributeView {
  node: Attribute;
  /** The file the attribute is in. */
  file: string;
  value: Value;
}

/**
 * A block of a resource (or the resource's own body) in the scope it is evaluated in. `dynamic`
 * blocks are expanded: `blocks('ingress')` gives one view per element of the dynamic block's
 * for_each, or one whose values are unknown when the collection is unknown.
 */
export class BlockView {
  private readonly values = new Map<string, Value>();

  constructor(
    readonly module: TerraformModule,
    readonly file: string,
    readonly node: Block,
    readonly scope: Scope,
    readonly resource: ResourceInstance | undefined,
  ) {}

  attribute(name: string): AttributeView | undefined {
    const node = this.node.body.attributes.find(attribute => attribute.name === name);
    return node && { node, file: this.file, value: this.value(name)! };
  }

  /** The attribute's value, or undefined when the attribute is not set. */
  value(name: string): Value | undefined {
    if (this.values.has(name)) return this.values.get(name);
    const node = this.node.body.attributes.find(attribute => attribute.name === name);
    if (!node) return undefined;
    this.values.set(name, UNKNOWN); // a reference back to itself is unknown, not a loop
    const value = this.module.evaluate(node.value, this.scope);
    this.values.set(name, value);
    return value;
  }

  has(name: string): boolean {
    return this.node.body.attributes.some(attribute => attribute.name === name);
  }

  /** Nested blocks of a type, with `dynamic` ones expanded. */
  blocks(type: string): BlockView[] {
    const views: BlockView[] = [];
    for (const block of this.node.body.blocks) {
      if (block.blockType === type) views.push(new BlockView(this.module, this.file, block, this.scope, this.resource));
      else if (block.blockType === 'dynamic' && block.labels[0]?.value === type) views.push(...this.expandDynamic(block, type));
    }
    return views;
  }

  block(type: string): BlockView | undefined {
    return this.blocks(type)[0];
  }

  /** The value at a path of attributes and blocks, `versioning.enabled`; undefined when a step is missing. */
  valueAt(path: string): Value | undefined {
    const steps = path.split('.');
    let view: BlockView | undefined = this;
    for (const step of steps.slice(0, -1)) {
      view = view.block(step);
      if (!view) return undefined;
    }
    return view.value(steps[steps.length - 1]);
  }

  /** The block as an object value, for references into nested blocks. */
  asObject(): Map<string, Value> {
    const object = new Map<string, Value>();
    for (const attribute of this.node.body.attributes) object.set(attribute.name, this.value(attribute.name)!);
    for (const block of this.node.body.blocks) {
      if (block.blockType !== 'dynamic' && !object.has(block.blockType)) object.set(block.blockType, this.blocks(block.blockType).map(view => view.asObject()));
    }
    return object;
  }

  private expandDynamic(block: Block, type: string): BlockView[] {
    const content = block.body.blocks.find(inner => inner.blockType === 'content');
    if (!content) return [];
    const outer = new BlockView(this.module, this.file, block, this.scope, this.resource);
    const iterator = asString(outer.value('iterator')) ?? (outer.has('iterator') ? iteratorName(block) : type);
    const collection = outer.value('for_each');
    const entries = collectionEntries(collection ?? UNKNOWN);
    const make = (key: Value, value: Value) =>
      new BlockView(this.module, this.file, content, this.scope.with(new Map([[iterator, new Map<string, Value>([['key', key], ['value', value]])]])), this.resource);
    if (!entries) return [make(UNKNOWN, UNKNOWN)];
    return entries.map(([key, value]) => make(key, value));
  }
}

/** `iterator = name` is a bare name, which evaluates as an unknown variable: read it from the node. */
function iteratorName(block: Block): string {
  const node = block.body.attributes.find(attribute => attribute.name === 'iterator');
  return node?.value.kind === 'variable' ? node.value.name : block.labels[0]?.value ?? '';
}

/** The key-value pairs of a list (index, element), a set (element, element) or a map; undefined when unknown. */
function collectionEntries(value: Value): [Value, Value][] | undefined {
  if (Array.isArray(value)) return value.map((element, index) => [index, element]);
  if (value instanceof Map) return [...value.entries()];
  return undefined;
}

/** for_each: a map, or a set of strings (whose keys are the strings themselves). */
function forEachEntries(value: Value): [string, Value][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value)) {
    const keys = value.map(asString);
    if (keys.some(key => key === undefined)) return undefined;
    return keys.map(key => [key!, key!]);
  }
  return undefined;
}

const NO_INSTANCES: ResourceInstance[] = [];

/** The syntaxes of Terraform's files: native HCL (.tf, .tfvars), JSON (.tf.json) and JSON variables (.tfvars.json). */
export type TerraformSyntax = 'hcl' | 'json' | 'tfvars-json';

const PARSERS: Record<TerraformSyntax, (text: string) => HclFile> = { hcl: parseHcl, json: parseTerraformJson, 'tfvars-json': parseTfvarsJson };
const parsedCaches: Record<TerraformSyntax, Map<string, HclFile>> = { hcl: new Map(), json: new Map(), 'tfvars-json': new Map() };
const PARSED_CACHE_SIZE = 256;

/** The syntax of a Terraform file by its name. */
export function syntaxOf(name: string): TerraformSyntax {
  if (name.endsWith('.tfvars.json')) return 'tfvars-json';
  return name.endsWith('.json') ? 'json' : 'hcl';
}

/** Parses a file, keeping the last few parses: every .tf file of a folder reads the others. */
export function parseCached(text: string, syntax: TerraformSyntax = 'hcl'): HclFile {
  const cache = parsedCaches[syntax];
  const cached = cache.get(text);
  if (cached) return cached;
  const parsed = PARSERS[syntax](text);
  if (cache.size >= PARSED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, parsed);
  return parsed;
}

/** The files of a module and what they declare, evaluated on demand. */
export class TerraformModule {
  private readonly variableDefaults = new Map<string, Attribute | undefined>();
  private readonly variableValues = new Map<string, Value>();
  private readonly tfvars = new Map<string, Attribute>();
  private readonly localNodes = new Map<string, Attribute>();
  private readonly localValues = new Map<string, Value>();
  private readonly resourceBlocks = new Map<string, { file: string; block: Block; mode: 'managed' | 'data' }>();
  private readonly instancesByAddress = new Map<string, ResourceInstance[]>();
  private readonly groupValues = new Map<string, Value>();
  private allInstances: ResourceInstance[] | undefined;
  private readonly evaluatingLocals = new Set<string>();

  constructor(
    readonly files: readonly ModuleFile[],
    /** The .tfvars files Terraform loads by itself, in the order it loads them. */
    tfvarsFiles: readonly HclFile[] = [],
    /** For a module called by another: the value the call passes for a variable, undefined where it passes none. */
    private readonly inputs?: (name: string) => Value | undefined,
  ) {
    for (const file of files) {
      for (const block of file.hcl.body.blocks) this.declare(file.path, block);
    }
    for (const tfvars of tfvarsFiles) {
      for (const attribute of tfvars.body.attributes) this.tfvars.set(attribute.name, attribute);
    }
  }

  private declare(file: string, block: Block): void {
    const [first, second] = block.labels.map(label => label.value);
    switch (block.blockType) {
      case 'variable':
        if (first !== undefined) this.variableDefaults.set(first, block.body.attributes.find(attribute => attribute.name === 'default'));
        break;
      case 'locals':
        for (const attribute of block.body.attributes) this.localNodes.set(attribute.name, attribute);
        break;
      case 'resource':
        if (first !== undefined && second !== undefined) this.resourceBlocks.set(`${first}.${second}`, { file, block, mode: 'managed' });
        break;
      case 'data':
        if (first !== undefined && second !== undefined) this.resourceBlocks.set(`data.${first}.${second}`, { file, block, mode: 'data' });
        break;
    }
  }

  /** Every resource instance (managed resources only), in file order. */
  instances(): ResourceInstance[] {
    if (!this.allInstances) {
      this.allInstances = [];
      for (const [address, declared] of this.resourceBlocks) {
        if (declared.mode === 'managed') this.allInstances.push(...this.instancesOf(address));
      }
    }
    return this.allInstances;
  }

  /** The instances of one resource type, in every file or in one. */
  resources(type: string, file?: string): ResourceInstance[] {
    if (!this.instancesByType) {
      this.instancesByType = new Map();
      for (const instance of this.instances()) {
        const list = this.instancesByType.get(instance.type);
        if (list) list.push(instance);
        else this.instancesByType.set(instance.type, [instance]);
      }
    }
    const all = this.instancesByType.get(type) ?? NO_INSTANCES;
    return file === undefined ? all : all.filter(instance => instance.file === file);
  }

  private instancesByType: Map<string, ResourceInstance[]> | undefined;

  /** The instances a resource block expands into: none for count = 0 or an empty for_each. */
  private instancesOf(address: string): ResourceInstance[] {
    const cached = this.instancesByAddress.get(address);
    if (cached) return cached;
    const declared = this.resourceBlocks.get(address)!;
    this.instancesByAddress.set(address, []); // a count that refers to its own resource expands to nothing
    const { file, block, mode } = declared;
    const [type, name] = block.labels.map(label => label.value);
    const make = (key: number | string | undefined, scope: Scope) => new ResourceInstance(this, file, block, mode, type, name, key, scope);
    const countNode = block.body.attributes.find(attribute => attribute.name === 'count');
    const forEachNode = block.body.attributes.find(attribute => attribute.name === 'for_each');
    let instances: ResourceInstance[];
    if (countNode) {
      const count = asNumber(this.evaluate(countNode.value, ROOT_SCOPE));
      // An unknown count is taken as one instance, whose count.index is unknown.
      if (count === undefined) instances = [make(undefined, ROOT_SCOPE.with(new Map([['count', new Map([['index', UNKNOWN]])]])))];
      else instances = Array.from({ length: Math.max(0, Math.min(Math.floor(count), 1000)) }, (_, index) =>
        make(index, ROOT_SCOPE.with(new Map([['count', new Map<string, Value>([['index', index]])]]))));
    } else if (forEachNode) {
      const entries = forEachEntries(this.evaluate(forEachNode.value, ROOT_SCOPE));
      if (!entries) instances = [make(undefined, ROOT_SCOPE.with(new Map([['each', new Map<string, Value>([['key', UNKNOWN], ['value', UNKNOWN]])]])))];
      else instances = entries.slice(0, 1000).map(([key, value]) =>
        make(key, ROOT_SCOPE.with(new Map([['each', new Map<string, Value>([['key', key], ['value', value]])]]))));
    } else {
      instances = [make(undefined, ROOT_SCOPE)];
    }
    this.instancesByAddress.set(address, instances);
    return instances;
  }

  /** What a reference to a resource gives: its instance, a list for count, a map for for_each. */
  private resourceValue(address: string): Value {
    if (this.groupValues.has(address)) return this.groupValues.get(address)!;
    const { block } = this.resourceBlocks.get(address)!;
    const instances = this.instancesOf(address);
    const counted = block.body.attributes.some(attribute => attribute.name === 'count');
    const iterated = block.body.attributes.some(attribute => attribute.name === 'for_each');
    let value: Value;
    if (!counted && !iterated) value = instances[0]?.value ?? UNKNOWN;
    else if (instances.length === 1 && instances[0].key === undefined) value = new Unknown(instances[0]);
    else if (counted) value = instances.map(instance => instance.value);
    else value = new Map(instances.map(instance => [String(instance.key), instance.value]));
    this.groupValues.set(address, value);
    return value;
  }

  /**
   * What a `module` block of this module passes its child for a variable: the argument evaluated
   * here (unknown where this module cannot know it), or undefined where the block does not set it.
   */
  moduleInput(call: Block, name: string): Value | undefined {
    const node = call.body.attributes.find(attribute => attribute.name === name);
    return node && this.evaluate(node.value, ROOT_SCOPE);
  }

  /** The resource instances an expression refers to (`aws_s3_bucket.b.id`, through locals too). */
  referencedResources(value: Value | undefined): ResourceInstance[] {
    if (value instanceof Unknown) return value.resource ? [value.resource] : [];
    if (value instanceof LazyObject) return value.instance ? [value.instance] : [];
    return [];
  }

  private variable(name: string): Value {
    if (this.variableValues.has(name)) return this.variableValues.get(name)!;
    let value: Value = UNKNOWN;
    const set = this.tfvars.get(name);
    const passed = this.inputs?.(name);
    if (passed !== undefined) value = passed;
    else if (set) value = this.evaluate(set.value, ROOT_SCOPE);
    else if (this.variableDefaults.has(name)) {
      const fallback = this.variableDefaults.get(name);
      if (fallback) value = this.evaluate(fallback.value, ROOT_SCOPE);
    }
    this.variableValues.set(name, value);
    return value;
  }

  private local(name: string): Value | undefined {
    if (this.localValues.has(name)) return this.localValues.get(name);
    const node = this.localNodes.get(name);
    if (!node) return undefined;
    if (this.evaluatingLocals.has(name)) return UNKNOWN;
    this.evaluatingLocals.add(name);
    const value = this.evaluate(node.value, ROOT_SCOPE);
    this.evaluatingLocals.delete(name);
    this.localValues.set(name, value);
    return value;
  }

  private readonly namespaces = {
    var: new LazyObject(name => this.variable(name)),
    local: new LazyObject(name => this.local(name)),
    data: new LazyObject(type => new LazyObject(name => (this.resourceBlocks.has(`data.${type}.${name}`) ? this.resourceValue(`data.${type}.${name}`) : UNKNOWN))),
  };

  private readonly resourceTypes = new Map<string, LazyObject>();

  private root(name: string, scope: Scope): Value {
    const scoped = scope.lookup(name);
    if (scoped !== undefined) return scoped;
    if (name === 'var' || name === 'local' || name === 'data') return this.namespaces[name];
    let type = this.resourceTypes.get(name);
    if (!type) {
      const known = [...this.resourceBlocks.keys()].some(address => address.startsWith(`${name}.`));
      if (!known) return UNKNOWN;
      type = new LazyObject(resource => (this.resourceBlocks.has(`${name}.${resource}`) ? this.resourceValue(`${name}.${resource}`) : UNKNOWN));
      this.resourceTypes.set(name, type);
    }
    return type;
  }

  /** Evaluates an expression in a scope; never throws, anything it cannot work out is UNKNOWN. */
  evaluate(expression: Expression, scope: Scope): Value {
    switch (expression.kind) {
      case 'literal':
        return expression.value;
      case 'template':
        return this.template(expression, scope);
      case 'variable':
        return this.root(expression.name, scope);
      case 'getattr':
        return getAttribute(this.evaluate(expression.object, scope), expression.name);
      case 'index':
        return index(this.evaluate(expression.object, scope), this.evaluate(expression.key, scope));
      case 'splat': {
        const source = this.evaluate(expression.source, scope);
        if (isUnknown(source)) return source instanceof Unknown ? source : new Unknown(source.instance);
        const elements = source === null ? [] : Array.isArray(source) ? source : [source];
        return elements.map(element => this.evaluate(expression.each, scope.with(new Map([[SPLAT_ITEM, element]]))));
      }
      case 'splat-item':
        return orUnknown(scope.lookup(SPLAT_ITEM), undefined);
      case 'paren':
        return this.evaluate(expression.expression, scope);
      case 'tuple':
        return expression.items.map(item => this.evaluate(item, scope));
      case 'object': {
        const object = new Map<string, Value>();
        for (const item of expression.items) {
          const key = asString(this.evaluate(item.key, scope));
          if (key === undefined) return UNKNOWN;
          object.set(key, this.evaluate(item.value, scope));
        }
        return object;
      }
      case 'unary': {
        const operand = this.evaluate(expression.operand, scope);
        if (expression.op === '!') {
          const bool = asBool(operand);
          return bool === undefined ? UNKNOWN : !bool;
        }
        const number = asNumber(operand);
        return number === undefined ? UNKNOWN : -number;
      }
      case 'binary':
        return this.binary(expression.op, expression.left, expression.right, scope);
      case 'conditional': {
        const condition = asBool(this.evaluate(expression.condition, scope));
        if (condition !== undefined) return this.evaluate(condition ? expression.then : expression.else, scope);
        const then = this.evaluate(expression.then, scope);
        const otherwise = this.evaluate(expression.else, scope);
        return isWhollyKnown(then) && equal(then, otherwise) ? then : UNKNOWN;
      }
      case 'for':
        return this.forExpression(expression, scope);
      case 'call':
        return this.call(expression.name, expression.args.map(arg => this.evaluate(arg, scope)), expression.expandLast);
    }
  }

  private template(expression: TemplateExpr, scope: Scope): Value {
    const { parts } = expression;
    if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0].kind !== 'directive') return this.evaluate(parts[0], scope);
    let text = '';
    let unknownFrom: Unknown | undefined;
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      if (part.kind === 'directive') return UNKNOWN;
      const value = this.evaluate(part, scope);
      const string = asString(value);
      if (string === undefined) unknownFrom ??= value instanceof Unknown ? value : UNKNOWN;
      else text += string;
    }
    return unknownFrom ? new Unknown(unknownFrom.resource) : text;
  }

  private binary(op: string, leftNode: Expression, rightNode: Expression, scope: Scope): Value {
    const left = this.evaluate(leftNode, scope);
    if (op === '&&' || op === '||') {
      const a = asBool(left);
      if (a === (op === '||')) return a;
      const b = asBool(this.evaluate(rightNode, scope));
      if (a === undefined || b === undefined) return op === '&&' && b === false ? false : op === '||' && b === true ? true : UNKNOWN;
      return b;
    }
    const right = this.evaluate(rightNode, scope);
    if (op === '==' || op === '!=') {
      if (!isWhollyKnown(left) || !isWhollyKnown(right)) return UNKNOWN;
      return equal(left, right) === (op === '==');
    }
    const a = asNumber(left);
    const b = asNumber(right);
    if (a === undefined || b === undefined) return UNKNOWN;
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0 ? UNKNOWN : a / b;
      case '%': return b === 0 ? UNKNOWN : a % b;
      case '<': return a < b;
      case '>': return a > b;
      case '<=': return a <= b;
      case '>=': return a >= b;
    }
    return UNKNOWN;
  }

  private forExpression(expression: Extract<Expression, { kind: 'for' }>, scope: Scope): Value {
    const entries = collectionEntries(this.evaluate(expression.collection, scope));
    if (!entries) return UNKNOWN;
    const list: Value[] = [];
    const object = new Map<string, Value>();
    for (const [key, value] of entries) {
      const names = new Map<string, Value>([[expression.valueVar, value]]);
      if (expression.keyVar) names.set(expression.keyVar, key);
      const inner = scope.with(names);
      if (expression.condition) {
        const keep = asBool(this.evaluate(expression.condition, inner));
        if (keep === undefined) return UNKNOWN;
        if (!keep) continue;
      }
      const element = this.evaluate(expression.valueExpr, inner);
      if (!expression.keyExpr) {
        list.push(element);
        continue;
      }
      const objectKey = asString(this.evaluate(expression.keyExpr, inner));
      if (objectKey === undefined) return UNKNOWN;
      if (expression.grouping) {
        const group = object.get(objectKey);
        if (Array.isArray(group)) group.push(element);
        else object.set(objectKey, [element]);
      } else {
        object.set(objectKey, element);
      }
    }
    return expression.keyExpr ? object : list;
  }

  private call(name: string, args: Value[], expandLast: boolean): Value {
    if (expandLast) {
      const last = args.pop();
      if (!Array.isArray(last)) return UNKNOWN;
      args.push(...last);
    }
    const fn = FUNCTIONS[name];
    if (!fn) return UNKNOWN;
    try {
      const result = fn(args);
      return result === undefined ? UNKNOWN : result;
    } catch {
      return UNKNOWN;
    }
  }
}

const SPLAT_ITEM = '\0splat';

/** A looked-up value, or UNKNOWN (remembering the resource) where there is none; null is a value. */
function orUnknown(value: Value | undefined, instance: ResourceInstance | undefined): Value {
  return value === undefined ? new Unknown(instance) : value;
}

function getAttribute(object: Value, name: string): Value {
  if (object instanceof LazyObject) return orUnknown(object.get(name), object.instance);
  if (object instanceof Map) return object.has(name) ? object.get(name)! : UNKNOWN;
  if (object instanceof Unknown) return object;
  return UNKNOWN;
}

function index(collection: Value, key: Value): Value {
  if (collection instanceof Unknown) return collection;
  if (key instanceof Unknown || key instanceof LazyObject) {
    // Every element of a count or for_each resource is the same block: keep the reference.
    const elements = Array.isArray(collection) ? collection : collection instanceof Map ? [...collection.values()] : [];
    const instance = elements[0] instanceof LazyObject ? elements[0].instance : undefined;
    return new Unknown(instance);
  }
  if (Array.isArray(collection)) {
    const position = asNumber(key);
    return position !== undefined && collection[position] !== undefined ? collection[position] : UNKNOWN;
  }
  const name = asString(key);
  if (name === undefined) return UNKNOWN;
  if (collection instanceof Map) return collection.has(name) ? collection.get(name)! : UNKNOWN;
  if (collection instanceof LazyObject) return orUnknown(collection.get(name), collection.instance);
  return UNKNOWN;
}

function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return asNumber(a) !== undefined && asNumber(a) === asNumber(b) && typeof a === typeof b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((element, i) => equal(element, b[i]));
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([key, value]) => b.has(key) && equal(value, b.get(key)!));
  return false;
}

/** Plain JSON of a wholly known value, for jsonencode and for checks that read policy documents. */
export function toJson(value: Value): unknown {
  if (isUnknown(value)) throw new Error('unknown');
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, inner]) => [key, toJson(inner)]));
  return value;
}

/** A value from parsed JSON (jsondecode, policy documents). */
export function fromJson(json: unknown): Value {
  if (Array.isArray(json)) return json.map(fromJson);
  if (json !== null && typeof json === 'object') return new Map(Object.entries(json).map(([key, inner]) => [key, fromJson(inner)]));
  if (typeof json === 'string' || typeof json === 'number' || typeof json === 'boolean' || json === null) return json;
  return UNKNOWN;
}

type TerraformFunction = (args: Value[]) => Value | undefined;

function strings(args: Value[]): string[] | undefined {
  const result = args.map(asString);
  return result.every(value => value !== undefined) ? (result as string[]) : undefined;
}

function oneString(args: Value[], transform: (text: string) => Value): Value | undefined {
  const text = asString(args[0]);
  return text === undefined ? undefined : transform(text);
}

/** The functions evaluation knows; any other call is UNKNOWN. Unknown arguments give UNKNOWN. */
const FUNCTIONS: Record<string, TerraformFunction> = {
  lower: args => oneString(args, text => text.toLowerCase()),
  upper: args => oneString(args, text => text.toUpperCase()),
  trimspace: args => oneString(args, text => text.trim()),
  tostring: args => (args[0] === null ? null : asString(args[0])),
  tonumber: args => (args[0] === null ? null : asNumber(args[0])),
  tobool: args => (args[0] === null ? null : asBool(args[0])),
  tolist: args => asList(args[0]),
  toset: args => {
    const list = asList(args[0]);
    if (!list || !list.every(isWhollyKnown)) return undefined;
    return list.filter((element, i) => list.findIndex(other => equal(other, element)) === i);
  },
  tomap: args => (args[0] instanceof Map ? args[0] : undefined),
  concat: args => (args.every(Array.isArray) ? (args as Value[][]).flat() : undefined),
  flatten: args => {
    const flat = (list: Value[]): Value[] | undefined => {
      const out: Value[] = [];
      for (const element of list) {
        if (isUnknown(element)) return undefined;
        if (Array.isArray(element)) {
          const inner = flat(element);
          if (!inner) return undefined;
          out.push(...inner);
        } else out.push(element);
      }
      return out;
    };
    const list = asList(args[0]);
    return list && flat(list);
  },
  merge: args => {
    if (!args.every(arg => arg instanceof Map || arg === null)) return undefined;
    const merged = new Map<string, Value>();
    for (const arg of args) if (arg instanceof Map) for (const [key, value] of arg) merged.set(key, value);
    return merged;
  },
  lookup: args => {
    const [map, key, fallback] = args;
    const name = asString(key);
    if (!(map instanceof Map) || name === undefined) return undefined;
    return map.has(name) ? map.get(name) : fallback;
  },
  length: args => {
    const [value] = args;
    if (Array.isArray(value)) return value.length;
    if (value instanceof Map) return value.size;
    return typeof value === 'string' ? [...value].length : undefined;
  },
  element: args => {
    const list = asList(args[0]);
    const position = asNumber(args[1]);
    return list && position !== undefined && list.length > 0 ? list[position % list.length] : undefined;
  },
  contains: args => {
    const list = asList(args[0]);
    if (!list || !list.every(isWhollyKnown) || !isWhollyKnown(args[1])) return undefined;
    return list.some(element => equal(element, args[1]));
  },
  keys: args => (args[0] instanceof Map ? [...args[0].keys()].sort() : undefined),
  values: args => (args[0] instanceof Map ? [...args[0].entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => value) : undefined),
  join: args => {
    const separator = asString(args[0]);
    const list = asList(args[1]);
    const parts = list && strings(list);
    return separator === undefined || !parts ? undefined : parts.join(separator);
  },
  split: args => {
    const [separator, text] = strings(args.slice(0, 2)) ?? [];
    return separator === undefined || text === undefined ? undefined : text.split(separator);
  },
  replace: args => {
    const parts = strings(args.slice(0, 3));
    if (!parts) return undefined;
    const [text, search, replacement] = parts;
    // A /regex/ search needs Go's regex syntax: left unknown.
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) return undefined;
    return text.split(search).join(replacement);
  },
  format: args => {
    const [pattern, ...rest] = args;
    const text = asString(pattern);
    if (text === undefined || !rest.every(value => asString(value) !== undefined)) return undefined;
    let next = 0;
    let failed = false;
    const result = text.replace(/%(%|[sdvt])/g, (_, verb: string) => {
      if (verb === '%') return '%';
      if (next >= rest.length) failed = true;
      return asString(rest[next++]) ?? '';
    });
    return failed ? undefined : result;
  },
  coalesce: args => args.find(arg => arg !== null && arg !== '' && !isUnknown(arg)) ?? (args.some(isUnknown) ? undefined : null),
  try: args => args.find(arg => !isUnknown(arg)),
  min: args => {
    const numbers = args.map(asNumber);
    return numbers.every(n => n !== undefined) ? Math.min(...(numbers as number[])) : undefined;
  },
  max: args => {
    const numbers = args.map(asNumber);
    return numbers.every(n => n !== undefined) ? Math.max(...(numbers as number[])) : undefined;
  },
  jsonencode: args => (isWhollyKnown(args[0]) ? JSON.stringify(toJson(args[0])) : undefined),
  jsondecode: args => oneString(args, text => fromJson(JSON.parse(text))),
};

