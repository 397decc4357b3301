// A parser for HCL2's native syntax (Terraform's .tf and .tfvars files) that keeps the start and end
// offset of every node, so a finding can point at the attribute or block at fault.
//
// Why our own parser, not web-tree-sitter with the HCL grammar from @tree-sitter-grammars/tree-sitter-hcl
// (measured on this machine, the 717 .tf files of the shared corpus, 0.3 MB):
// - size: web-tree-sitter 4.6 MB unpacked (a 206 KB runtime WASM) plus 2.1 MB for the grammar package
//   (a 92 KB grammar WASM); this module is one file of some 700 lines;
// - speed: tree-sitter took 250-310 ms for the corpus once warm (880 ms cold) and 24-47 ms for a
//   2,000-line file, before any walk over its tree through the WASM boundary; this parser takes a
//   few ms for the same 2,000 lines (bench/misconfig-terraform.ts), which the editor's 50 ms budget
//   per keystroke needs;
// - shape: web-tree-sitter loads asynchronously while analyzers are synchronous, and it recovers
//   from errors with ERROR nodes where we want one plain error with a line and column.
// HCL2's grammar is small and regular enough to parse by recursive descent in one pass. Every
// token is read once (a peek re-reads one token at most), and nesting is bounded, so the time is
// linear and a hostile file cannot overflow the stack. Messages name places and token kinds,
// never the file's content.

/** A span of the source: offsets, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Expression =
  | LiteralExpr | TemplateExpr | VariableExpr | GetAttrExpr | IndexExpr | SplatExpr | SplatItemExpr | CallExpr
  | TupleExpr | ObjectExpr | UnaryExpr | BinaryExpr | ConditionalExpr | ForExpr | ParenExpr;

export interface LiteralExpr extends Span { kind: 'literal'; value: string | number | boolean | null }
/** A quoted string or heredoc: text and `${...}` interpolations; `%{...}` directives are kept as markers. */
export interface TemplateExpr extends Span { kind: 'template'; parts: TemplatePart[]; heredoc: boolean }
export type TemplatePart = string | Expression | TemplateDirective;
export interface TemplateDirective extends Span { kind: 'directive'; keyword: 'if' | 'else' | 'endif' | 'for' | 'endfor' }
export interface VariableExpr extends Span { kind: 'variable'; name: string }
export interface GetAttrExpr extends Span { kind: 'getattr'; object: Expression; name: string }
export interface IndexExpr extends Span { kind: 'index'; object: Expression; key: Expression }
/** `source[*].each` or `source.*.each`: `each` applies to every element, as the `splat-item` within it. */
export interface SplatExpr extends Span { kind: 'splat'; source: Expression; each: Expression }
export interface SplatItemExpr extends Span { kind: 'splat-item' }
export interface CallExpr extends Span { kind: 'call'; name: string; args: Expression[]; expandLast: boolean }
export interface TupleExpr extends Span { kind: 'tuple'; items: Expression[] }
export interface ObjectExpr extends Span { kind: 'object'; items: ObjectItem[] }
export interface ObjectItem { key: Expression; value: Expression }
export interface UnaryExpr extends Span { kind: 'unary'; op: '!' | '-'; operand: Expression }
export interface BinaryExpr extends Span { kind: 'binary'; op: BinaryOperator; left: Expression; right: Expression }
export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';
export interface ConditionalExpr extends Span { kind: 'conditional'; condition: Expression; then: Expression; else: Expression }
export interface ForExpr extends Span {
  kind: 'for';
  keyVar?: string;
  valueVar: string;
  collection: Expression;
  /** Set for `{for ...}`, which builds an object. */
  keyExpr?: Expression;
  valueExpr: Expression;
  condition?: Expression;
  /** `{for k, v in x : k => v...}` groups values of equal keys into lists. */
  grouping: boolean;
}
export interface ParenExpr extends Span { kind: 'paren'; expression: Expression }

export interface Attribute extends Span {
  type: 'attribute';
  name: string;
  nameSpan: Span;
  value: Expression;
}

export interface Label extends Span {
  value: string;
}

export interface Block extends Span {
  type: 'block';
  blockType: string;
  labels: Label[];
  body: Body;
  /** From the block type to the opening brace: what a finding about the whole block underlines. */
  header: Span;
  /** The offset of the closing brace. */
  closeBrace: number;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

export interface Comment extends Span {
  /** The comment's text without its marker (`#`, `//`, `/*`). */
  text: string;
}

export interface HclFile {
  body: Body;
  comments: Comment[];
}

/** Deeper nesting than this is refused, so a hostile file cannot exhaust the stack. */
const MAX_DEPTH = 200;

type TokenType =
  | 'ident' | 'number' | 'quote' | 'heredoc' | 'newline' | 'eof'
  | '{' | '}' | '[' | ']' | '(' | ')' | '=' | ',' | '.' | '?' | ':' | '=>' | '...' | '::'
  | '*' | '/' | '%' | '+' | '-' | '!' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';

interface Token extends Span {
  type: TokenType;
}

const TWO_CHARACTER: ReadonlySet<string> = new Set(['=>', '==', '!=', '<=', '>=', '&&', '||', '::']);
const ONE_CHARACTER: ReadonlySet<string> = new Set('{}[]()=,.?:*/%+-!<>');

const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%'],
];

function isIdentStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code > 127;
}

function isIdentPart(code: number): boolean {
  return isIdentStart(code) || (code >= 48 && code <= 57) || code === 45;
}

/** Characters that end a run of template text: quote, backslash, line break, `$` and `%`. */
function isTemplateSpecial(code: number): boolean {
  return code === 34 || code === 92 || code === 10 || code === 36 || code === 37;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Parses one HCL file; throws a plain Error naming the line and column of the first syntax error. */
export function parseHcl(text: string): HclFile {
  return new Parser(text).parseFile();
}

/**
 * Parses a whole text as a template, `${...}` interpolations and `%{...}` directives in literal
 * text (no quotes, no escapes: Terraform's JSON syntax gives string values already unescaped).
 * Spans are offsets into `text`; errors name the line and column in it.
 */
export function parseTemplateText(text: string): TemplateExpr {
  return new Parser(text).parseWholeTemplate();
}

class Parser {
  private pos = 0;
  private depth = 0;
  /** Whether newlines are whitespace here (inside parentheses, brackets, interpolations), innermost last. */
  private readonly newlineModes: boolean[] = [false];
  private readonly comments = new Map<number, Comment>();
  private peeked: { from: number; ignored: boolean; token: Token } | undefined;

  constructor(private readonly text: string) {}

  parseFile(): HclFile {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const body = this.parseBody(false);
    return { body, comments: [...this.comments.values()].sort((a, b) => a.start - b.start) };
  }

  parseWholeTemplate(): TemplateExpr {
    const parts = this.parseTemplateParts(this.text.length, false, 0);
    return { kind: 'template', parts, heredoc: false, start: 0, end: this.text.length };
  }

  // ---- errors ----------------------------------------------------------------------------------

  private fail(offset: number, message: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.text.indexOf('\n'); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new Error(`line ${line}, column ${offset - lineStart + 1}: ${message}`);
  }

  private describe(token: Token): string {
    switch (token.type) {
      case 'eof': return 'the end of the file';
      case 'newline': return 'a line break';
      case 'ident': return 'a name';
      case 'number': return 'a number';
      case 'quote': return 'a string';
      case 'heredoc': return 'a heredoc';
      default: return `'${token.type}'`;
    }
  }

  private unexpected(token: Token, expected: string): never {
    return this.fail(token.start, `expected ${expected}, found ${this.describe(token)}`);
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(offset, `nested more than ${MAX_DEPTH} levels deep`);
  }

  private leave(): void {
    this.depth--;
  }

  // ---- lexing ----------------------------------------------------------------------------------

  private get newlinesIgnored(): boolean {
    return this.newlineModes[this.newlineModes.length - 1];
  }

  private withNewlines<T>(ignored: boolean, parse: () => T): T {
    this.newlineModes.push(ignored);
    try {
      return parse();
    } finally {
      this.newlineModes.pop();
    }
  }

  /** Skips spaces and comments from `pos`, and line breaks too when they are whitespace here. */
  private skipTrivia(from: number, newlines: boolean): number {
    const { text } = this;
    let i = from;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 32 || code === 9 || code === 13) {
        i++;
      } else if (code === 10) {
        if (!newlines) return i;
        i++;
      } else if (code === 35 || (code === 47 && text.charCodeAt(i + 1) === 47)) {
        const markerEnd = code === 35 ? i + 1 : i + 2;
        let end = text.indexOf('\n', markerEnd);
        if (end === -1) end = text.length;
        this.comments.set(i, { start: i, end, text: text.slice(markerEnd, end).replace(/\r$/, '') });
        i = end;
      } else if (code === 47 && text.charCodeAt(i + 1) === 42) {
        const close = text.indexOf('*/', i + 2);
        if (close === -1) this.fail(i, 'unterminated comment');
        this.comments.set(i, { start: i, end: close + 2, text: text.slice(i + 2, close) });
        i = close + 2;
      } else {
        return i;
      }
    }
    return i;
  }

  /** The next token, without consuming it. The last one is kept: the binary levels each peek at the same token. */
  private peek(): Token {
    const ignored = this.newlinesIgnored;
    const cached = this.peeked;
    if (cached && cached.from === this.pos && cached.ignored === ignored) return cached.token;
    const token = this.lexAt(this.skipTrivia(this.pos, ignored));
    this.peeked = { from: this.pos, ignored, token };
    return token;
  }

  private next(): Token {
    const token = this.peek();
    this.pos = token.end;
    return token;
  }

  private lexAt(start: number): Token {
    const { text } = this;
    if (start >= text.length) return { type: 'eof', start, end: start };
    const code = text.charCodeAt(start);
    if (code === 10) return { type: 'newline', start, end: start + 1 };
    if (isIdentStart(code)) {
      let end = start + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      return { type: 'ident', start, end };
    }
    if (isDigit(code)) return { type: 'number', start, end: this.numberEnd(start) };
    if (code === 34) return { type: 'quote', start, end: start + 1 };
    if (code === 60 && text.charCodeAt(start + 1) === 60) {
      let i = start + 2;
      if (text.charCodeAt(i) === 45) i++;
      if (isIdentStart(text.charCodeAt(i))) {
        while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
        return { type: 'heredoc', start, end: i };
      }
    }
    const two = text.slice(start, start + 2);
    if (two === '..' && text[start + 2] === '.') return { type: '...', start, end: start + 3 };
    if (TWO_CHARACTER.has(two)) return { type: two as TokenType, start, end: start + 2 };
    const one = text[start];
    if (ONE_CHARACTER.has(one)) return { type: one as TokenType, start, end: start + 1 };
    return this.fail(start, 'unexpected character');
  }

  private numberEnd(start: number): number {
    const { text } = this;
    let i = start;
    while (isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(text.charCodeAt(j))) {
        while (isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
    }
    return i;
  }

  private expect(type: TokenType, expected = `'${type}'`): Token {
    const token = this.next();
    if (token.type !== type) this.unexpected(token, expected);
    return token;
  }

  private accept(type: TokenType): Token | undefined {
    const token = this.peek();
    if (token.type !== type) return undefined;
    this.pos = token.end;
    return token;
  }

  private identText(token: Token): string {
    return this.text.slice(token.start, token.end);
  }

  // ---- bodies ----------------------------------------------------------------------------------

  private parseBody(inBlock: boolean): Body {
    const body: Body = { attributes: [], blocks: [] };
    for (;;) {
      while (this.accept('newline'));
      const token = this.peek();
      if (token.type === 'eof') {
        if (inBlock) this.unexpected(token, "'}'");
        return body;
      }
      if (token.type === '}' && inBlock) return body;
      if (token.type !== 'ident') this.unexpected(token, 'an attribute or a block');
      this.pos = token.end;
      const name = this.identText(token);
      const after = this.peek();
      if (after.type === '=') {
        this.pos = after.end;
        const value = this.parseExpression();
        body.attributes.push({ type: 'attribute', name, nameSpan: { start: token.start, end: token.end }, value, start: token.start, end: value.end });
      } else {
        body.blocks.push(this.parseBlock(token, name));
      }
      const end = this.peek();
      if (end.type === 'newline' || end.type === 'eof' || (inBlock && end.type === '}')) continue;
      this.unexpected(end, 'a line break');
    }
  }

  private parseBlock(typeToken: Token, blockType: string): Block {
    const labels: Label[] = [];
    for (;;) {
      const token = this.peek();
      if (token.type === 'ident') {
        this.pos = token.end;
        labels.push({ value: this.identText(token), start: token.start, end: token.end });
      } else if (token.type === 'quote') {
        this.pos = token.end;
        const label = this.parseTemplate(token.start);
        if (label.parts.some(part => typeof part !== 'string')) this.fail(token.start, 'a block label cannot hold interpolations');
        labels.push({ value: label.parts.join(''), start: label.start, end: label.end });
      } else if (token.type === '{') {
        break;
      } else {
        this.unexpected(token, "'=', a block label or '{'");
      }
    }
    const open = this.next();
    this.enter(open.start);
    const body = this.withNewlines(false, () => this.parseBody(true));
    this.leave();
    const close = this.expect('}');
    return {
      type: 'block', blockType, labels, body, start: typeToken.start, end: close.end,
      header: { start: typeToken.start, end: open.end }, closeBrace: close.start,
    };
  }

  // ---- expressions -----------------------------------------------------------------------------

  private parseExpression(): Expression {
    const start = this.peek().start;
    this.enter(start);
    const condition = this.parseBinary(0);
    let result: Expression = condition;
    if (this.accept('?')) {
      const then = this.parseExpression();
      this.expect(':');
      const otherwise = this.parseExpression();
      result = { kind: 'conditional', condition, then, else: otherwise, start: condition.start, end: otherwise.end };
    }
    this.leave();
    return result;
  }

  private parseBinary(level: number): Expression {
    if (level === BINARY_LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const token = this.peek();
      const op = BINARY_LEVELS[level].find(candidate => candidate === token.type);
      if (!op) return left;
      this.pos = token.end;
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
  }

  private parseUnary(): Expression {
    const token = this.peek();
    if (token.type === '!' || token.type === '-') {
      this.pos = token.end;
      this.enter(token.start);
      const operand = this.parseUnary();
      this.leave();
      return { kind: 'unary', op: token.type, operand, start: token.start, end: operand.end };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** Attribute access, indexes and splats after a term. */
  private parsePostfix(term: Expression): Expression {
    let result = term;
    for (;;) {
      const token = this.peek();
      if (token.type === '.') {
        const after = this.lexAt(this.skipTrivia(token.end, false));
        if (after.type === '*') {
          this.pos = after.end;
          return this.parseSplat(result, false);
        }
        this.pos = token.end;
        result = this.parseGetAttr(result);
      } else if (token.type === '[') {
        const after = this.lexAt(this.skipTrivia(token.end, true));
        if (after.type === '*') {
          this.pos = after.end;
          this.withNewlines(true, () => this.expect(']'));
          return this.parseSplat(result, true);
        }
        this.pos = token.end;
        const key = this.withNewlines(true, () => {
          const expression = this.parseExpression();
          this.expect(']');
          return expression;
        });
        result = { kind: 'index', object: result, key, start: result.start, end: this.pos };
      } else {
        return result;
      }
    }
  }

  private parseGetAttr(object: Expression): Expression {
    const token = this.next();
    if (token.type === 'ident') return { kind: 'getattr', object, name: this.identText(token), start: object.start, end: token.end };
    if (token.type === 'number') {
      // The legacy index form `list.0`.
      const key: LiteralExpr = { kind: 'literal', value: Number(this.text.slice(token.start, token.end)), start: token.start, end: token.end };
      return { kind: 'index', object, key, start: object.start, end: token.end };
    }
    return this.unexpected(token, 'an attribute name');
  }

  /** `[*]` takes attributes and indexes after it; `.*` only attributes. */
  private parseSplat(source: Expression, full: boolean): SplatExpr {
    let each: Expression = { kind: 'splat-item', start: this.pos, end: this.pos };
    for (;;) {
      const token = this.peek();
      if (token.type === '.') {
        this.pos = token.end;
        each = this.parseGetAttr(each);
      } else if (token.type === '[' && full) {
        this.pos = token.end;
        const key = this.withNewlines(true, () => {
          const expression = this.parseExpression();
          this.expect(']');
          return expression;
        });
        each = { kind: 'index', object: each, key, start: each.start, end: this.pos };
      } else {
        return { kind: 'splat', source, each, start: source.start, end: this.pos };
      }
    }
  }

  private parsePrimary(): Expression {
    const token = this.next();
    switch (token.type) {
      case 'number':
        return { kind: 'literal', value: Number(this.text.slice(token.start, token.end)), start: token.start, end: token.end };
      case 'ident':
        return this.parseNameTerm(token);
      case 'quote':
        return this.parseTemplate(token.start);
      case 'heredoc':
        return this.parseHeredoc(token);
      case '(': {
        const expression = this.withNewlines(true, () => this.parseExpression());
        const close = this.withNewlines(true, () => this.expect(')'));
        return { kind: 'paren', expression, start: token.start, end: close.end };
      }
      case '[':
        return this.withNewlines(true, () => (this.startsFor() ? this.parseFor(token, false) : this.parseTuple(token)));
      case '{':
        return this.startsFor() ? this.withNewlines(true, () => this.parseFor(token, true)) : this.withNewlines(false, () => this.parseObject(token));
      default:
        return this.unexpected(token, 'an expression');
    }
  }

  private parseNameTerm(token: Token): Expression {
    let name = this.identText(token);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', start: token.start, end: token.end };
    if (name === 'null') return { kind: 'literal', value: null, start: token.start, end: token.end };
    // Provider functions: provider::aws::arn_parse(...)
    while (this.peek().type === '::') {
      this.next();
      name += `::${this.identText(this.expect('ident', 'a function name'))}`;
    }
    if (this.peek().type !== '(') {
      if (name.includes('::')) this.unexpected(this.peek(), "'('");
      return { kind: 'variable', name, start: token.start, end: token.end };
    }
    this.next();
    return this.withNewlines(true, () => {
      const args: Expression[] = [];
      let expandLast = false;
      while (this.peek().type !== ')') {
        args.push(this.parseExpression());
        if (this.accept('...')) {
          expandLast = true;
          break;
        }
        if (!this.accept(',')) break;
      }
      const close = this.expect(')', "',' or ')'");
      return { kind: 'call', name, args, expandLast, start: token.start, end: close.end };
    });
  }

  /** Whether the next tokens are `for NAME`, which starts a for-expression. */
  private startsFor(): boolean {
    const start = this.skipTrivia(this.pos, true);
    const token = this.lexAt(start);
    if (token.type !== 'ident' || this.identText(token) !== 'for') return false;
    return this.lexAt(this.skipTrivia(token.end, true)).type === 'ident';
  }

  private parseTuple(open: Token): TupleExpr {
    const items: Expression[] = [];
    while (this.peek().type !== ']') {
      items.push(this.parseExpression());
      if (!this.accept(',')) break;
    }
    const close = this.expect(']', "',' or ']'");
    return { kind: 'tuple', items, start: open.start, end: close.end };
  }

  private parseObject(open: Token): ObjectExpr {
    const items: ObjectItem[] = [];
    for (;;) {
      while (this.accept('newline'));
      if (this.peek().type === '}') break;
      const key = this.parseObjectKey();
      const separator = this.next();
      if (separator.type !== '=' && separator.type !== ':') this.unexpected(separator, "'=' or ':'");
      const value = this.parseExpression();
      items.push({ key, value });
      const after = this.peek();
      if (after.type === ',' || after.type === 'newline') this.pos = after.end;
      else if (after.type !== '}') this.unexpected(after, "',', a line break or '}'");
    }
    const close = this.expect('}');
    return { kind: 'object', items, start: open.start, end: close.end };
  }

  /** A bare name is the key itself, not a variable; anything else is an expression. */
  private parseObjectKey(): Expression {
    const token = this.peek();
    if (token.type === 'ident') {
      const after = this.lexAt(this.skipTrivia(token.end, false));
      if (after.type === '=' || after.type === ':') {
        this.pos = token.end;
        return { kind: 'literal', value: this.identText(token), start: token.start, end: token.end };
      }
    }
    return this.parseExpression();
  }

  private parseFor(open: Token, object: boolean): ForExpr {
    this.next(); // `for`
    let valueVar = this.identText(this.expect('ident', 'a variable name'));
    let keyVar: string | undefined;
    if (this.accept(',')) {
      keyVar = valueVar;
      valueVar = this.identText(this.expect('ident', 'a variable name'));
    }
    const keyword = this.expect('ident', "'in'");
    if (this.identText(keyword) !== 'in') this.unexpected(keyword, "'in'");
    const collection = this.parseExpression();
    this.expect(':');
    let keyExpr: Expression | undefined;
    let valueExpr = this.parseExpression();
    let grouping = false;
    if (object) {
      this.expect('=>');
      keyExpr = valueExpr;
      valueExpr = this.parseExpression();
      grouping = this.accept('...') !== undefined;
    }
    let condition: Expression | undefined;
    const maybeIf = this.peek();
    if (maybeIf.type === 'ident' && this.identText(maybeIf) === 'if') {
      this.pos = maybeIf.end;
      condition = this.parseExpression();
    }
    const close = this.expect(object ? '}' : ']');
    return { kind: 'for', keyVar, valueVar, collection, keyExpr, valueExpr, condition, grouping, start: open.start, end: close.end };
  }

  // ---- templates -------------------------------------------------------------------------------

  /** A quoted template whose opening quote is at `open` (already consumed). */
  private parseTemplate(open: number): TemplateExpr {
    const parts = this.parseTemplateParts(this.text.length, true, 0);
    return { kind: 'template', parts, heredoc: false, start: open, end: this.pos };
  }

  private parseHeredoc(token: Token): TemplateExpr {
    const { text } = this;
    const indented = text.charCodeAt(token.start + 2) === 45;
    const marker = text.slice(token.start + (indented ? 3 : 2), token.end);
    let lineEnd = text.indexOf('\n', token.end);
    if (lineEnd === -1 || text.slice(token.end, lineEnd).trim() !== '') this.fail(token.end, 'expected a line break after the heredoc marker');
    const contentStart = lineEnd + 1;
    // The closing marker: a line holding only the marker, with leading spaces where `<<-` is used.
    let lineStart = contentStart;
    let closeStart = -1;
    let indent = Infinity;
    while (lineStart <= text.length) {
      lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
      if (line.trim() === marker) {
        closeStart = lineStart;
        break;
      }
      if (indented && line.trim() !== '') indent = Math.min(indent, line.length - line.trimStart().length);
      if (lineEnd === text.length) break;
      lineStart = lineEnd + 1;
    }
    if (closeStart === -1) this.fail(token.start, 'unterminated heredoc');
    this.pos = contentStart;
    const parts = this.parseTemplateParts(closeStart, false, indented && indent !== Infinity ? indent : 0);
    const last = parts[parts.length - 1];
    if (typeof last === 'string' && last.endsWith('\n')) parts[parts.length - 1] = last.slice(0, -1);
    this.pos = lineEnd;
    return { kind: 'template', parts, heredoc: true, start: token.start, end: lineEnd };
  }

  /**
   * Template text up to `limit` (a heredoc's closing line) or the closing quote. `strip` leading
   * spaces come off every line, for `<<-` heredocs.
   */
  private parseTemplateParts(limit: number, quoted: boolean, strip: number): TemplatePart[] {
    const { text } = this;
    const parts: TemplatePart[] = [];
    let literal = '';
    let atLineStart = !quoted;
    const flush = () => {
      if (literal) parts.push(literal);
      literal = '';
    };
    for (;;) {
      if (this.pos >= limit) {
        if (quoted) this.fail(this.pos, 'unterminated string');
        break;
      }
      if (atLineStart && strip > 0) {
        let skipped = 0;
        while (skipped < strip && (text.charCodeAt(this.pos) === 32 || text.charCodeAt(this.pos) === 9)) {
          this.pos++;
          skipped++;
        }
      }
      atLineStart = false;
      const code = text.charCodeAt(this.pos);
      if (quoted && code === 34) {
        this.pos++;
        break;
      }
      if (code === 10) {
        if (quoted) this.fail(this.pos, 'unterminated string');
        literal += '\n';
        this.pos++;
        atLineStart = true;
      } else if (quoted && code === 92) {
        literal += this.parseEscape();
      } else if ((code === 36 || code === 37) && text.charCodeAt(this.pos + 1) === code && text.charCodeAt(this.pos + 2) === 123) {
        literal += text[this.pos] + '{';
        this.pos += 3;
      } else if (code === 36 && text.charCodeAt(this.pos + 1) === 123) {
        flush();
        parts.push(this.parseInterpolation());
      } else if (code === 37 && text.charCodeAt(this.pos + 1) === 123) {
        flush();
        parts.push(this.parseDirective());
      } else {
        // A run of plain characters is taken as one slice.
        let end = this.pos + 1;
        while (end < limit && !isTemplateSpecial(text.charCodeAt(end))) end++;
        literal += text.slice(this.pos, end);
        this.pos = end;
      }
    }
    flush();
    return parts;
  }

  private parseEscape(): string {
    const { text } = this;
    const start = this.pos;
    const letter = text[this.pos + 1];
    this.pos += 2;
    switch (letter) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': {
        const length = letter === 'u' ? 4 : 8;
        const hex = text.slice(this.pos, this.pos + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) this.fail(start, 'invalid unicode escape');
        this.pos += length;
        const point = parseInt(hex, 16);
        if (point > 0x10ffff) this.fail(start, 'invalid unicode escape');
        return String.fromCodePoint(point);
      }
      default:
        return this.fail(start, 'invalid escape sequence');
    }
  }

  /** `${ expression }`, with optional `~` strip markers. */
  private parseInterpolation(): Expression {
    this.pos += 2;
    if (this.text[this.pos] === '~') this.pos++;
    const expression = this.withNewlines(true, () => this.parseExpression());
    this.withNewlines(true, () => {
      this.pos = this.skipTrivia(this.pos, true);
      if (this.text[this.pos] === '~') this.pos++;
      this.expect('}');
    });
    return expression;
  }

  /** `%{ if x }`, `%{ else }`, `%{ endif }`, `%{ for a in b }`, `%{ endfor }`. */
  private parseDirective(): TemplateDirective {
    const start = this.pos;
    this.pos += 2;
    if (this.text[this.pos] === '~') this.pos++;
    return this.withNewlines(true, () => {
      const word = this.expect('ident', 'a template directive');
      const keyword = this.identText(word);
      if (keyword === 'if') {
        this.parseExpression();
      } else if (keyword === 'for') {
        this.expect('ident', 'a variable name');
        if (this.accept(',')) this.expect('ident', 'a variable name');
        const inWord = this.expect('ident', "'in'");
        if (this.identText(inWord) !== 'in') this.unexpected(inWord, "'in'");
        this.parseExpression();
      } else if (keyword !== 'else' && keyword !== 'endif' && keyword !== 'endfor') {
        this.unexpected(word, 'if, else, endif, for or endfor');
      }
      this.pos = this.skipTrivia(this.pos, true);
      if (this.text[this.pos] === '~') this.pos++;
      this.expect('}');
      return { kind: 'directive', keyword: keyword as TemplateDirective['keyword'], start, end: this.pos };
    });
  }
}
