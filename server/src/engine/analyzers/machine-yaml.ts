// A fast reader for the YAML that tools write, such as pnpm-lock.yaml: block maps indented by
// spaces, block sequences of scalars, plain and quoted scalars, and one-line flow maps and
// sequences. It builds the `yaml` package's own nodes (YAMLMap, Pair, Scalar with their ranges), so
// that one analyzer serves both readers. Anything else (comments, anchors, tags, block scalars,
// escapes, scalars over several lines) is not read here: the caller falls back to the `yaml`
// parser, which is exact but about thirty times slower on a large lockfile. One pass over the
// lines, no backtracking.
import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/** The text is outside the subset this reader handles. */
class OutsideSubset extends Error {}

type Range = [number, number, number];
type Node = Scalar | YAMLMap | YAMLSeq;

interface Frame {
  indent: number;
  node: YAMLMap | YAMLSeq;
}

/** A key whose value is the block on the lines below it. */
interface OpenKey {
  indent: number;
  pair: Pair<Scalar, Node>;
  keyEnd: number;
}

const SPACE = 0x20;
/** Flow collections nested deeper than this go to the yaml parser (and keep the stack small). */
const MAX_FLOW_DEPTH = 32;

/**
 * The root map of each document (null for an empty one), in the failsafe schema (every scalar a
 * string); undefined when the text is outside the subset.
 */
export function readMachineYaml(text: string): (YAMLMap | null)[] | undefined {
  try {
    return new MachineYamlReader(text).read();
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

class MachineYamlReader {
  private readonly documents: (YAMLMap | null)[] = [];
  private stack: Frame[] = [];
  private open: OpenKey | undefined;
  private root: YAMLMap | null = null;
  /** Where the last line with content ended: the end of every block still open. */
  private lastEnd = 0;

  constructor(private readonly text: string) {}

  read(): (YAMLMap | null)[] {
    const { text } = this;
    if (text.charCodeAt(0) === 0xfeff) throw new OutsideSubset();
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const contentEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
      this.line(start, contentEnd);
      start = end + 1;
    }
    this.endDocument(text.length);
    return this.documents;
  }

  private line(start: number, end: number): void {
    const { text } = this;
    let at = start;
    while (at < end && text.charCodeAt(at) === SPACE) at++;
    if (at === end) return; // blank
    const indent = at - start;
    const first = text[at];
    if (first === '\t' || first === '#') throw new OutsideSubset();
    if (indent === 0 && text.startsWith('---', at)) {
      if (end - at > 3) throw new OutsideSubset();
      this.endDocument(start);
      return;
    }
    if (this.open && indent > this.open.indent) {
      const node = first === '-' ? new YAMLSeq() : new YAMLMap();
      node.range = [at, at, at];
      this.open.pair.value = node;
      this.stack.push({ indent, node });
      this.open = undefined;
    } else {
      this.closeOpenKey();
      while (this.stack.length > 0 && this.stack[this.stack.length - 1].indent > indent) this.closeFrame();
      if (this.stack.length === 0) {
        if (indent !== 0 || this.root) throw new OutsideSubset();
        this.root = new YAMLMap();
        this.root.range = [at, at, at];
        this.stack.push({ indent: 0, node: this.root });
      }
    }
    const frame = this.stack[this.stack.length - 1];
    if (frame.indent !== indent) throw new OutsideSubset();
    if (frame.node instanceof YAMLSeq) this.sequenceItem(frame.node, at, end);
    else this.mapEntry(frame.node, indent, at, end);
    this.lastEnd = end;
  }

  private closeFrame(): void {
    const { node } = this.stack.pop()!;
    node.range![1] = node.range![2] = this.lastEnd;
  }

  private mapEntry(map: YAMLMap, indent: number, at: number, end: number): void {
    const key = this.scalar(at, end, 'key');
    let after = key.range![1];
    if (this.text.charCodeAt(after) !== 0x3a /* : */) throw new OutsideSubset();
    after++;
    const pair = new Pair<Scalar, Node>(key, null as unknown as Node);
    map.items.push(pair);
    if (after === end) {
      this.open = { indent, pair, keyEnd: after };
      return;
    }
    if (this.text.charCodeAt(after) !== SPACE) throw new OutsideSubset();
    while (this.text.charCodeAt(after) === SPACE) after++;
    pair.value = this.value(after, end);
  }

  private sequenceItem(seq: YAMLSeq, at: number, end: number): void {
    if (this.text.charCodeAt(at) !== 0x2d /* - */ || this.text.charCodeAt(at + 1) !== SPACE) throw new OutsideSubset();
    let start = at + 2;
    while (this.text.charCodeAt(start) === SPACE) start++;
    const item = this.value(start, end);
    if (!(item instanceof Scalar)) throw new OutsideSubset();
    seq.items.push(item);
  }

  /** A block value that fills the rest of its line. */
  private value(at: number, end: number): Node {
    const first = this.text[at];
    const node = first === '{' || first === '[' ? this.flow(at, end, 1) : this.scalar(at, end, 'block');
    let after = node.range![1];
    while (this.text.charCodeAt(after) === SPACE) after++;
    if (after !== end) throw new OutsideSubset();
    return node;
  }

  /** An empty value for a key whose block never came: the yaml parser gives an empty scalar. */
  private closeOpenKey(): void {
    if (!this.open) return;
    const empty = new Scalar('');
    const { keyEnd } = this.open;
    empty.range = [keyEnd, keyEnd, keyEnd];
    this.open.pair.value = empty;
    this.open = undefined;
  }

  private endDocument(at: number): void {
    this.closeOpenKey();
    while (this.stack.length > 0) this.closeFrame();
    if (this.root || this.documents.length > 0 || at > 0) this.documents.push(this.root);
    this.root = null;
  }

  /** `{a: b, c: [d]}` or `[a, b]` on one line. */
  private flow(at: number, end: number, depth: number): YAMLMap | YAMLSeq {
    if (depth > MAX_FLOW_DEPTH) throw new OutsideSubset();
    const isMap = this.text[at] === '{';
    const close = isMap ? '}' : ']';
    const node = isMap ? new YAMLMap() : new YAMLSeq();
    let cursor = this.skipSpaces(at + 1, end);
    if (this.text[cursor] === close) {
      node.range = [at, cursor + 1, cursor + 1];
      return node;
    }
    for (;;) {
      const item = this.flowValue(cursor, end, depth);
      cursor = this.skipSpaces(item.range![1], end);
      if (isMap) {
        if (!(item instanceof Scalar) || this.text[cursor] !== ':' || this.text.charCodeAt(cursor + 1) !== SPACE) throw new OutsideSubset();
        const value = this.flowValue(this.skipSpaces(cursor + 1, end), end, depth);
        (node as YAMLMap).items.push(new Pair(item, value));
        cursor = this.skipSpaces(value.range![1], end);
      } else {
        (node as YAMLSeq).items.push(item);
      }
      const separator = this.text[cursor];
      if (separator === close) {
        node.range = [at, cursor + 1, cursor + 1];
        return node;
      }
      if (separator !== ',' || cursor >= end) throw new OutsideSubset();
      cursor = this.skipSpaces(cursor + 1, end);
    }
  }

  private flowValue(at: number, end: number, depth: number): Node {
    const first = this.text[at];
    return first === '{' || first === '[' ? this.flow(at, end, depth + 1) : this.scalar(at, end, 'flow');
  }

  /**
   * A quoted scalar, or a plain one: in a key it ends before `:` and a space (or the line's end);
   * in a flow collection before `,`, `]`, `}` or `: `; in a block value at the line's end.
   */
  private scalar(at: number, end: number, context: 'key' | 'block' | 'flow'): Scalar {
    const { text } = this;
    const first = text[at];
    if (first === "'" || first === '"') return this.quoted(at, end);
    if (at >= end || '[]{},#&*!|>%@`'.includes(first)) throw new OutsideSubset();
    if ((first === '-' || first === '?' || first === ':') && (at + 1 >= end || text.charCodeAt(at + 1) === SPACE)) throw new OutsideSubset();
    let cursor = at;
    let lastContent = at;
    for (; cursor < end; cursor++) {
      const code = text.charCodeAt(cursor);
      if (code === 0x3a /* : */) {
        const next = cursor + 1 < end ? text.charCodeAt(cursor + 1) : SPACE;
        if (next === SPACE) break;
        if (context === 'flow' && (next === 0x2c || next === 0x5d || next === 0x7d)) break;
      } else if (code === 0x23 /* # */ && text.charCodeAt(cursor - 1) === SPACE) {
        throw new OutsideSubset(); // a comment
      } else if (code === 0x09) {
        throw new OutsideSubset();
      } else if (context === 'flow' && (code === 0x2c || code === 0x5d || code === 0x7d || code === 0x5b || code === 0x7b)) {
        break;
      }
      if (code !== SPACE) lastContent = cursor + 1;
    }
    if (context === 'block' && cursor < end) throw new OutsideSubset(); // `a: b: c` is no scalar
    const scalar = new Scalar(text.slice(at, lastContent));
    scalar.range = [at, lastContent, lastContent];
    return scalar;
  }

  /** 'single' (with '' for a quote) or "double" without escapes, closed on the same line. */
  private quoted(at: number, end: number): Scalar {
    const { text } = this;
    const quote = text[at];
    let close = text.indexOf(quote, at + 1);
    // In single quotes '' is a quote: step over each pair.
    while (quote === "'" && close !== -1 && close < end && text.charCodeAt(close + 1) === 0x27) close = text.indexOf(quote, close + 2);
    if (close === -1 || close >= end) throw new OutsideSubset();
    const raw = text.slice(at + 1, close);
    if (quote === '"' && raw.includes('\\')) throw new OutsideSubset();
    // split and join, not replaceAll: its time steps up past some 800,000 replacements.
    const scalar = new Scalar(quote === "'" ? raw.split("''").join("'") : raw);
    scalar.range = [at, close + 1, close + 1];
    return scalar;
  }

  private skipSpaces(at: number, end: number): number {
    while (at < end && this.text.charCodeAt(at) === SPACE) at++;
    return at;
  }
}
