// Conan lockfiles, conan.lock (JSON), in both shapes Conan has written:
//
// - Conan 1 (`graph_lock.nodes`): the dependency graph, one node per package keyed by an id, each
//   with a `ref` (`name/version[@user/channel][#revision]`; lockfiles before 0.4 write a `pref`,
//   the ref followed by `:package_id`), and `requires` / `build_requires` naming other nodes (a
//   list of ids; an object from ref to id before 0.4). The root (node `0`, or the node nothing
//   requires) is the project itself: not reported; what it requires is direct. A package reached only
//   through `build_requires` is a build tool: dev.
// - Conan 2 (`requires`, `build_requires`, `python_requires`): flat lists of refs
//   (`name/version#revision%timestamp`). No graph: none is direct; build and python requires are
//   dev (Trivy leaves them out).
//
// A ref that is not `name/version` makes the file invalid, as in Trivy.
import type { Node } from 'jsonc-parser';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy, SourceRange } from '../types';
import { member, parseJsonTree } from './json-tree';

export const conanLockAnalyzer: Analyzer = {
  id: 'conan-lock',
  type: 'conan',
  scanner: 'vuln',
  ecosystem: 'ConanCenter',
  fileNames: ['conan.lock'],
  inlineIgnores: false,
  trivyParser: 'c/conan',
  fixes: 'none',
  analyze: input => ({ packages: parseConanLock(input.content, input.path) }),
};

interface Placed {
  name: string;
  version: string;
  key: string;
  location: SourceRange;
  highlight: SourceRange;
  direct: boolean;
  dev: boolean;
  requiredBy?: string[];
  dependsOn?: string[];
}

export function parseConanLock(content: string, file: string): Package[] {
  const root = parseJsonTree(content, 'conan.lock');
  if (root.type !== 'object') throw new Error('not a valid conan.lock: the top level is not an object');
  const lines = new LineCursor(content, file);
  const graphLock = member(root, 'graph_lock');
  const placed = graphLock ? readGraphLock(graphLock, lines) : readRequireLists(root, lines);
  const packages = new Map<string, Package>();
  for (const entry of placed) {
    const id = `${entry.name}@${entry.version}`;
    const copy: PackageCopy = {
      key: entry.key, location: entry.location, highlight: entry.highlight, direct: entry.direct, dev: entry.dev,
      ...(entry.requiredBy ? { requiredBy: entry.requiredBy } : {}),
    };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.direct ||= copy.direct;
      known.dev &&= copy.dev;
      if (entry.dependsOn) known.dependsOn = [...new Set([...known.dependsOn ?? [], ...entry.dependsOn])].sort();
      continue;
    }
    packages.set(id, {
      id, name: entry.name, version: entry.version, ecosystem: 'ConanCenter', purl: buildPurl('ConanCenter', entry.name, entry.version),
      direct: copy.direct, dev: copy.dev, location: entry.location, copies: [copy], ...(entry.dependsOn ? { dependsOn: entry.dependsOn } : {}),
    });
  }
  return [...packages.values()];
}

// ---- Conan 1: graph_lock ----

interface GraphNode {
  id: string;
  property: Node;
  refNode?: Node;
  ref?: { name: string; version: string };
  requires: string[];
  buildRequires: string[];
  reachedFromHost: boolean;
  reachedFromBuild: boolean;
  requiredBy: string[];
}

function readGraphLock(graphLock: Node, lines: LineCursor): Placed[] {
  const nodesNode = member(graphLock, 'nodes');
  if (nodesNode?.type !== 'object') throw new Error("not a valid conan.lock: 'graph_lock.nodes' is not an object");
  const nodes = new Map<string, GraphNode>();
  for (const property of nodesNode.children ?? []) {
    const [keyNode, value] = property.children ?? [];
    if (!keyNode || value?.type !== 'object') continue;
    const refNode = member(value, 'ref') ?? member(value, 'pref');
    const refText = refNode?.type === 'string' ? (refNode.value as string) : undefined;
    nodes.set(keyNode.value as string, {
      id: keyNode.value as string, property, refNode, ref: refText ? parseRef(refText, true) : undefined,
      requires: nodeIds(member(value, 'requires')), buildRequires: nodeIds(member(value, 'build_requires')),
      reachedFromHost: false, reachedFromBuild: false, requiredBy: [],
    });
  }
  // The root is node `0`; lockfiles before 0.4 key nodes by UUID, and there it is the node that no other requires.
  const required = new Set([...nodes.values()].flatMap(node => [...node.requires, ...node.buildRequires]));
  const roots = nodes.has('0') ? [nodes.get('0')!] : [...nodes.values()].filter(node => !required.has(node.id));
  const isRoot = (node: GraphNode) => roots.includes(node);
  const direct = new Set<GraphNode>();
  const host: GraphNode[] = [];
  const build: GraphNode[] = [];
  for (const root of roots) {
    for (const id of root.requires) pushNode(nodes.get(id), host, direct);
    for (const id of root.buildRequires) pushNode(nodes.get(id), build, direct);
  }
  for (const node of nodes.values()) {
    if (isRoot(node)) continue;
    for (const id of [...node.requires, ...node.buildRequires]) nodes.get(id)?.requiredBy.push(node.id);
  }
  // Host packages pull in what they require at run time; anything a build tool needs, and every
  // package's build requirements, stay build-only.
  walk(host, nodes, 'reachedFromHost', node => node.requires);
  walk(build, nodes, 'reachedFromBuild', node => [...node.requires, ...node.buildRequires]);
  walk([...nodes.values()].filter(node => node.reachedFromHost).flatMap(node => node.buildRequires.map(id => nodes.get(id)!).filter(Boolean)),
    nodes, 'reachedFromBuild', node => [...node.requires, ...node.buildRequires]);

  const placed: Placed[] = [];
  for (const node of nodes.values()) {
    if (isRoot(node) || !node.ref) continue;
    const refNode = node.refNode!;
    placed.push({
      ...node.ref, key: node.id,
      location: lines.range(node.property.offset, node.property.offset + node.property.length),
      highlight: lines.range(refNode.parent!.offset, refNode.parent!.offset + refNode.parent!.length),
      direct: direct.has(node), dev: !node.reachedFromHost && node.reachedFromBuild,
      requiredBy: node.requiredBy.filter(id => nodes.get(id)?.ref),
      dependsOn: [...new Set([...node.requires, ...node.buildRequires].map(id => nodes.get(id)?.ref).filter(ref => ref !== undefined)
        .map(ref => `${ref.name}@${ref.version}`))].sort(),
    });
  }
  return placed;
}

function pushNode(node: GraphNode | undefined, list: GraphNode[], direct: Set<GraphNode>): void {
  if (!node) return;
  list.push(node);
  direct.add(node);
}

function walk(start: GraphNode[], nodes: Map<string, GraphNode>, flag: 'reachedFromHost' | 'reachedFromBuild', next: (node: GraphNode) => string[]): void {
  const queue = start.filter(node => !node[flag]);
  for (const node of queue) node[flag] = true;
  while (queue.length > 0) {
    for (const id of next(queue.pop()!)) {
      const target = nodes.get(id);
      if (!target || target[flag]) continue;
      target[flag] = true;
      queue.push(target);
    }
  }
}

/** Node ids from a `requires` list, or from the values of the ref-to-id object of old lockfiles. */
function nodeIds(value: Node | undefined): string[] {
  if (value?.type === 'array') return (value.children ?? []).filter(child => child.type === 'string').map(child => child.value as string);
  if (value?.type === 'object') {
    return (value.children ?? []).map(property => property.children?.[1]).filter(child => child?.type === 'string').map(child => child!.value as string);
  }
  return [];
}

// ---- Conan 2: requires lists ----

function readRequireLists(root: Node, lines: LineCursor): Placed[] {
  const placed: Placed[] = [];
  for (const [section, dev] of [['requires', false], ['build_requires', true], ['python_requires', true]] as const) {
    const list = member(root, section);
    if (!list) continue;
    if (list.type !== 'array') throw new Error(`not a valid conan.lock: '${section}' is not a list`);
    for (const element of list.children ?? []) {
      if (element.type !== 'string') throw new Error(`not a valid conan.lock: an entry of '${section}' is not a string`);
      const range = lines.range(element.offset, element.offset + element.length);
      placed.push({ ...parseRef(element.value as string, false), key: `${section} ${range.startLine}`, location: range, highlight: range, direct: false, dev });
    }
  }
  return placed;
}

/**
 * `name/version`, with `@user/channel`, `#revision` (and `%timestamp`), and in a `pref` a
 * `:package_id` after it, all dropped.
 */
function parseRef(text: string, mayHavePackageId: boolean): { name: string; version: string } {
  let ref = text;
  for (const separator of ['#', '%', ...(mayHavePackageId ? [':'] : []), '@']) {
    const at = ref.indexOf(separator);
    if (at !== -1) ref = ref.slice(0, at);
  }
  const parts = ref.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new Error('not a valid conan.lock: a package reference is not name/version');
  return { name: parts[0], version: parts[1] };
}
