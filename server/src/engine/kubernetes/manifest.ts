// Reads Kubernetes manifests with `yaml` into the shape Trivy's KSV checks look at: every object
// (a document with `apiVersion` and `kind`, or an item of a List), its pod template when it is a
// workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
// CronJob's jobTemplate, OpenShift's DeploymentConfig) and the containers, init containers and
// ephemeral containers of that template. The checks read the YAML nodes themselves, so every
// finding keeps the offsets of the key or value at fault.
//
// Aliases and `<<` merge keys are followed on lookup, never expanded: a lookup visits each map of a
// merge chain once, and a file's lookups may follow at most MAX_ALIAS_STEPS aliases, so an alias
// bomb costs a bounded amount of work and then an error, not memory or time.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Alias, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { LineIndex } from '../text';

export const MAX_ALIAS_STEPS = 1_000_000;

/** Kinds whose pod template is `spec.template`. */
const CONTROLLER_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig']);

/** trivy-checks reads containers and initContainers; Vigil checks ephemeral containers as well. */
export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';
const CONTAINER_GROUPS: readonly ContainerGroup[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface KubeContainer {
  node: YAMLMap;
  group: ContainerGroup;
  /** The container's `name`, when it is a string. */
  name?: string;
  /** Whether the container map is written in this place (not reached through an alias), so a fix may edit it. */
  own: boolean;
}

export interface KubePod {
  /** The pod's (or template's) `metadata` map. */
  metadata?: YAMLMap;
  /** The pod spec map, and the `spec` pair that holds it. */
  spec: YAMLMap;
  specPair?: Pair;
  containers: KubeContainer[];
}

export interface KubeObject {
  node: YAMLMap;
  apiVersion: string;
  kind: string;
  metadata?: YAMLMap;
  name?: string;
  /** `metadata.namespace` as written; Trivy takes a missing one as `default`. */
  namespace?: string;
  /** The pod template of a workload: none for other kinds. */
  pod?: KubePod;
  /** Where the object starts: inline ignores above it apply to all of it. */
  start: number;
}

export interface KubeFile {
  text: string;
  /** The line break the file uses, for lines that fixes add. */
  eol: '\n' | '\r\n';
  lines: LineIndex;
  objects: KubeObject[];
  yaml: YamlReader;
  /** Offsets [start, end) of scalars that span lines: a `#` line inside one is text, not a comment. */
  multilineScalars: [number, number][];
}

/** Whether a text might hold a Kubernetes object: a cheap test before parsing any YAML or JSON. */
export function mayHoldKubernetesObjects(text: string): boolean {
  return text.includes('apiVersion') && text.includes('kind');
}

/**
 * Whether a text that does not parse was meant as a manifest: JSON with `"apiVersion"` and `"kind"`
 * keys, or YAML where some line starts (after indentation and a `- `) with an `apiVersion` key and
 * some line with a `kind` key. Text that only mentions the words is some other file, which Vigil
 * leaves alone rather than report as broken.
 */
export function looksLikeManifest(text: string): boolean {
  if (text.trimStart().startsWith('{')) return text.includes('"apiVersion"') && text.includes('"kind"');
  let apiVersion = false;
  let kind = false;
  for (let start = 0; start < text.length && !(apiVersion && kind);) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let at = start;
    while (at < end && (text[at] === ' ' || text[at] === '\t' || text[at] === '-')) at++;
    if (text[at] === '"') at++;
    apiVersion ||= text.startsWith('apiVersion', at) && isKeyEnd(text, at + 'apiVersion'.length);
    kind ||= text.startsWith('kind', at) && isKeyEnd(text, at + 'kind'.length);
    start = end + 1;
  }
  return apiVersion && kind;
}

function isKeyEnd(text: string, at: number): boolean {
  if (text[at] === '"') at++;
  while (text[at] === ' ') at++;
  return text[at] === ':';
}

/**
 * Parses every YAML document of a file and returns its Kubernetes objects; a file without any
 * gives none. Throws a plain Error naming the line (never the text) on invalid YAML.
 */
export function parseKubernetesManifests(text: string, path: string): KubeFile {
  const documents = parseAllDocuments(text, { merge: true, prettyErrors: false });
  const lines = new LineIndex(text, path);
  const yaml = new YamlReader();
  const file: KubeFile = { text, eol: text.includes('\r\n') ? '\r\n' : '\n', lines, objects: [], yaml, multilineScalars: [] };
  if (!Array.isArray(documents)) return file; // an empty file
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      // yaml's own message quotes the file's text; say where and what kind instead.
      const { line, character } = lines.position(error.pos[0]);
      throw new Error(`line ${line + 1}, column ${character + 1}: invalid YAML (${error.code})`);
    }
  }
  // One walk of every document: the target of each alias, and the scalars that span lines.
  for (const document of documents) indexNodes(document.contents, text, new Map(), yaml.aliasTargets, file.multilineScalars);
  for (const document of documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const object = readObject(yaml, root);
    if (!object) continue;
    const items = object.kind.endsWith('List') ? yaml.seq(root, 'items') : undefined;
    if (items) {
      file.objects.push(object);
      for (const item of yaml.items(items)) {
        const member = isMap(item) ? readObject(yaml, item) : undefined;
        if (member) file.objects.push(member);
      }
    } else {
      file.objects.push(object);
    }
  }
  return file;
}

function readObject(yaml: YamlReader, node: YAMLMap): KubeObject | undefined {
  const apiVersion = yaml.string(node, 'apiVersion');
  const kind = yaml.string(node, 'kind');
  if (apiVersion === undefined || kind === undefined) return undefined;
  const metadata = yaml.map(node, 'metadata');
  const object: KubeObject = {
    node, apiVersion, kind, metadata,
    name: metadata && yaml.string(metadata, 'name'),
    namespace: metadata && yaml.string(metadata, 'namespace'),
    start: node.range?.[0] ?? 0,
  };
  object.pod = podOf(yaml, object);
  return object;
}

/** The pod template of a workload, or the spec of another kind that lists containers itself. */
function podOf(yaml: YamlReader, object: KubeObject): KubePod | undefined {
  let holder: YAMLMap | undefined;
  if (object.kind === 'Pod') holder = object.node;
  else if (CONTROLLER_KINDS.has(object.kind)) holder = yaml.mapAt(object.node, ['spec', 'template']);
  else if (object.kind === 'CronJob') holder = yaml.mapAt(object.node, ['spec', 'jobTemplate', 'spec', 'template']);
  else {
    // Trivy's library also reads `spec.containers` of any other kind (a custom resource).
    const spec = yaml.map(object.node, 'spec');
    if (!spec || !CONTAINER_GROUPS.some(group => yaml.seq(spec, group))) return undefined;
    holder = object.node;
  }
  if (!holder) return undefined;
  const specPair = yaml.pair(holder, 'spec');
  const spec = specPair && yaml.deref(specPair.value);
  if (!isMap(spec)) return undefined;
  const containers: KubeContainer[] = [];
  for (const group of CONTAINER_GROUPS) {
    const list = yaml.seq(spec, group);
    if (!list) continue;
    for (const item of list.items) {
      const node = yaml.deref(item as Node);
      if (isMap(node)) containers.push({ node, group, name: yaml.string(node, 'name'), own: !isAlias(item) });
    }
  }
  return { metadata: yaml.map(holder, 'metadata'), spec, specPair, containers };
}

/**
 * Walks a document's nodes in order, as YAML resolves aliases: an alias names the last node
 * anchored with its name before it. Records scalars that span lines on the way.
 */
function indexNodes(
  node: unknown, text: string, anchors: Map<string, Node>, aliasTargets: Map<Alias, Node>, multiline: [number, number][],
): void {
  if (isAlias(node)) {
    const target = anchors.get(node.source);
    if (target) aliasTargets.set(node, target);
    return;
  }
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) return;
  if (node.anchor) anchors.set(node.anchor, node);
  if (isScalar(node)) {
    const range = node.range;
    if (range) {
      const newline = text.indexOf('\n', range[0]);
      if (newline !== -1 && newline < range[1]) multiline.push([range[0], range[1]]);
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      indexNodes(pair.key, text, anchors, aliasTargets, multiline);
      indexNodes(pair.value, text, anchors, aliasTargets, multiline);
    }
  } else {
    for (const item of node.items) indexNodes(item, text, anchors, aliasTargets, multiline);
  }
}

/**
 * Lookups in the YAML nodes of one file, following aliases and merge keys, with the file's budget
 * of alias steps. Values are compared as Trivy's Rego compares JSON: `true` is a boolean, `"true"`
 * a string.
 */
export class YamlReader {
  /** Each alias's anchored node, found in one walk of the file. */
  readonly aliasTargets = new Map<Alias, Node>();
  private aliasSteps = 0;

  /** The node an alias points at (the node itself otherwise). */
  deref(node: unknown): Node | undefined {
    if (!isAlias(node)) return (node ?? undefined) as Node | undefined;
    if (++this.aliasSteps > MAX_ALIAS_STEPS) throw new Error(`too many YAML aliases: more than ${MAX_ALIAS_STEPS} followed`);
    return this.aliasTargets.get(node);
  }

  /** The pair of `key` in a map, looking into `<<` merges (each map once) when the map has none. */
  pair(map: YAMLMap, key: string, seen?: Set<YAMLMap>): Pair | undefined {
    let merges: Node[] | undefined;
    for (const pair of map.items) {
      const name = pair.key;
      if (isScalar(name)) {
        if (name.value === key) return pair;
        if (typeof name.value === 'symbol') (merges ??= []).push(pair.value as Node);
      }
    }
    if (!merges) return undefined;
    const visited = seen ?? new Set<YAMLMap>([map]);
    for (const merge of merges) {
      const source = this.deref(merge);
      const sources = isSeq(source) ? source.items.map(item => this.deref(item)) : [source];
      for (const candidate of sources) {
        if (!isMap(candidate) || visited.has(candidate)) continue;
        visited.add(candidate);
        const found = this.pair(candidate, key, visited);
        if (found) return found;
      }
    }
    return undefined;
  }

  get(map: YAMLMap, key: string): Node | undefined {
    const pair = this.pair(map, key);
    return pair ? this.deref(pair.value) : undefined;
  }

  has(map: YAMLMap | undefined, key: string): boolean {
    return map !== undefined && this.pair(map, key) !== undefined;
  }

  map(map: YAMLMap, key: string): YAMLMap | undefined {
    const node = this.get(map, key);
    return isMap(node) ? node : undefined;
  }

  seq(map: YAMLMap, key: string): YAMLSeq | undefined {
    const node = this.get(map, key);
    return isSeq(node) ? node : undefined;
  }

  /** The map at a path of keys. */
  mapAt(map: YAMLMap | undefined, path: readonly string[]): YAMLMap | undefined {
    let current = map;
    for (const key of path) current = current && this.map(current, key);
    return current;
  }

  /** The value of a scalar: string, number, boolean or null; undefined for a collection or nothing. */
  value(map: YAMLMap | undefined, key: string): unknown {
    const node = map && this.get(map, key);
    return isScalar(node) ? node.value : undefined;
  }

  string(map: YAMLMap | undefined, key: string): string | undefined {
    const value = this.value(map, key);
    return typeof value === 'string' ? value : undefined;
  }

  /** A sequence's items, aliases followed. */
  items(seq: YAMLSeq | undefined): Node[] {
    if (!seq) return [];
    const items: Node[] = [];
    for (const item of seq.items) {
      const node = this.deref(item);
      if (node) items.push(node);
    }
    return items;
  }

  /** The scalar values of a sequence at `key` (collections in it are left out). */
  scalars(map: YAMLMap | undefined, key: string): { value: unknown; node: Node }[] {
    const seq = map && this.seq(map, key);
    return this.items(seq).flatMap(node => (isScalar(node) ? [{ value: node.value, node }] : []));
  }

  /** The keys of a map, merged keys included, ignoring Trivy's injected `__defsec_metadata`. */
  keys(map: YAMLMap, seen = new Set<YAMLMap>()): string[] {
    seen.add(map);
    const keys: string[] = [];
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      if (typeof pair.key.value === 'symbol') {
        const source = this.deref(pair.value);
        const sources = isSeq(source) ? source.items.map(item => this.deref(item)) : [source];
        for (const candidate of sources) if (isMap(candidate) && !seen.has(candidate)) keys.push(...this.keys(candidate, seen));
      } else if (pair.key.value !== '__defsec_metadata') {
        keys.push(String(pair.key.value));
      }
    }
    return keys;
  }
}
