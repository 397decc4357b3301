// Dart/Flutter pubspec.lock (YAML): `packages`, keyed by name, each with its `version`, `source`
// (hosted, git, sdk, path) and `dependency`: `direct main`, `direct dev`, `direct overridden` or
// `transitive`. Direct and dev come from that field; pub does not record which dependency pulls in
// a transitive package, so those are never dev. `path` packages are the user's own code: left out.
// SDK packages (`flutter_test`) are reported at the version pub writes, as Trivy does.
import { isMap, isScalar, parseDocument, type Pair } from 'yaml';
import { hexHashes, optionalHashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package } from '../types';

export const pubLockAnalyzer: Analyzer = {
  id: 'pub-lock',
  type: 'pub',
  scanner: 'vuln',
  ecosystem: 'Pub',
  fileNames: ['pubspec.lock'],
  inlineIgnores: false,
  trivyParser: 'dart/pub',
  fixes: 'none',
  analyze: input => ({ packages: parsePubspecLock(input.content, input.path) }),
};

export function parsePubspecLock(content: string, file: string): Package[] {
  // The failsafe schema keeps every scalar a string: `version: 1.10` must not become 1.1.
  const document = parseDocument(content, { schema: 'failsafe', uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    // yaml's own message quotes the file's text; say where and what kind instead.
    const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    throw new Error(`not a valid pubspec.lock: invalid YAML, ${error.code}${where}`);
  }
  if (document.contents === null) return [];
  if (!isMap(document.contents)) throw new Error('not a valid pubspec.lock: the top level is not a map');
  const section = document.contents.get('packages', true);
  if (!section || text(section) === '') return [];
  if (!isMap(section)) throw new Error("not a valid pubspec.lock: 'packages' is not a map");

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  for (const pair of section.items as Pair[]) {
    const name = text(pair.key);
    if (name === undefined || !isMap(pair.value)) continue;
    const version = text(pair.value.get('version', true));
    const dependency = text(pair.value.get('dependency', true)) ?? '';
    if (!version || text(pair.value.get('source', true)) === 'path') continue;
    const key = pair.key as { range: [number, number, number] };
    let end = pair.value.range![1];
    while (end > key.range[1] && ' \t\r\n'.includes(content[end - 1])) end--;
    const highlight = lines.range(key.range[0], key.range[1]);
    const location = lines.range(key.range[0], end);
    const direct = dependency.startsWith('direct');
    const dev = dependency === 'direct dev';
    const id = `${name}@${version}`;
    const copy = { key: name, location, highlight, direct, dev };
    const known = packages.get(id);
    if (known) {
      // A repeated key (YAML allows none, hand edits might): one package, each entry a copy.
      copy.key = `${name}#${known.copies!.length + 1}`;
      known.copies!.push(copy);
      known.direct ||= direct;
      known.dev &&= dev;
      continue;
    }
    // A hosted package's description holds the SHA-256 of its archive.
    const description = pair.value.get('description', true);
    const sha256 = isMap(description) ? text(description.get('sha256', true)) : undefined;
    packages.set(id, {
      id, name, version, ecosystem: 'Pub', purl: buildPurl('Pub', name, version), direct, dev, location, copies: [copy],
      ...optionalHashes(hexHashes('SHA-256', sha256)),
    });
  }
  return [...packages.values()];
}

function text(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}
