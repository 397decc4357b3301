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
//
// JSON.parse reads the values; the spans of the nodes (or list entries) come from a scan of just
// that object (or those lists).
import { sortUnique } from '../depgraph';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { lastMember, locateRootArrays, parseJson, valuesAt, type JsonObject, type ValueSpan } from './json-offsets';

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

/** An entry of the lockfile: its package and the copy it is. */
interface Placed extends PackageCopy {
  name: string;
  version: string;
  dependsOn?: string[];
}

export function parseConanLock(content: string, file: string): Package[] {
  let root: unknown;
  try {
    root = parseJson(content);
  } catch (error) {
    throw new Error(`not a valid conan.lock: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new Error('not a valid conan.lock: the top level is not an object');
  const lines = new LineCursor(content, file);
  const placed = root.graph_lock !== undefined ? readGraphLock(root.graph_lock, content, lines) : readRequireLists(root, content, lines);
  const packages = new Map<string, Package>();
  for (const entry of placed) {
    const id = `${entry.name}@${entry.version}`;
    // Optional members are set afterwards: spreading them into the literal is V8's slow path.
    const copy: PackageCopy = { key: entry.key, location: entry.location, highlight: entry.highlight, direct: entry.direct, dev: entry.dev };
    if (entry.requiredBy) copy.requiredBy = entry.requiredBy;
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.direct ||= copy.direct;
      known.dev &&= copy.dev;
      if (entry.dependsOn) known.dependsOn = [...new Set([...known.dependsOn ?? [], ...entry.dependsOn])].sort();
      continue;
    }
    const pkg: Package = {
      id, name: entry.name, version: entry.version, ecosystem: 'ConanCenter', purl: buildPurl('ConanCenter', entry.name, entry.version),
      direct: copy.direct, dev: copy.dev, location: entry.location, copies: [copy],
    };
    if (entry.dependsOn) pkg.dependsOn = entry.dependsOn;
    packages.set(id, pkg);
  }
  return [...packages.values()];
}

// ---- Conan 1: graph_lock ----

interface GraphNode {
  id: string;
  span: ValueSpan;
  /** The `ref` (or `pref`) member's span. */
  refSpan?: ValueSpan;
  ref?: { name: string; version: string };
  requires: string[];
  buildRequires: string[];
  reachedFromHost: boolean;
  reachedFromBuild: boolean;
  requiredBy: string[];
}

function readGraphLock(graphLock: unknown, content: string, lines: LineCursor): Placed[] {
  const nodesValue = isObject(graphLock) ? graphLock.nodes : undefined;
  if (!isObject(nodesValue)) throw new Error("not a valid conan.lock: 'graph_lock.nodes' is not an object");
  const nodes = new Map<string, GraphNode>();
  for (const span of valuesAt(content, ['graph_lock', 'nodes'])!) {
    const id = span.key!;
    // A repeated key: JSON.parse kept the last value, which the last span reads.
    const value = nodesValue[id];
    if (!isObject(value)) continue;
    const refKey = value.ref !== undefined ? 'ref' : value.pref !== undefined ? 'pref' : undefined;
    const refText = refKey && typeof value[refKey] === 'string' ? (value[refKey] as string) : undefined;
    nodes.set(id, {
      id, span, refSpan: refText ? lastMember(content, span.start, refKey!) : undefined,
      ref: refText ? parseRef(refText, true) : undefined,
      requires: nodeIds(value.requires), buildRequires: nodeIds(value.build_requires),
      reachedFromHost: false, reachedFromBuild: false, requiredBy: [],
    });
  }
  // The root is node `0`; lockfiles before 0.4 key nodes by UUID, and there it is the node that no other requires.
  const roots = nodes.has('0') ? [nodes.get('0')!] : notRequired(nodes);
  const direct = new Set<GraphNode>();
  const host: GraphNode[] = [];
  const build: GraphNode[] = [];
  for (const root of roots) {
    for (const id of root.requires) pushNode(nodes.get(id), host, direct);
    for (const id of root.buildRequires) pushNode(nodes.get(id), build, direct);
  }
  for (const node of nodes.values()) {
    if (roots.includes(node)) continue;
    for (const id of node.requires) nodes.get(id)?.requiredBy.push(node.id);
    for (const id of node.buildRequires) nodes.get(id)?.requiredBy.push(node.id);
  }
  // Host packages pull in what they require at run time; anything a build tool needs, and every
  // package's build requirements, stay build-only.
  walk(host, nodes, 'reachedFromHost', false);
  walk(build, nodes, 'reachedFromBuild', true);
  walk([...nodes.values()].filter(node => node.reachedFromHost).flatMap(node => node.buildRequires.map(id => nodes.get(id)!).filter(Boolean)),
    nodes, 'reachedFromBuild', true);

  const placed: Placed[] = [];
  for (const node of nodes.values()) {
    if (roots.includes(node) || !node.ref) continue;
    const refSpan = node.refSpan!;
    placed.push({
      name: node.ref.name, version: node.ref.version, key: node.id,
      location: lines.range(node.span.keyStart, node.span.end),
      highlight: lines.range(refSpan.keyStart, refSpan.end),
      direct: direct.has(node), dev: !node.reachedFromHost && node.reachedFromBuild,
      requiredBy: node.requiredBy.filter(id => nodes.get(id)?.ref),
      dependsOn: dependsOn(node, nodes),
    });
  }
  return placed;
}

/** The name@version of each package a node requires, sorted, once each. */
function dependsOn(node: GraphNode, nodes: Map<string, GraphNode>): string[] {
  const ids: string[] = [];
  for (const list of [node.requires, node.buildRequires]) {
    for (const id of list) {
      const ref = nodes.get(id)?.ref;
      if (ref) ids.push(`${ref.name}@${ref.version}`);
    }
  }
  sortUnique(ids); // in place: a Set and a copy per node were a visible part of the analysis
  return ids;
}

function pushNode(node: GraphNode | undefined, list: GraphNode[], direct: Set<GraphNode>): void {
  if (!node) return;
  list.push(node);
  direct.add(node);
}

/** Sets `flag` on everything reachable from `start` along `requires`, and along `build_requires` too with `withBuildRequires`. */
function walk(start: GraphNode[], nodes: Map<string, GraphNode>, flag: 'reachedFromHost' | 'reachedFromBuild', withBuildRequires: boolean): void {
  const queue = start.filter(node => !node[flag]);
  for (const node of queue) node[flag] = true;
  while (queue.length > 0) {
    const node = queue.pop()!;
    visitAll(node.requires, nodes, flag, queue);
    if (withBuildRequires) visitAll(node.buildRequires, nodes, flag, queue);
  }
}

/** Sets `flag` on each of the nodes `ids` names that lacks it, and queues them. */
function visitAll(ids: readonly string[], nodes: Map<string, GraphNode>, flag: 'reachedFromHost' | 'reachedFromBuild', queue: GraphNode[]): void {
  for (const id of ids) {
    const target = nodes.get(id);
    if (!target || target[flag]) continue;
    target[flag] = true;
    queue.push(target);
  }
}

/** The nodes no other node requires. */
function notRequired(nodes: Map<string, GraphNode>): GraphNode[] {
  const required = new Set<string>();
  for (const node of nodes.values()) {
    for (const id of node.requires) required.add(id);
    for (const id of node.buildRequires) required.add(id);
  }
  return [...nodes.values()].filter(node => !required.has(node.id));
}

/** Node ids from a `requires` list, or from the values of the ref-to-id object of old lockfiles. */
function nodeIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter(child => typeof child === 'string');
  if (isObject(value)) return Object.values(value).filter(child => typeof child === 'string');
  return [];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- Conan 2: requires lists ----

const REQUIRE_LISTS = [['requires', false], ['build_requires', true], ['python_requires', true]] as const;

function readRequireLists(root: JsonObject, content: string, lines: LineCursor): Placed[] {
  const placed: Placed[] = [];
  let arrays: Map<string, ValueSpan[]> | undefined;
  for (const [section, dev] of REQUIRE_LISTS) {
    const list = root[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new Error(`not a valid conan.lock: '${section}' is not a list`);
    if (list.length === 0) continue;
    // The list's elements line up one for one with JSON.parse's array.
    arrays ??= locateRootArrays(content, REQUIRE_LISTS.map(([name]) => name)); // one pass for the three
    const spans = arrays.get(section)!;
    list.forEach((element: unknown, index) => {
      if (typeof element !== 'string') throw new Error(`not a valid conan.lock: an entry of '${section}' is not a string`);
      const range = lines.range(spans[index].start, spans[index].end);
      const { name, version } = parseRef(element, false);
      placed.push({ name, version, key: `${section} ${range.startLine}`, location: range, highlight: range, direct: false, dev });
    });
  }
  return placed;
}

/**
 * `name/version`, with `@user/channel`, `#revision` (and `%timestamp`), and in a `pref` a
 * `:package_id` after it, all dropped.
 */
const REF_SEPARATORS = ['#', '%', '@'];
const PREF_SEPARATORS = ['#', '%', ':', '@'];

function parseRef(text: string, mayHavePackageId: boolean): { name: string; version: string } {
  let ref = text;
  for (const separator of mayHavePackageId ? PREF_SEPARATORS : REF_SEPARATORS) {
    const at = ref.indexOf(separator);
    if (at !== -1) ref = ref.slice(0, at);
  }
  const parts = ref.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new Error('not a valid conan.lock: a package reference is not name/version');
  return { name: parts[0], version: parts[1] };
}
