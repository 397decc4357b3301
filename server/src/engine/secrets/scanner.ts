// The secret scanner: one pass over a file finds every rule keyword (keywords.ts); a rule's
// pattern then runs only at its keywords' occurrences, with bounded quantifiers, so a file costs
// one pass plus a bounded amount of work per occurrence. A file without any keyword costs the
// one pass alone.
//
// A file read as bytes (scanBytes) is searched for keywords before it is decoded. Built-in
// patterns never leave their keyword's line, so each occurrence is tried on its line alone,
// decoded once for all the occurrences on it; only a file where some rule matches there is
// decoded whole and scanned as text. Most files with a keyword (`key`, `sk`, `-----`) have no
// match, and so are never decoded.
//
// Custom rules from a secret config (config.ts) run as Trivy runs them: their regex (RE2, linear
// time) over the whole file, when one of their keywords occurs anywhere in it.
//
// What is reported never holds a secret: `message` and `match` keep a short prefix of it and
// stars for the rest, and `match` masks every secret found on its line, not only its own.
import { isAscii as isAsciiBytes, isUtf8 } from 'node:buffer';
import { parseInlineIgnores } from '../inline-ignore';
import { SECRET_RULE_SPECS, SECRET_RULE_TABLE, type SecretRuleSpec } from '../rules/secrets';
import { decodeText, LineIndex } from '../text';
import type { Finding, InlineIgnore, Rule } from '../types';
import { KeywordMatcher, type KeywordHits } from './keywords';

/** A pattern over a path or a match: one of our own RegExps, or a config's RE2 pattern. */
export interface TextPattern {
  test(text: string): boolean;
}

/** A rule ready to run: its pattern compiled sticky, or a hand-written matcher. */
export interface CompiledRule {
  rule: Rule;
  keywords: readonly string[];
  path?: TextPattern;
  /** Finds the match that a keyword occurrence at `hit` belongs to, if any. */
  matchAt(text: string, hit: number): Span[];
  /**
   * For a rule whose match can run on past its keyword's line: whether one could start at `hit`,
   * judged from that line alone (`line` holds it, with the line breaks on either side). Without
   * it, matchAt on the line is the test: a pattern never leaves its keyword's line.
   */
  mayMatchOnLine?(line: string, hit: number): boolean;
  /** Rule-specific allow rules, tested on the match. */
  allow?: readonly AllowRule[];
}

/** A match of a rule: [start, end) of the whole match and of its secret. */
export interface Span {
  start: number;
  end: number;
  secretStart: number;
  secretEnd: number;
}

/** Trivy's allow rule: a match is dropped when its file path or its text fits. */
export interface AllowRule {
  id: string;
  description?: string;
  path?: TextPattern;
  regex?: TextPattern;
}

/**
 * Every match of a pattern, in order. Stops, between two matches, once `performance.now()` is past
 * `limits.deadline` or it has `limits.spans` spans, and says which.
 */
export type FindAll = (text: string, limits: { deadline: number; spans: number }) => { spans: Span[]; stopped?: 'time' | 'count' };

/**
 * A rule of a secret config. Unlike a built-in rule its pattern may match anywhere, not only at a
 * keyword: it runs over the whole file when one of its keywords occurs anywhere in it (or always,
 * without keywords), as in Trivy.
 */
export interface CustomRule {
  rule: Rule;
  /** Lowercase; empty: the rule runs on every file. */
  keywords: readonly string[];
  path?: TextPattern;
  /** The rule's own allow rules: a path passes the file over for this rule, a regex drops a match. */
  allow: readonly AllowRule[];
  /** Every match, one span per secret group that took part. */
  findAll: FindAll;
  /** Trivy's exclude-block: a secret inside a match of one of these is dropped. */
  excludeBlocks: readonly FindAll[];
}

/**
 * Trivy's built-in allow rules, less `markdown` (Vigil reads Markdown: a token pasted in a README
 * is as leaked as one in a .env file). Paths are relative to the scan root.
 */
export const BUILTIN_ALLOW_RULES: readonly AllowRule[] = [
  { id: 'tests', description: 'Avoid test files and paths', path: /(^[Tt][Ee][Ss][Tt]|\/test|-test|_test|\.test)/ },
  { id: 'examples', description: 'Avoid example files and paths', path: /example/, regex: /example/i },
  { id: 'vendor', description: 'Vendor dirs', path: /\/vendor\// },
  { id: 'usr-dirs', description: 'System dirs', path: /^usr\/(?:share|include|lib)\// },
  { id: 'locale-dir', description: 'Locales directory contains locales file', path: /\/locales?\// },
  { id: 'dist-info', description: 'Ignore Python .dist-info metadata directories', path: /\.dist-info\// },
  { id: 'node.js', description: 'Node container images', path: /^opt\/yarn-v[\d.]+\// },
  { id: 'golang', description: 'Go container images', path: /^usr\/local\/go\// },
  { id: 'python', description: 'Python container images', path: /^usr\/local\/lib\/python[\d.]+\// },
  { id: 'rubygems', description: 'Ruby container images', path: /^usr\/lib\/gems\// },
  { id: 'wordpress', description: 'Wordpress container images', path: /^usr\/src\/wordpress\// },
  { id: 'anaconda-log', description: 'Anaconda CI Logs in container images', path: /^var\/log\/anaconda\// },
];

/** Files above this many characters are passed over with a note (Trivy warns from 10 MB). */
export const SECRET_MAX_FILE_CHARS = 10 * 1024 * 1024;

/**
 * How long one custom rule may search one file. Each search for the next match is linear, but a
 * hostile pattern can make each search read to the end of the file for a match one character on
 * (`a+b|a` over a run of `a`): the rule stops there, with a note, and the file's time stays bounded.
 */
export const CUSTOM_RULE_TIME_LIMIT_MS = 2000;
/** How many matches one custom rule may have in one file (a pattern such as `.` would have one per character). */
export const CUSTOM_RULE_MAX_MATCHES = 10_000;

/** Compiles a spec's pattern: sticky at the occurrence, or up to `before` characters ahead of it on its line. */
function compilePattern(spec: SecretRuleSpec): CompiledRule['matchAt'] {
  const before = spec.before ?? 0;
  // `[^\n]{0,before}?` lets the match start ahead of the keyword without leaving its line.
  const source = before > 0 ? `[^\\n]{0,${before}}?(?<match>${spec.pattern})` : `(?<match>${spec.pattern})`;
  const regex = new RegExp(source, `dy${spec.flags ?? ''}`);
  return (text, hit) => {
    const spans: Span[] = [];
    // The window starts `before` characters ahead, or at the start of the keyword's line.
    let from = hit;
    while (from > 0 && hit - from < before && text.charCodeAt(from - 1) !== 10) from--;
    while (from <= hit) {
      regex.lastIndex = from;
      const found = regex.exec(text);
      if (!found) break;
      const whole = found.indices!.groups!.match!;
      const secret = found.indices!.groups!.secret ?? whole;
      spans.push({ start: whole[0], end: whole[1], secretStart: secret[0], secretEnd: secret[1] });
      from = Math.max(whole[0] + 1, whole[1]);
    }
    return spans;
  };
}

const PRIVATE_KEY_HEADER = /-----[ \t]{0,8}BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?[ \t]{0,8}-----/iy;
const PRIVATE_KEY_FOOTER = /-----[ \t]{0,8}END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?[ \t]{0,8}-----/iy;

/** Base64 and white space; `\` too, for keys written with `\n` escapes inside JSON strings. */
function isKeyBodyChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57)
    || code === 43 || code === 47 || code === 61 || code === 92 || code === 32 || (code >= 9 && code <= 13);
}

/** BEGIN ... PRIVATE KEY-----, a body of at least 32 key characters, -----END ... PRIVATE KEY. */
function matchPrivateKey(text: string, hit: number): Span[] {
  PRIVATE_KEY_HEADER.lastIndex = hit;
  if (!PRIVATE_KEY_HEADER.test(text)) return [];
  const bodyStart = PRIVATE_KEY_HEADER.lastIndex;
  const footer = text.indexOf('-----', bodyStart);
  if (footer === -1) return [];
  let secretStart = bodyStart;
  let secretEnd = footer;
  for (let i = bodyStart; i < footer; i++) if (!isKeyBodyChar(text.charCodeAt(i))) return [];
  while (secretStart < secretEnd && /\s/.test(text[secretStart])) secretStart++;
  while (secretEnd > secretStart && /\s/.test(text[secretEnd - 1])) secretEnd--;
  if (secretEnd - secretStart < 32) return [];
  PRIVATE_KEY_FOOTER.lastIndex = footer;
  if (!PRIVATE_KEY_FOOTER.test(text)) return [];
  return [{ start: hit, end: PRIVATE_KEY_FOOTER.lastIndex, secretStart, secretEnd }];
}

function isJwtChar(code: number, extra: boolean): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 45
    || (extra && (code === 47 || code === 92));
}

/**
 * header.payload.[signature] around a `.eyJ` occurrence: a header token of at least 19
 * characters starting with `ey`, a payload of at least 19, then a dot and an optional signature
 * of at least 10. A JWT inside a longer token (a stateless `ghs_` GitHub token) is that token's.
 */
function matchJwt(text: string, hit: number): Span[] {
  let start = hit;
  while (start > 0 && isJwtChar(text.charCodeAt(start - 1), false)) start--;
  if (hit - start < 19 || !text.startsWith('ey', start)) return [];
  let payloadEnd = hit + 1;
  while (payloadEnd < text.length && isJwtChar(text.charCodeAt(payloadEnd), true)) payloadEnd++;
  if (payloadEnd - (hit + 1) < 19 || text[payloadEnd] !== '.') return [];
  let end = payloadEnd + 1;
  while (end < text.length && isJwtChar(text.charCodeAt(end), true)) end++;
  if (end - (payloadEnd + 1) < 10) end = payloadEnd + 1;
  else for (let pads = 0; pads < 2 && text[end] === '='; pads++) end++;
  return [{ start, end, secretStart: start, secretEnd: end }];
}

/** Docker's `auth` is base64 of `user:password`: anything else is not a credential. */
function isDockerAuth(secret: string): boolean {
  const decoded = Buffer.from(secret, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

const VALIDATORS: Record<string, (secret: string) => boolean> = {
  'docker-registry-auth': isDockerAuth,
};

/** A private key's body and footer are on later lines: on its keyword's line, the header must be there. */
function mayStartPrivateKey(line: string, hit: number): boolean {
  PRIVATE_KEY_HEADER.lastIndex = hit;
  return PRIVATE_KEY_HEADER.test(line);
}

const HAND_MATCHERS: Record<string, Pick<CompiledRule, 'matchAt' | 'mayMatchOnLine'>> = {
  'private-key': { matchAt: matchPrivateKey, mayMatchOnLine: mayStartPrivateKey },
  'jwt-token': { matchAt: matchJwt },
};

/** The built-in rules, compiled. */
export function compileBuiltinRules(): CompiledRule[] {
  return SECRET_RULE_SPECS.map((spec, index) => {
    const matcher = HAND_MATCHERS[spec.id] ?? (spec.pattern !== undefined ? { matchAt: compilePattern(spec) } : undefined);
    if (!matcher) throw new Error(`secret rule ${spec.id} has no pattern`);
    return { rule: SECRET_RULE_TABLE[index], keywords: spec.keywords, path: spec.path, ...matcher };
  });
}

/**
 * A placeholder, not a secret: its last 16 characters use at most two distinct characters
 * (`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx…`, `sk_live_0000…`).
 */
export function isPlaceholder(secret: string): boolean {
  const tail = secret.slice(-16);
  const distinct = new Set(tail);
  return distinct.size <= 2;
}

/** A secret as reports show it: a short prefix (at most 4 characters, a quarter of it), then stars. */
export function maskSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return secret.slice(0, keep) + '*'.repeat(secret.length - keep);
}

/** How much of a line `match` keeps on each side of the secret. */
const MATCH_CONTEXT = 40;
/** Longest stretch of stars `match` prints for one secret. */
const MATCH_MAX_STARS = 80;

export interface SecretScannerOptions {
  rules?: readonly CompiledRule[];
  /** Allow rules for every rule (Trivy's built-in ones unless the config disables them). */
  allowRules?: readonly AllowRule[];
  /** Rules of a secret config. */
  customRules?: readonly CustomRule[];
  /** A secret config's exclude-block, for every rule. */
  excludeBlocks?: readonly FindAll[];
  /** Default CUSTOM_RULE_TIME_LIMIT_MS. */
  customRuleTimeLimitMs?: number;
}

/** One file's findings, and what the user should know about it (a file too large to scan). */
export interface SecretScan {
  findings: Finding[];
  notes: string[];
}

interface Found {
  rule: Rule;
  span: Span;
}

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

export class SecretScanner {
  readonly rules: readonly CompiledRule[];
  private readonly allowRules: readonly AllowRule[];
  private readonly keywords: KeywordMatcher;
  /** For each keyword index, the rules it triggers. */
  private readonly rulesByKeyword: number[][];
  /** Whether some rule applies to some paths only. */
  private readonly pathLimited: boolean;
  readonly customRules: readonly CustomRule[];
  private readonly customTimeLimitMs: number;
  /** The custom rules' keywords, each once; for each custom rule, the indexes of its own. */
  private readonly customKeywords: string[] = [];
  private readonly customKeywordsOf: number[][];
  /** Finds the ASCII ones among them in one pass (`asciiCustomKeywords[i]` indexes customKeywords). */
  private readonly asciiCustomMatcher: KeywordMatcher;
  private readonly asciiCustomKeywords: number[] = [];
  private readonly excludeBlocks: readonly FindAll[];

  constructor(options: SecretScannerOptions = {}) {
    this.rules = options.rules ?? compileBuiltinRules();
    this.allowRules = options.allowRules ?? BUILTIN_ALLOW_RULES;
    this.customRules = options.customRules ?? [];
    this.customTimeLimitMs = options.customRuleTimeLimitMs ?? CUSTOM_RULE_TIME_LIMIT_MS;
    this.excludeBlocks = options.excludeBlocks ?? [];
    const customIndex = new Map<string, number>();
    this.customKeywordsOf = this.customRules.map(custom => custom.keywords.map(keyword => {
      let index = customIndex.get(keyword);
      if (index === undefined) {
        customIndex.set(keyword, (index = this.customKeywords.length));
        this.customKeywords.push(keyword);
        if (isAscii(keyword)) this.asciiCustomKeywords.push(index);
      }
      return index;
    }));
    this.asciiCustomMatcher = new KeywordMatcher(this.asciiCustomKeywords.map(index => this.customKeywords[index]));
    const keywordIndex = new Map<string, number>();
    this.rulesByKeyword = [];
    this.rules.forEach((compiled, ruleIndex) => {
      for (const keyword of compiled.keywords) {
        const key = keyword.toLowerCase();
        let index = keywordIndex.get(key);
        if (index === undefined) {
          index = keywordIndex.size;
          keywordIndex.set(key, index);
          this.rulesByKeyword.push([]);
        }
        if (!this.rulesByKeyword[index].includes(ruleIndex)) this.rulesByKeyword[index].push(ruleIndex);
      }
    });
    this.keywords = new KeywordMatcher([...keywordIndex.keys()]);
    this.pathLimited = this.rules.some(compiled => compiled.path);
  }

  /** Whether a root-relative path is skipped whole by a path allow rule. */
  allowsPath(path: string): boolean {
    return this.allowRules.some(allow => allow.path?.test(path));
  }

  /** Every rule this scanner runs, built-in and custom: what `vigil rules` and --disable-rule know. */
  ruleTable(): Rule[] {
    return [...this.rules.map(compiled => compiled.rule), ...this.customRules.map(custom => custom.rule)];
  }

  /** The secret findings of one file. */
  scan(path: string, text: string): Finding[] {
    return this.scanFile(path, text).findings;
  }

  /**
   * The secret findings of a file's bytes: as scanFile on its decoded text (a binary file, with a
   * NUL byte, has none), but a file is decoded only if some rule matches on a line of a keyword.
   */
  scanBytes(path: string, bytes: Uint8Array): SecretScan {
    const none = { findings: [], notes: [] };
    if (this.allowsPath(path)) return none;
    const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
    if (!utf16 && bytes.includes(0)) return none;
    // Custom rules run over the whole text; UTF-16 and invalid UTF-8 are read as decodeText reads
    // them; a large file's size is told in characters.
    if (utf16 || this.customRules.length > 0 || bytes.length > SECRET_MAX_FILE_CHARS) return this.scanFile(path, decodeText(bytes));
    const hits = this.keywords.findInBytes(bytes);
    if (hits.starts.length === 0) return none;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ascii = isAsciiBytes(buffer);
    if (!ascii && !isUtf8(buffer)) return this.scanFile(path, decodeText(bytes));
    if (!this.someRuleMatchesOnItsLine(path, buffer, ascii, hits)) return none;
    return this.scanFile(path, decodeText(bytes));
  }

  /**
   * Whether some rule matches at a keyword occurrence, each tried on its line alone (with the
   * line breaks around it, so that look-arounds see what they see in the whole text).
   */
  private someRuleMatchesOnItsLine(path: string, bytes: Buffer, ascii: boolean, hits: KeywordHits): boolean {
    const enabled = this.pathLimited ? this.rules.map(compiled => !compiled.path || compiled.path.test(path)) : undefined;
    // A UTF-8 byte order mark is no character of the text.
    const textStart = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let windowStart = -1;
    let windowEnd = -1;
    let line = '';
    // Whether the window is ASCII: its offsets are those of the bytes (a file with some non-ASCII
    // text has mostly ASCII lines, which decode faster as latin1).
    let lineAscii = ascii;
    // A byte offset in the window and its UTF-16 offset, moved from hit to hit.
    let cursorByte = 0;
    let cursorUnit = 0;
    for (let h = 0; h < hits.starts.length; h++) {
      const start = hits.starts[h];
      if (start < windowStart || start >= windowEnd) {
        windowStart = Math.max(textStart, bytes.lastIndexOf(10, start));
        const lineEnd = bytes.indexOf(10, start);
        windowEnd = lineEnd === -1 ? bytes.length : lineEnd + 1;
        lineAscii = ascii || isAsciiBytes(bytes.subarray(windowStart, windowEnd));
        line = bytes.toString(lineAscii ? 'latin1' : 'utf8', windowStart, windowEnd);
        cursorByte = windowStart;
        cursorUnit = 0;
      }
      let hit = start - windowStart;
      if (!lineAscii) {
        cursorUnit += start >= cursorByte ? utf16Units(bytes, cursorByte, start) : -utf16Units(bytes, start, cursorByte);
        cursorByte = start;
        hit = cursorUnit;
      }
      for (const ruleIndex of this.rulesByKeyword[hits.keywords[h]]) {
        if (enabled && !enabled[ruleIndex]) continue;
        const compiled = this.rules[ruleIndex];
        if (compiled.mayMatchOnLine ? compiled.mayMatchOnLine(line, hit) : compiled.matchAt(line, hit).length > 0) return true;
      }
    }
    return false;
  }

  /** The secret findings of one file, and notes on what was not searched. */
  scanFile(path: string, text: string): SecretScan {
    if (this.allowsPath(path)) return { findings: [], notes: [] };
    if (text.length > SECRET_MAX_FILE_CHARS) {
      return { findings: [], notes: [`secret scan skipped: the file is over ${SECRET_MAX_FILE_CHARS / 1024 / 1024} MB`] };
    }
    const notes: string[] = [];
    let found = [...this.builtinMatches(path, text), ...this.customMatches(path, text, notes)];
    if (found.length > 0 && this.excludeBlocks.length > 0) {
      const blocks = this.blocksIn(text, this.excludeBlocks, 'an exclude-block', path, notes);
      found = found.filter(({ span }) => !blocks.contains(span));
    }
    if (found.length === 0) return { findings: [], notes };
    found.sort((a, b) => a.span.secretStart - b.span.secretStart || compareIds(a.rule.id, b.rule.id));
    return { findings: this.toFindings(path, text, found), notes };
  }

  private builtinMatches(path: string, text: string): Found[] {
    const hits = this.keywords.find(text);
    if (hits.starts.length === 0) return [];
    const enabled = this.pathLimited ? this.rules.map(compiled => !compiled.path || compiled.path.test(path)) : undefined;
    const perRule = new Map<number, Span[]>();
    for (let h = 0; h < hits.starts.length; h++) {
      for (const ruleIndex of this.rulesByKeyword[hits.keywords[h]]) {
        if (enabled && !enabled[ruleIndex]) continue;
        const spans = this.rules[ruleIndex].matchAt(text, hits.starts[h]);
        if (spans.length === 0) continue;
        const list = perRule.get(ruleIndex);
        if (list) list.push(...spans);
        else perRule.set(ruleIndex, spans);
      }
    }
    // A rule's matches, by start, without overlaps (two occurrences can find the same match).
    for (const [ruleIndex, spans] of perRule) {
      spans.sort((a, b) => a.start - b.start);
      let lastEnd = -1;
      perRule.set(ruleIndex, spans.filter(span => {
        if (span.start < lastEnd) return false;
        lastEnd = span.end;
        return true;
      }));
    }
    const found: Found[] = [];
    for (const [ruleIndex, spans] of perRule) {
      const compiled = this.rules[ruleIndex];
      for (const span of spans) {
        const secret = text.slice(span.secretStart, span.secretEnd);
        const whole = text.slice(span.start, span.end);
        if (isPlaceholder(secret)) continue;
        if (VALIDATORS[compiled.rule.id] && !VALIDATORS[compiled.rule.id](secret)) continue;
        const allows = [...this.allowRules, ...compiled.allow ?? []];
        if (allows.some(allow => allow.regex?.test(whole))) continue;
        found.push({ rule: compiled.rule, span });
      }
    }
    return found;
  }

  /** Trivy's order: the rule's path, its allowed paths, its keywords, then its regex and the allowed matches. */
  private customMatches(path: string, text: string, notes: string[]): Found[] {
    const found: Found[] = [];
    let present: Uint8Array | undefined;
    this.customRules.forEach((custom, index) => {
      if (custom.path && !custom.path.test(path)) return;
      if (custom.allow.some(allow => allow.path?.test(path))) return;
      const keywords = this.customKeywordsOf[index];
      if (keywords.length > 0) {
        present ??= this.customKeywordsIn(text);
        if (!keywords.some(keyword => present![keyword] === 1)) return;
      }
      const { spans, stopped } = custom.findAll(text, this.limits());
      if (stopped) notes.push(this.stoppedNote(stopped, `secret rule ${custom.rule.id}`, path));
      let blocks: Blocks | undefined;
      for (const span of spans) {
        const whole = text.slice(span.start, span.end);
        if (this.allowRules.some(allow => allow.regex?.test(whole)) || custom.allow.some(allow => allow.regex?.test(whole))) continue;
        if (custom.excludeBlocks.length > 0) {
          blocks ??= this.blocksIn(text, custom.excludeBlocks, `an exclude-block of secret rule ${custom.rule.id}`, path, notes);
          if (blocks.contains(span)) continue;
        }
        found.push({ rule: custom.rule, span });
      }
    });
    return found;
  }

  /** The matches of exclude-block patterns in a file. */
  private blocksIn(text: string, finders: readonly FindAll[], what: string, path: string, notes: string[]): Blocks {
    const spans: Span[] = [];
    for (const findAll of finders) {
      const found = findAll(text, this.limits());
      if (found.stopped) notes.push(this.stoppedNote(found.stopped, what, path));
      for (const span of found.spans) spans.push(span);
    }
    return new Blocks(spans);
  }

  private limits(): { deadline: number; spans: number } {
    return { deadline: performance.now() + this.customTimeLimitMs, spans: CUSTOM_RULE_MAX_MATCHES };
  }

  private stoppedNote(why: 'time' | 'count', what: string, path: string): string {
    const limit = why === 'time' ? `its regex took over ${this.customTimeLimitMs / 1000} s there` : `it matched ${CUSTOM_RULE_MAX_MATCHES} times there`;
    return `${what} stopped early on ${path}: ${limit}, so the rest of the file was not searched`;
  }

  /** Which custom keywords occur in the text (ASCII case-insensitive, others by their lowercase). */
  private customKeywordsIn(text: string): Uint8Array {
    const present = new Uint8Array(this.customKeywords.length);
    const ascii = this.asciiCustomMatcher.present(text);
    this.asciiCustomKeywords.forEach((index, i) => { present[index] = ascii[i]; });
    let lower: string | undefined;
    this.customKeywords.forEach((keyword, index) => {
      if (isAscii(keyword)) return;
      lower ??= text.toLowerCase();
      if (lower.includes(keyword)) present[index] = 1;
    });
    return present;
  }

  private toFindings(path: string, text: string, found: Found[]): Finding[] {
    const lines = new LineIndex(text, path);
    const masked = new MaskedText(text, found.map(f => f.span));
    const ignores = new LineIgnores(text, lines);
    const lineEnds = new Map<number, number>();
    return found.map(({ rule, span }) => {
      const location = lines.range(span.secretStart, span.secretEnd);
      const secret = text.slice(span.secretStart, span.secretEnd);
      const line = location.startLine - 1;
      const lineStart = lines.offset({ line, character: 0 });
      let lineEnd = lineEnds.get(line);
      if (lineEnd === undefined) lineEnds.set(line, (lineEnd = lineEndAt(text, lineStart)));
      const nearby = ignores.near(line);
      return {
        kind: 'secret' as const,
        rule,
        severity: rule.severity,
        message: `${rule.title} written in the file: ${shortMask(secret)}`,
        location,
        match: masked.around(span, lineStart, lineEnd),
        ...(nearby.length > 0 ? { inlineIgnores: nearby } : {}),
      };
    });
  }
}

/** Spans of text (exclude-blocks), asked whether one holds a secret, each question in log time. */
class Blocks {
  private readonly starts: number[];
  /** The furthest end among the blocks up to each one, by start. */
  private readonly reach: number[] = [];

  constructor(spans: readonly Span[]) {
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    this.starts = sorted.map(span => span.start);
    let reach = -1;
    for (const span of sorted) this.reach.push((reach = Math.max(reach, span.end)));
  }

  /** Whether a block starts at or before the secret and ends at or after it. */
  contains(span: Span): boolean {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] <= span.secretStart) low = mid + 1;
      else high = mid;
    }
    return low > 0 && this.reach[low - 1] >= span.secretEnd;
  }
}

/** How many UTF-16 code units the valid UTF-8 in bytes [from, to) decodes to. */
function utf16Units(bytes: Uint8Array, from: number, to: number): number {
  let units = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i];
    // Continuation bytes add nothing; a four-byte sequence is a surrogate pair.
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** The end of the line that starts at `lineStart`, before its `\r\n` or `\n`. */
function lineEndAt(text: string, lineStart: number): number {
  let end = text.indexOf('\n', lineStart);
  if (end === -1) end = text.length;
  return end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/**
 * `vigil:ignore:` / `trivy:ignore:` comments on a finding's line or the line above. The file is
 * searched once for `:ignore:`; only the lines that hold one are parsed, each once.
 */
class LineIgnores {
  private readonly byLine = new Map<number, InlineIgnore[]>();

  constructor(text: string, lines: LineIndex) {
    for (let at = text.indexOf(':ignore:'); at !== -1; at = text.indexOf(':ignore:', at + 1)) {
      const line = lines.position(at).line;
      if (this.byLine.has(line)) continue;
      const start = lines.offset({ line, character: 0 });
      this.byLine.set(line, parseInlineIgnores(text.slice(start, lineEndAt(text, start))));
    }
  }

  near(line: number): InlineIgnore[] {
    return [...this.byLine.get(line - 1) ?? [], ...this.byLine.get(line) ?? []];
  }
}

/**
 * A file's text with its secrets masked, read a window at a time: secrets are merged into
 * disjoint intervals once, and each window finds its own by binary search, so that many secrets
 * on one long line cost no more than their number.
 */
class MaskedText {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly text: string, spans: readonly Span[]) {
    const sorted = [...spans].sort((a, b) => a.secretStart - b.secretStart);
    for (const span of sorted) {
      const last = this.ends.length - 1;
      if (last >= 0 && span.secretStart <= this.ends[last]) this.ends[last] = Math.max(this.ends[last], span.secretEnd);
      else {
        this.starts.push(span.secretStart);
        this.ends.push(span.secretEnd);
      }
    }
  }

  /** Trivy's `Match`: the secret's line around it, every secret masked, control characters replaced. */
  around(own: Span, lineStart: number, lineEnd: number): string {
    const ownEnd = Math.min(own.secretEnd, lineEnd);
    const from = Math.max(lineStart, own.secretStart - MATCH_CONTEXT);
    const to = Math.min(lineEnd, ownEnd + MATCH_CONTEXT);
    const ownText = cutStars(maskSecret(this.text.slice(own.secretStart, ownEnd)));
    const out = this.render(from, own.secretStart) + ownText + this.render(ownEnd, to);
    // eslint-disable-next-line no-control-regex
    return out.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ');
  }

  /** [from, to) with the secrets in it masked. */
  private render(from: number, to: number): string {
    let out = '';
    let at = from;
    let low = 0;
    let high = this.ends.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ends[mid] <= from) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.starts.length && this.starts[i] < to; i++) {
      const start = Math.max(this.starts[i], from);
      const end = Math.min(this.ends[i], to);
      out += this.text.slice(at, start);
      const chunk = this.text.slice(start, end);
      // The prefix is shown only where the secret itself starts.
      out += cutStars(start === this.starts[i] ? maskSecret(chunk) : '*'.repeat(chunk.length));
      at = end;
    }
    return out + this.text.slice(at, to);
  }
}

function cutStars(masked: string): string {
  return masked.length > MATCH_MAX_STARS ? masked.slice(0, MATCH_MAX_STARS) : masked;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The prefix maskSecret keeps, and a few stars. */
function shortMask(secret: string): string {
  const masked = maskSecret(secret);
  return masked.length > 12 ? `${masked.slice(0, 12)}…` : masked;
}
