// CocoaPods' Podfile.lock (YAML). `PODS` lists every installed pod as `Name (version)`, with the
// pods it depends on under it (`- AppCenter/Core (= 4.2.0)`); subspecs (`AppCenter/Analytics`)
// are listed apart, as Trivy reports them. `DEPENDENCIES` holds what the Podfile asks for: those
// pods are direct. Pods that `EXTERNAL SOURCES` takes from a local `:path` are the user's own
// code: left out. Nothing is dev (the lockfile does not say).
//
// No advisory source covers CocoaPods (OSV has no such ecosystem), so these packages are listed
// for inventory only; the scan says so in a note.
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, SourceRange } from '../types';

export const podfileLockAnalyzer: Analyzer = {
  id: 'podfile-lock',
  type: 'cocoapods',
  scanner: 'vuln',
  ecosystem: 'CocoaPods',
  fileNames: ['Podfile.lock'],
  inlineIgnores: false,
  trivyParser: 'swift/cocoapods',
  fixes: 'none',
  analyze: input => ({ packages: parsePodfileLock(input.content, input.path) }),
};

interface Pod {
  name: string;
  version: string;
  location: SourceRange;
  highlight: SourceRange;
  dependencies: string[];
}

export function parsePodfileLock(content: string, file: string): Package[] {
  // The failsafe schema keeps every scalar a string: `version: 1.10` must not become 1.1.
  const document = parseDocument(content, { schema: 'failsafe', uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    // yaml's own message quotes the file's text; say where and what kind instead.
    const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    throw new Error(`not a valid Podfile.lock: invalid YAML, ${error.code}${where}`);
  }
  if (document.contents === null) return [];
  if (!isMap(document.contents)) throw new Error('not a valid Podfile.lock: the top level is not a map');
  const podsNode = document.contents.get('PODS', true);
  if (!podsNode || text(podsNode) === '') return [];
  if (!isSeq(podsNode)) throw new Error("not a valid Podfile.lock: 'PODS' is not a list");

  const lines = new LineCursor(content, file);
  const pods: Pod[] = [];
  for (const item of podsNode.items) {
    // `- Name (version)`, or `- Name (version):` with its dependencies listed under it.
    const pair = isMap(item) && item.items.length === 1 ? (item.items[0] as Pair<Node, Node>) : undefined;
    const keyNode = pair ? pair.key : item;
    const spec = text(keyNode);
    if (spec === undefined) throw new Error("not a valid Podfile.lock: an entry of 'PODS' is not a pod");
    const { name, version } = parseSpec(spec);
    if (version === undefined) throw new Error("not a valid Podfile.lock: an entry of 'PODS' is not 'name (version)'");
    const keyRange = (keyNode as Node).range!;
    const end = trimEnd(content, (item as Node).range![1], keyRange[1]);
    const dependencies = pair && isSeq(pair.value) ? pair.value.items.map(text).filter(entry => entry !== undefined).map(entry => parseSpec(entry).name) : [];
    pods.push({ name, version, location: lines.range(keyRange[0], end), highlight: lines.range(keyRange[0], keyRange[1]), dependencies });
  }

  const direct = new Set(listOfStrings(document.contents.get('DEPENDENCIES', true)).map(entry => parseSpec(entry).name));
  const local = localPods(document.contents.get('EXTERNAL SOURCES', true));
  const isLocal = (name: string) => local.has(name.split('/')[0]);
  const versions = new Map(pods.map(pod => [pod.name, pod.version]));
  const packages = new Map<string, Package>();
  for (const pod of pods) {
    if (isLocal(pod.name)) continue;
    const id = `${pod.name}@${pod.version}`;
    const dependsOn = pod.dependencies.filter(name => versions.has(name) && !isLocal(name)).map(name => `${name}@${versions.get(name)}`);
    const copy = { key: pod.name, location: pod.location, highlight: pod.highlight, direct: direct.has(pod.name), dev: false };
    const known = packages.get(id);
    if (known) {
      known.copies!.push({ ...copy, key: `${pod.name}#${known.copies!.length + 1}` });
      continue;
    }
    packages.set(id, {
      id, name: pod.name, version: pod.version, ecosystem: 'CocoaPods', purl: buildPurl('CocoaPods', pod.name, pod.version),
      direct: copy.direct, dev: false, location: pod.location, copies: [copy], dependsOn: [...new Set(dependsOn)].sort(),
    });
  }
  return [...packages.values()];
}

/** `Name (version)` or `Name (= 4.2.0)` -> the name and what the parentheses hold; a bare `Name` has none. */
function parseSpec(spec: string): { name: string; version?: string } {
  const open = spec.indexOf(' (');
  if (open === -1 || !spec.endsWith(')')) return { name: spec.trim() };
  return { name: spec.slice(0, open).trim(), version: spec.slice(open + 2, -1).trim() || undefined };
}

/** Pods taken from a local folder: `Name: { :path: ../Name }` under EXTERNAL SOURCES. */
function localPods(node: unknown): Set<string> {
  const names = new Set<string>();
  if (!isMap(node)) return names;
  for (const pair of node.items as Pair[]) {
    const name = text(pair.key);
    if (name !== undefined && isMap(pair.value) && pair.value.has(':path')) names.add(name);
  }
  return names;
}

function listOfStrings(node: unknown): string[] {
  return isSeq(node) ? node.items.map(text).filter(entry => entry !== undefined) : [];
}

/** The end of an entry without the blank space and line breaks the YAML node takes in after it. */
function trimEnd(content: string, end: number, floor: number): number {
  while (end > floor && ' \t\r\n'.includes(content[end - 1])) end--;
  return end;
}

function text(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}
