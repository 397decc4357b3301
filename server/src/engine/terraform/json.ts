// Terraform's JSON syntax (.tf.json, .tfvars.json), converted into the same HclFile model the HCL
// parser gives, with the offsets of the JSON nodes, so that evaluation and every check work on it
// unchanged. Terraform's rules (language/syntax/json):
// - the root object's keys are block types; `resource` and `data` take two levels of labels
//   (type, then name), `variable`, `output`, `module`, `provider` and `check` one, the rest none;
//   at every label level an array of objects stands for several blocks;
// - inside a block body, a key `//` is a comment and is dropped;
// - string values are templates: `"${var.x}"` is an expression, `"a-${var.x}"` an interpolation,
//   parsed with the HCL template parser; numbers, booleans and null are literals; arrays are
//   tuples and objects are object expressions;
// - in a .tfvars.json file every value is a literal (strings are not templates).
//
// Terraform tells a nested block from an attribute by the provider's schema, which we do not have.
// The heuristic: inside a block body (not `locals`), a key whose value is an object, or a non-empty
// array of objects only, is BOTH an attribute (its value an object or a tuple of objects) AND a
// nested block (one block per array element). A check that reads `tags` or `labels` gets the map
// it expects from the attribute, and one that reads `versioning` or `ingress` gets the blocks; no
// list of map-typed names can go stale as providers grow. Under `dynamic` and `provisioner`, the
// keys are the block's label (`"dynamic": {"ingress": {"for_each": ..., "content": {...}}}`).
//
// JSON has no comments: `#trivy:ignore` comments cannot be written, so HclFile.comments is empty.
// Every message names a line and column, never the file's content.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import {
  parseTemplateText, type Attribute, type Block, type Body, type Expression, type HclFile, type Label, type ObjectItem, type Span,
} from './parse';

/** Deeper nesting than this is refused, as the HCL parser does. */
const MAX_DEPTH = 200;

/** How many labels each top-level block type takes in JSON; other types take none. */
const LABEL_COUNTS: Readonly<Record<string, number>> = {
  resource: 2, data: 2, variable: 1, output: 1, module: 1, provider: 1, check: 1,
};

/** Nested blocks whose JSON keys are their one label. */
const LABELED_NESTED_BLOCKS: ReadonlySet<string> = new Set(['dynamic', 'provisioner']);

/** Parses a .tf.json file; throws a plain Error naming the line and column of the first problem. */
export function parseTerraformJson(text: string): HclFile {
  return new JsonConverter(text).file();
}

/** Parses a .tfvars.json file: each root key is a variable, its value a literal. */
export function parseTfvarsJson(text: string): HclFile {
  return new JsonConverter(text).tfvars();
}

class JsonConverter {
  private depth = 0;
  /** Each value converted once: a nested block's values are its attribute's too. */
  private readonly converted = new Map<Node, Expression>();

  constructor(private readonly text: string) {}

  file(): HclFile {
    const root = this.root();
    const blocks: Block[] = [];
    for (const [key, value] of this.properties(root)) {
      const blockType = key.value as string;
      blocks.push(...this.labeledBlocks(blockType, key, value, LABEL_COUNTS[blockType] ?? 0, [], blockType === 'locals'));
    }
    return { body: { attributes: [], blocks }, comments: [] };
  }

  tfvars(): HclFile {
    const root = this.root();
    const attributes = this.properties(root).map(([key, value]) => this.attribute(key, this.literal(value)));
    return { body: { attributes, blocks: [] }, comments: [] };
  }

  // ---- structure -------------------------------------------------------------------------------

  private root(): Node {
    // A byte order mark is replaced by a space, so offsets stay those of the text.
    const source = this.text.charCodeAt(0) === 0xfeff ? ` ${this.text.slice(1)}` : this.text;
    const errors: ParseError[] = [];
    let root: Node | undefined;
    try {
      root = parseTree(source, errors, { disallowComments: true, allowTrailingComma: false });
    } catch (error) {
      if (error instanceof RangeError) this.fail(0, 'nested too deeply');
      throw error;
    }
    if (errors.length > 0) this.fail(errors[0].offset, `invalid JSON (${printParseErrorCode(errors[0].error)})`);
    if (!root) this.fail(0, 'expected a JSON object, found nothing');
    if (root.type !== 'object') this.fail(root.offset, 'a Terraform JSON file must hold one object');
    return root;
  }

  /** An object's key and value nodes, without `//` comment keys. */
  private properties(object: Node): [Node, Node][] {
    const pairs: [Node, Node][] = [];
    for (const property of object.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key && value && key.value !== '//') pairs.push([key, value]);
    }
    return pairs;
  }

  /**
   * The blocks a key stands for: `labels` more levels of object keys, then a body (an object) or
   * several (an array of objects).
   */
  private labeledBlocks(blockType: string, typeKey: Node, value: Node, labels: number, found: Label[], attributesOnly: boolean): Block[] {
    this.enter(value.offset);
    const blocks: Block[] = [];
    if (value.type === 'array') {
      for (const element of value.children ?? []) blocks.push(...this.labeledBlocks(blockType, typeKey, element, labels, found, attributesOnly));
    } else if (value.type !== 'object') {
      this.fail(value.offset, labels > 0 ? `expected an object of ${blockType} labels` : `expected an object for the ${blockType} block`);
    } else if (labels > 0) {
      for (const [key, inner] of this.properties(value)) {
        const label: Label = { value: key.value as string, ...this.span(key) };
        blocks.push(...this.labeledBlocks(blockType, key, inner, labels - 1, [...found, label], attributesOnly));
      }
    } else {
      blocks.push(this.block(blockType, found, typeKey, value, attributesOnly));
    }
    this.leave();
    return blocks;
  }

  /**
   * A block from its body object. `key` is the innermost key naming it (the resource's name, the
   * nested block's type): what a finding about the whole block underlines. An element of an array
   * of blocks is underlined at its own opening brace, so that each element has a place of its own.
   */
  private block(blockType: string, labels: Label[], key: Node, body: Node, attributesOnly: boolean): Block {
    const inArray = body.parent?.type === 'array';
    const header: Span = inArray ? { start: body.offset, end: body.offset + 1 } : this.span(key);
    const end = body.offset + body.length;
    return {
      type: 'block', blockType, labels, body: this.body(body, attributesOnly),
      start: header.start, end, header, closeBrace: end - 1,
    };
  }

  private body(object: Node, attributesOnly: boolean): Body {
    const body: Body = { attributes: [], blocks: [] };
    for (const [key, value] of this.properties(object)) {
      const name = key.value as string;
      if (!attributesOnly && LABELED_NESTED_BLOCKS.has(name) && value.type === 'object') {
        body.blocks.push(...this.labeledBlocks(name, key, value, 1, [], false));
        continue;
      }
      body.attributes.push(this.attribute(key, this.expression(value)));
      if (attributesOnly) continue;
      // The heuristic (see the top of the file): an object, or an array of objects only, is a block too.
      if (value.type === 'object') body.blocks.push(this.block(name, [], key, value, false));
      else if (value.type === 'array' && value.children?.length && value.children.every(element => element.type === 'object')) {
        this.enter(value.offset);
        for (const element of value.children) body.blocks.push(this.block(name, [], key, element, false));
        this.leave();
      }
    }
    return body;
  }

  private attribute(key: Node, value: Expression): Attribute {
    const nameSpan = this.span(key);
    return { type: 'attribute', name: key.value as string, nameSpan, value, start: nameSpan.start, end: value.end };
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** A value in expression mode: strings are templates. */
  private expression(node: Node): Expression {
    return this.value(node, true);
  }

  /** A value in literal mode (.tfvars.json): strings are strings. */
  private literal(node: Node): Expression {
    return this.value(node, false);
  }

  private value(node: Node, templates: boolean): Expression {
    let expression = this.converted.get(node);
    if (!expression) this.converted.set(node, (expression = this.convert(node, templates)));
    return expression;
  }

  private convert(node: Node, templates: boolean): Expression {
    const span = this.span(node);
    switch (node.type) {
      case 'string':
        return templates ? this.template(node) : { kind: 'literal', value: node.value as string, ...span };
      case 'number':
      case 'boolean':
      case 'null':
        return { kind: 'literal', value: node.value as number | boolean | null, ...span };
      case 'array': {
        this.enter(node.offset);
        const items = (node.children ?? []).map(child => this.value(child, templates));
        this.leave();
        return { kind: 'tuple', items, ...span };
      }
      case 'object': {
        this.enter(node.offset);
        const items: ObjectItem[] = [];
        for (const property of node.children ?? []) {
          const [key, value] = property.children ?? [];
          if (key && value) items.push({ key: this.value(key, templates), value: this.value(value, templates) });
        }
        this.leave();
        return { kind: 'object', items, ...span };
      }
      default:
        return this.fail(node.offset, 'expected a JSON value');
    }
  }

  /**
   * A string value parsed as a template. Its spans are moved to the string's place in the file:
   * exact where the string has no escapes, within the string where it has.
   */
  private template(node: Node): Expression {
    const text = node.value as string;
    const span = this.span(node);
    // Most strings hold no template sequence: they are their own text.
    if (!text.includes('${') && !text.includes('%{')) return { kind: 'template', parts: text ? [text] : [], heredoc: false, ...span };
    let template: Expression;
    try {
      template = parseTemplateText(text);
    } catch (error) {
      const reason = (error as Error).message.replace(/^line \d{1,9}, column \d{1,9}: /, '');
      return this.fail(node.offset, `in a template string: ${reason}`);
    }
    moveSpans(template, span.start + 1, span.end);
    template.start = span.start;
    template.end = span.end;
    return template;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private span(node: Node): Span {
    return { start: node.offset, end: node.offset + node.length };
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(offset, `nested more than ${MAX_DEPTH} levels deep`);
  }

  private leave(): void {
    this.depth--;
  }

  private fail(offset: number, message: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.text.indexOf('\n'); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new Error(`line ${line}, column ${offset - lineStart + 1}: ${message}`);
  }
}

/** Adds `by` to every span in a parsed template's tree, keeping each end at most `limit`. */
function moveSpans(node: unknown, by: number, limit: number): void {
  if (Array.isArray(node)) {
    for (const element of node) moveSpans(element, by, limit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.start === 'number' && typeof record.end === 'number') {
    record.start = Math.min(record.start + by, limit);
    record.end = Math.min(record.end + by, limit);
  }
  for (const key of Object.keys(record)) {
    if (typeof record[key] === 'object') moveSpans(record[key], by, limit);
  }
}
