// A small element tree with source offsets, built from saxes' events, for the XML manifests
// (*.csproj, Directory.Packages.props, pom.xml). saxes checks well-formedness; this module keeps
// where each element starts and ends so that analyzers can place a package on its lines.
// A DOCTYPE is refused outright: none of these formats has one, and entity definitions are how a
// small file expands into a huge one (billion laughs). saxes knows only the five predefined
// entities and character references, so an entity defined anywhere else is an error too.
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  /** Attribute values, decoded. */
  attributes: Readonly<Record<string, string>>;
  /** Offset of the start tag's `<`. */
  start: number;
  /** Just after the start tag's `>`. */
  openEnd: number;
  /** Offset of the end tag's `<`; `openEnd` for a self-closing element. */
  closeStart: number;
  /** Just after the element. */
  end: number;
  children: XmlElement[];
  /** The element's own text and CDATA, decoded (its children's text is not included). */
  text: string;
}

/** Parses a whole document; throws a plain Error naming `what` and the line, never quoting the file. */
export function parseXmlTree(content: string, what: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;

  // Thrown out of saxes' write, so that nothing after the DOCTYPE is read.
  parser.on('doctype', () => {
    throw new DoctypeRefused(`not a valid ${what}: it has a DOCTYPE, which this file never needs (entity definitions are refused) (line ${parser.line})`);
  });
  parser.on('opentag', tag => {
    const start = content.lastIndexOf('<', parser.position - 1);
    const element: XmlElement = {
      name: tag.name, attributes: tag.attributes as Record<string, string>, start, openEnd: parser.position,
      closeStart: parser.position, end: parser.position, children: [], text: '',
    };
    const parent = open[open.length - 1];
    if (parent) parent.children.push(element);
    else root ??= element;
    open.push(element);
  });
  parser.on('closetag', () => {
    const element = open.pop()!;
    element.end = parser.position;
    if (element.end !== element.openEnd) element.closeStart = content.lastIndexOf('</', element.end - 1);
  });
  // Arrows passed straight in: under tsx (bench, tests) a named closure costs esbuild's keep-names helper a call per parse.
  parser.on('text', text => appendText(open, text));
  parser.on('cdata', text => appendText(open, text));

  try {
    // Written in slices so that a refused DOCTYPE stops the parse before the rest is read.
    parser.write(content).close();
  } catch (error) {
    if (error instanceof DoctypeRefused) throw new Error(error.message);
    throw new Error(`not a valid ${what}: ${describe(error)}`);
  }
  if (!root) throw new Error(`not a valid ${what}: it holds no XML element`);
  return root;
}

/** Text and CDATA belong to the innermost open element. */
function appendText(open: XmlElement[], text: string): void {
  const element = open[open.length - 1];
  if (element) element.text += text;
}

class DoctypeRefused extends Error {}

/**
 * saxes' messages start with `line:column:` and some go on to quote the file (a tag's name): only
 * the position and the words before any quoted part are kept.
 */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const match = /^(\d{1,9}):(\d{1,9}): ([a-z ]{1,40})/.exec(message);
  if (!match) return 'malformed XML';
  return `malformed XML (${match[3].trim()} at line ${match[1]}, column ${Number(match[2]) + 1})`;
}

/** The direct children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter(child => child.name === name);
}

/** The first direct child of `element` named `name`. */
export function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const child of element.children) if (child.name === name) return child;
  return undefined;
}

/** The trimmed text of the first child named `name`, or undefined when there is none or it is empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = childNamed(element, name)?.text.trim();
  return text ? text : undefined;
}

/**
 * Where an attribute sits in its element's start tag: from its name to just after its closing
 * quote. The tag is well formed (saxes read it), so a walk over names and quoted values finds it.
 */
export function attributeSpan(content: string, element: XmlElement, name: string): { start: number; end: number } | undefined {
  let at = skipName(content, element.start + 1); // past `<name`
  while (at < element.openEnd) {
    while (at < element.openEnd && isSpace(content.charCodeAt(at))) at++;
    const nameStart = at;
    const nameEnd = skipName(content, at);
    if (nameEnd === nameStart) return undefined; // `>` or `/>`
    at = nameEnd;
    while (isSpace(content.charCodeAt(at)) || content.charCodeAt(at) === EQUALS) at++;
    const quote = content[at];
    const valueEnd = content.indexOf(quote, at + 1);
    if (valueEnd === -1 || valueEnd >= element.openEnd) return undefined;
    at = valueEnd + 1;
    if (content.slice(nameStart, nameEnd) === name) return { start: nameStart, end: at };
  }
  return undefined;
}

function skipName(content: string, from: number): number {
  let at = from;
  while (at < content.length) {
    const code = content.charCodeAt(at);
    if (isSpace(code) || code === EQUALS || code === GT || code === SLASH) break;
    at++;
  }
  return at;
}

const EQUALS = 0x3d;
const GT = 0x3e;
const SLASH = 0x2f;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Where an attribute's value sits in the start tag, between its quotes (the raw text, entities
 * not decoded), for an edit that rewrites the value.
 */
export function attributeValueSpan(content: string, element: XmlElement, name: string): { start: number; end: number } | undefined {
  const span = attributeSpan(content, element, name);
  if (!span) return undefined;
  const quote = content[span.end - 1];
  return { start: content.lastIndexOf(quote, span.end - 2) + 1, end: span.end - 1 };
}

/**
 * Where an element's own text sits, from its first to its last non-space character, for an edit
 * that rewrites it. Undefined when the element is empty or self-closing, or holds markup (a child,
 * a comment, CDATA) whose text an edit could not keep.
 */
export function textSpan(content: string, element: XmlElement): { start: number; end: number } | undefined {
  let start = element.openEnd;
  let end = element.closeStart;
  if (content.slice(start, end).includes('<')) return undefined;
  while (start < end && isSpace(content.charCodeAt(start))) start++;
  while (end > start && isSpace(content.charCodeAt(end - 1))) end--;
  return start < end ? { start, end } : undefined;
}

/** Text made safe to write as an attribute value or element text. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, char => XML_ESCAPES[char]);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** The whitespace before an offset on its line, when only whitespace comes before it; undefined otherwise. */
export function lineIndent(content: string, offset: number): string | undefined {
  const lineStart = content.lastIndexOf('\n', offset - 1) + 1;
  const before = content.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}
