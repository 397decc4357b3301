// Swift Package Manager's Package.resolved: the pinned version of every package, direct or not
// (the file does not say which), as `pins` (v2, v3) or `object.pins` (v1). A package is named by
// its repository URL without the scheme and `.git` (`github.com/apple/swift-nio`), as OSV's
// SwiftURL ecosystem and Trivy name it. A pin without a version takes its branch, as in Trivy;
// one with neither (a bare revision) is left out.
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package } from '../types';
import { parseJson, valuesAt, type JsonObject } from './json-offsets';

const OPEN_BRACE = 0x7b;

export const swiftResolvedAnalyzer: Analyzer = {
  id: 'swift-resolved',
  type: 'swift',
  scanner: 'vuln',
  ecosystem: 'SwiftURL',
  fileNames: ['Package.resolved'],
  inlineIgnores: false,
  trivyParser: 'swift/swift',
  fixes: 'none',
  analyze: input => ({ packages: parsePackageResolved(input.content, input.path) }),
};

export function parsePackageResolved(content: string, file: string): Package[] {
  const root = parseJson(content);
  if (!isObject(root)) throw new Error('not a valid Package.resolved: it must hold a JSON object');
  const legacy = isObject(root.object);
  const pins = legacy ? (root.object as JsonObject).pins : root.pins;
  if (pins === undefined) return [];
  if (!Array.isArray(pins)) throw new Error("not a valid Package.resolved: 'pins' is not an array");
  const spans = (valuesAt(content, legacy ? ['object', 'pins'] : ['pins']) ?? []).filter(element => content.charCodeAt(element.start) === OPEN_BRACE);

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  // The spans are those of the objects in the array, in order; anything else in it has none.
  pins.filter(isObject).forEach((pin, index) => {
    const span = spans[index];
    if (!span) return;
    const url = legacy ? pin.repositoryURL : pin.location;
    const state = isObject(pin.state) ? pin.state : {};
    const version = nonEmpty(state.version) ?? nonEmpty(state.branch);
    if (typeof url !== 'string' || url === '' || !version) return;
    const name = packageName(url);
    const id = `${name}@${version}`;
    // The pin's first key names it: underlined, from the key's quote to the end of its value.
    const keyStart = content.indexOf('"', span.start);
    const highlight = lines.range(keyStart, lineEnd(content, keyStart));
    const location = lines.range(span.start, span.end);
    const copy = { key: `pins[${index}]`, location, highlight, direct: false, dev: false };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      return;
    }
    packages.set(id, {
      id, name, version, ecosystem: 'SwiftURL', purl: buildPurl('SwiftURL', name, version),
      direct: false, dev: false, location, copies: [copy],
    });
  });
  return [...packages.values()];
}

/** `https://github.com/apple/swift-nio.git` -> `github.com/apple/swift-nio`. */
function packageName(url: string): string {
  let name = url.startsWith('https://') ? url.slice('https://'.length) : url;
  if (name.endsWith('.git')) name = name.slice(0, -'.git'.length);
  return name;
}

/** Where the line holding `from` ends, trailing spaces, `\r` and a comma left out. */
function lineEnd(content: string, from: number): number {
  let end = content.indexOf('\n', from);
  if (end === -1) end = content.length;
  while (end > from && (content[end - 1] === '\r' || content[end - 1] === ' ' || content[end - 1] === ',')) end--;
  return end;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
