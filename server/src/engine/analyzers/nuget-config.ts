// NuGet packages.config: the flat list of every package a classic .NET project restores, direct
// and transitive alike (the file does not say which), as
// `<packages><package id="..." version="..." developmentDependency="true"/></packages>`.
// Development dependencies are reported as dev (Trivy leaves them out). No XML library is
// installed, and this format needs only elements and attributes, so a small scanner reads it in
// one pass: it checks that the document is well formed (one root, tags that close in order,
// quoted attributes, known entities), skips the declaration, comments, CDATA and text, and
// refuses a DOCTYPE (entity definitions have no place in this file).
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy, SourceRange } from '../types';

export const nugetConfigAnalyzer: Analyzer = {
  id: 'nuget-config',
  type: 'nuget',
  scanner: 'vuln',
  ecosystem: 'NuGet',
  fileNames: ['packages.config'],
  inlineIgnores: false,
  trivyParser: 'nuget/config',
  fixes: 'none',
  analyze: input => ({ packages: parsePackagesConfig(input.content, input.path) }),
};

/** One element's start tag: its name, attributes and where it lies. */
interface StartTag {
  name: string;
  attributes: Map<string, { value: string; start: number; end: number }>;
  start: number;
  /** Just after its `>`. */
  end: number;
  selfClosing: boolean;
}

export function parsePackagesConfig(content: string, file: string): Package[] {
  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  const addPackage = (tag: StartTag, end: number) => {
    const id = tag.attributes.get('id')?.value.trim();
    const version = tag.attributes.get('version')?.value.trim();
    if (!id || !version) return;
    const key = `${id}@${version}`;
    const startLine = content.indexOf('\n', tag.start);
    const oneLine = startLine === -1 || startLine >= tag.end;
    const idAttribute = tag.attributes.get('id')!;
    const highlight = oneLine ? lines.range(tag.start, tag.end) : lines.range(idAttribute.start, idAttribute.end);
    const location: SourceRange = oneLine && end === tag.end ? highlight : lines.range(tag.start, end);
    const dev = tag.attributes.get('developmentDependency')?.value.trim().toLowerCase() === 'true';
    const known = packages.get(key);
    // A repeated entry is a copy; its key tells it from the first one.
    const copy: PackageCopy = { key: known ? `${key}#${known.copies!.length + 1}` : key, location, highlight, direct: false, dev };
    if (known) {
      known.dev &&= dev;
      known.copies!.push(copy);
      return;
    }
    packages.set(key, {
      id: key, name: id, version, ecosystem: 'NuGet', purl: buildPurl('NuGet', id, version),
      direct: false, dev, location, copies: [copy],
    });
  };

  /** Open elements, outermost first; a `package` element inside the root is kept until it closes. */
  const open: StartTag[] = [];
  let rootSeen = false;
  let at = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string, offset: number): never => {
    throw new Error(`not a valid packages.config: ${what} (line ${new LineCursor(content).range(offset, offset).startLine})`);
  };

  for (;;) {
    const lt = content.indexOf('<', at);
    if (lt === -1) break;
    if (content.startsWith('<?', lt)) {
      at = skipPast(content, lt, '?>', 'a processing instruction is not closed', fail);
    } else if (content.startsWith('<!--', lt)) {
      at = skipPast(content, lt + 4, '-->', 'a comment is not closed', fail);
    } else if (content.startsWith('<![CDATA[', lt)) {
      at = skipPast(content, lt, ']]>', 'a CDATA section is not closed', fail);
    } else if (content.startsWith('<!', lt)) {
      fail('a DOCTYPE or other declaration, which packages.config never has', lt);
    } else if (content.startsWith('</', lt)) {
      const nameEnd = scanName(content, lt + 2);
      const name = content.slice(lt + 2, nameEnd);
      let close = nameEnd;
      while (isSpace(content.charCodeAt(close))) close++;
      if (content.charCodeAt(close) !== GT) fail('a closing tag is not closed', lt);
      const element = open.pop();
      if (!element || element.name !== name) fail('a closing tag does not match the element it closes', lt);
      if (open.length === 1 && element!.name === 'package') addPackage(element!, close + 1);
      at = close + 1;
    } else {
      const tag = readStartTag(content, lt, fail);
      if (open.length === 0) {
        if (rootSeen) fail('a second root element', lt);
        if (tag.name !== 'packages') fail('the root element is not <packages>', lt);
        rootSeen = true;
      }
      if (tag.selfClosing) {
        if (open.length === 1 && tag.name === 'package') addPackage(tag, tag.end);
      } else {
        open.push(tag);
      }
      at = tag.end;
    }
  }
  if (open.length > 0) fail('the file ends inside an element that is not closed', content.length);
  if (!rootSeen) fail('no <packages> element', content.length);
  return [...packages.values()];
}

function skipPast(content: string, from: number, terminator: string, what: string, fail: (what: string, offset: number) => never): number {
  const end = content.indexOf(terminator, from);
  if (end === -1) fail(what, from);
  return end + terminator.length;
}

/** Reads `<name attr="value" ...>` or `.../>` starting at `lt`. */
function readStartTag(content: string, lt: number, fail: (what: string, offset: number) => never): StartTag {
  const nameEnd = scanName(content, lt + 1);
  if (nameEnd === lt + 1) fail("a '<' that starts no tag", lt);
  const tag: StartTag = { name: content.slice(lt + 1, nameEnd), attributes: new Map(), start: lt, end: -1, selfClosing: false };
  let at = nameEnd;
  for (;;) {
    const beforeSpace = at;
    while (isSpace(content.charCodeAt(at))) at++;
    const code = content.charCodeAt(at);
    if (code === GT) {
      tag.end = at + 1;
      return tag;
    }
    if (code === SLASH && content.charCodeAt(at + 1) === GT) {
      tag.end = at + 2;
      tag.selfClosing = true;
      return tag;
    }
    if (at >= content.length) fail('a tag is not closed', lt);
    if (at === beforeSpace) fail('attributes must be separated by white space', at);
    const attributeStart = at;
    const attributeNameEnd = scanName(content, at);
    if (attributeNameEnd === at) fail('a tag holds something that is not an attribute', at);
    const attributeName = content.slice(at, attributeNameEnd);
    at = attributeNameEnd;
    while (isSpace(content.charCodeAt(at))) at++;
    if (content.charCodeAt(at) !== EQUALS) fail("an attribute has no '='", at);
    at++;
    while (isSpace(content.charCodeAt(at))) at++;
    const quote = content.charCodeAt(at);
    if (quote !== QUOTE && quote !== APOSTROPHE) fail('an attribute value is not quoted', at);
    const valueEnd = content.indexOf(String.fromCharCode(quote), at + 1);
    if (valueEnd === -1) fail('an attribute value is not closed', at);
    const raw = content.slice(at + 1, valueEnd);
    if (raw.includes('<')) fail("an attribute value holds a '<'", at);
    if (tag.attributes.has(attributeName)) fail('an attribute is repeated', attributeStart);
    tag.attributes.set(attributeName, { value: decodeEntities(raw, at, fail), start: attributeStart, end: valueEnd + 1 });
    at = valueEnd + 1;
  }
}

/** The end of the XML name starting at `from` (letters, digits, `_`, `-`, `.`, `:` and non-ASCII). */
function scanName(content: string, from: number): number {
  let at = from;
  for (; at < content.length; at++) {
    const code = content.charCodeAt(at);
    const nameChar = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
      code === 0x5f || code === 0x2d || code === 0x2e || code === 0x3a || code >= 0x80;
    if (!nameChar) break;
  }
  return at;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces the five predefined entities and character references; anything else is an error. */
function decodeEntities(raw: string, offset: number, fail: (what: string, offset: number) => never): string {
  if (!raw.includes('&')) return raw;
  let decoded = '';
  let at = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', at)) {
    const semicolon = raw.indexOf(';', amp);
    if (semicolon === -1 || semicolon - amp > 10) fail('an attribute value holds an unknown entity', offset);
    const name = raw.slice(amp + 1, semicolon);
    let text = ENTITIES[name];
    if (text === undefined && name.startsWith('#')) {
      const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (Number.isInteger(code) && code > 0 && code <= 0x10ffff) text = String.fromCodePoint(code);
    }
    if (text === undefined) fail('an attribute value holds an unknown entity', offset);
    decoded += raw.slice(at, amp) + text;
    at = semicolon + 1;
  }
  return decoded + raw.slice(at);
}

const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
