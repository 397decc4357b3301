// Trivy's Kubernetes checks (KSV-xxxx), written in TypeScript from what trivy-checks' Rego tests
// and its tests and examples pin down: which kinds each check looks at, which fields, and where a
// finding points (the key or value at fault; the container's `name` when a field is missing).
//
// As in trivy-checks, a container's securityContext inherits runAsUser, runAsGroup, runAsNonRoot,
// seLinuxOptions, seccompProfile and windowsOptions from the pod's where it does not set them.
// Where Vigil knowingly differs from Trivy's Rego, the check says so in a comment.
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEditAt } from '../fixes/edits';
import type { CheckFixEdits } from '../misconfiguration';
import { kubernetesRuleById, type KubernetesRule } from '../rules/kubernetes';
import { deprecatedApi } from './deprecated-apis';
import type { KubeContainer, KubeFile, KubeObject, KubePod, YamlReader } from './manifest';
import {
  containsAssignment, containsBoundedIban, containsEmail, containsLooseIban, containsWord, isPassportLike,
} from './sensitive-text';

export interface CheckFailure {
  message: string;
  /** Offsets of what the finding points at. */
  start: number;
  end: number;
  fix?: CheckFixEdits;
}

/** The kinds a check applies to, lower case, as Trivy's input selectors name them; `any` for every object. */
export type KindSelector = 'any' | readonly string[];

export interface KubernetesCheck {
  rule: KubernetesRule;
  kinds: KindSelector;
  run(object: KubeObject, file: KubeFile): CheckFailure[];
}

const WORKLOADS: KindSelector = ['pod', 'replicaset', 'replicationcontroller', 'deployment', 'deploymentconfig', 'statefulset', 'daemonset', 'cronjob', 'job'];
const ROLES: KindSelector = ['clusterrole', 'role'];
const BINDINGS: KindSelector = ['rolebinding', 'clusterrolebinding'];

export function appliesTo(check: KubernetesCheck, object: KubeObject): boolean {
  return check.kinds === 'any' || check.kinds.includes(object.kind.toLowerCase());
}

// ---- where findings point -------------------------------------------------------------------

type Span = { start: number; end: number };

function spanOfNode(node: Node | null | undefined): Span | undefined {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/**
 * A `key: value` pair, from the key to the end of its value where that is on the key's line. A
 * value on more lines: a scalar to the end of the key's line, a collection the key alone (so the
 * editor underlines one line).
 */
function spanOfPair(pair: Pair, file: KubeFile): Span {
  const key = spanOfNode(pair.key as Node)!;
  const valueEnd = (pair.value as Node | null)?.range?.[1];
  if (valueEnd === undefined) return key;
  const newline = file.text.indexOf('\n', key.start);
  const lineEnd = newline === -1 ? file.text.length : file.text[newline - 1] === '\r' ? newline - 1 : newline;
  if (valueEnd <= lineEnd) return { start: key.start, end: valueEnd };
  return isScalar(pair.value) ? { start: key.start, end: lineEnd } : key;
}

/** The pair of the first of `keys` a map has: where a finding about a missing field points. */
function firstPair(yaml: YamlReader, map: YAMLMap | undefined, ...keys: string[]): Pair | undefined {
  for (const key of keys) {
    const pair = map && yaml.pair(map, key);
    if (pair) return pair;
  }
  return undefined;
}

/** The container's `name` (else `image`, else its first line): where a finding about a missing field points. */
function containerSpan(file: KubeFile, container: KubeContainer): Span {
  const pair = firstPair(file.yaml, container.node, 'name', 'image') ?? container.node.items[0];
  return pair ? spanOfPair(pair, file) : spanOfNode(container.node)!;
}

/** The deepest pair that exists along a path of keys from `map` (the field at fault, or the map that lacks it). */
function deepestPair(yaml: YamlReader, map: YAMLMap, path: readonly string[]): Pair | undefined {
  let current: YAMLMap | undefined = map;
  let found: Pair | undefined;
  for (const key of path) {
    const pair: Pair | undefined = current && yaml.pair(current, key);
    if (!pair) break;
    found = pair;
    const value = yaml.deref(pair.value);
    current = isMap(value) ? value : undefined;
  }
  return found;
}

/** Where a finding about the whole object points: `metadata.name`, else `kind`. */
function objectSpan(file: KubeFile, object: KubeObject): Span {
  const pair = firstPair(file.yaml, object.metadata, 'name') ?? file.yaml.pair(object.node, 'kind')!;
  return spanOfPair(pair, file);
}

function podSpecSpan(file: KubeFile, object: KubeObject, pod: KubePod): Span {
  return pod.specPair ? spanOfPair(pod.specPair, file) : objectSpan(file, object);
}

// ---- words for messages ---------------------------------------------------------------------

function nameOf(object: KubeObject): string {
  return object.name === undefined ? object.kind : `${object.kind} '${object.name}'`;
}

function nameOfContainer(object: KubeObject, container: KubeContainer): string {
  const what = container.group === 'containers' ? 'Container' : container.group === 'initContainers' ? 'Init container' : 'Ephemeral container';
  return `${what}${container.name === undefined ? '' : ` '${container.name}'`} of ${nameOf(object)}`;
}

// ---- security contexts ----------------------------------------------------------------------

/** The pod-level fields a container's securityContext inherits where it does not set them. */
const INHERITED = new Set(['runAsGroup', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile', 'windowsOptions']);

interface Field {
  pair: Pair;
  /** The value node, aliases followed. */
  node: Node | undefined;
  value: unknown;
  /** Set by the pod's securityContext, not the container's. */
  fromPod: boolean;
}

function podSecurityContext(yaml: YamlReader, pod: KubePod): YAMLMap | undefined {
  return yaml.map(pod.spec, 'securityContext');
}

function field(yaml: YamlReader, map: YAMLMap | undefined, path: readonly string[], fromPod: boolean): Field | undefined {
  let current = map;
  for (let i = 0; i < path.length && current; i++) {
    const pair = yaml.pair(current, path[i]);
    if (!pair) return undefined;
    const node = yaml.deref(pair.value);
    if (i === path.length - 1) return { pair, node, value: isScalar(node) ? node.value : undefined, fromPod };
    current = isMap(node) ? node : undefined;
  }
  return undefined;
}

/** A field of the container's effective securityContext: its own, else the pod's for the inherited ones. */
function securityField(file: KubeFile, pod: KubePod, container: KubeContainer, ...path: string[]): Field | undefined {
  const own = field(file.yaml, file.yaml.map(container.node, 'securityContext'), path, false);
  if (own || !INHERITED.has(path[0])) return own;
  return field(file.yaml, podSecurityContext(file.yaml, pod), path, true);
}

/** Whether the container's effective securityContext sets nothing. */
function hasDefaultSecurityContext(file: KubeFile, pod: KubePod, container: KubeContainer): boolean {
  const own = file.yaml.map(container.node, 'securityContext');
  if (own && file.yaml.keys(own).length > 0) return false;
  const inherited = podSecurityContext(file.yaml, pod);
  return !inherited || !file.yaml.keys(inherited).some(key => INHERITED.has(key));
}

// ---- fixes ----------------------------------------------------------------------------------

/**
 * Sets `securityContext.<name>: <value>` in a container written in block style: replaces the
 * value where the field is there, adds the field to the container's securityContext, or adds a
 * securityContext with the field, indented as the keys around it. None where an alias or a flow
 * style container makes the place ambiguous.
 */
function setSecurityField(file: KubeFile, container: KubeContainer, name: string, value: 'true' | 'false', title: string): CheckFailure['fix'] {
  const { text, eol } = file;
  const node = container.node;
  if (!container.own || node.flow || node.items.length === 0) return undefined;
  const contextPair = node.items.find(pair => isScalar(pair.key) && pair.key.value === 'securityContext');
  const fix = (edits: TextEditAt[]) => ({ title, edits, safe: false });
  // A securityContext merged in from an anchor: a new one here would hide the merged fields.
  if (!contextPair && file.yaml.pair(node, 'securityContext')) return undefined;
  if (!contextPair) {
    const indent = ' '.repeat(columnOf(file, (node.items[0].key as Node).range![0]));
    const offset = endOfLine(text, lastContentEnd(text, node));
    return fix([{ offset, length: 0, newText: `${eol}${indent}securityContext:${eol}${indent}  ${name}: ${value}` }]);
  }
  const context = contextPair.value;
  if (!isMap(context)) return undefined;
  const existing = context.items.find(pair => isScalar(pair.key) && pair.key.value === name);
  if (existing) {
    const range = isScalar(existing.value) ? existing.value.range : undefined;
    return range ? fix([{ offset: range[0], length: range[1] - range[0], newText: value }]) : undefined;
  }
  if (context.flow) {
    const close = context.range![1] - 1;
    if (text[close] !== '}') return undefined;
    const newText = context.items.length === 0 ? `${name}: ${value}` : `, ${name}: ${value}`;
    return fix([{ offset: close, length: 0, newText }]);
  }
  if (context.items.length === 0) return undefined;
  const indent = ' '.repeat(columnOf(file, (context.items[0].key as Node).range![0]));
  const offset = endOfLine(text, lastContentEnd(text, context));
  return fix([{ offset, length: 0, newText: `${eol}${indent}${name}: ${value}` }]);
}

function columnOf(file: KubeFile, offset: number): number {
  return file.lines.position(offset).character;
}

/** The end of a block collection's last value, before the blank lines and line breaks its range takes in. */
function lastContentEnd(text: string, map: YAMLMap): number {
  const last = map.items[map.items.length - 1];
  let end = ((last.value ?? last.key) as Node).range![1];
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return end;
}

/** The offset of the line break that ends the line of `offset` (before a `\r`), or the end of the text. */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
}

// ---- shared shapes of checks ----------------------------------------------------------------

function eachContainer(object: KubeObject, run: (pod: KubePod, container: KubeContainer) => CheckFailure | CheckFailure[] | undefined): CheckFailure[] {
  const pod = object.pod;
  if (!pod) return [];
  return pod.containers.flatMap(container => run(pod, container) ?? []);
}

function volumes(file: KubeFile, object: KubeObject): YAMLMap[] {
  const pod = object.pod;
  return pod ? file.yaml.items(file.yaml.seq(pod.spec, 'volumes')).filter(isMap) : [];
}

/** A container field that must be set to `wanted`: the field where it has another value, the container where it is missing. */
function requireContainerFlag(file: KubeFile, object: KubeObject, name: string, wanted: boolean, explain: string, fixTitle: string): CheckFailure[] {
  return eachContainer(object, (pod, container) => {
    const found = securityField(file, pod, container, name);
    if (found?.value === wanted) return undefined;
    const where = found && !found.fromPod ? spanOfPair(found.pair, file) : containerSpan(file, container);
    return {
      ...where,
      message: `${nameOfContainer(object, container)} ${explain}: set securityContext.${name} to ${wanted}.`,
      fix: setSecurityField(file, container, name, wanted ? 'true' : 'false', fixTitle),
    };
  });
}

/** A capability added to a container's securityContext. */
function addedCapability(file: KubeFile, object: KubeObject, capability: string): CheckFailure[] {
  return eachContainer(object, (_pod, container) => {
    const added = file.yaml.scalars(file.yaml.mapAt(container.node, ['securityContext', 'capabilities']), 'add');
    return added.filter(item => item.value === capability).map(item => ({
      ...spanOfNode(item.node)!,
      message: `${nameOfContainer(object, container)} adds the ${capability} capability.`,
    }));
  });
}

/** A resource request or limit a container does not set. */
function missingResource(file: KubeFile, object: KubeObject, section: 'limits' | 'requests', resource: 'cpu' | 'memory'): CheckFailure[] {
  return eachContainer(object, (_pod, container) => {
    const values = file.yaml.mapAt(container.node, ['resources', section]);
    if (file.yaml.has(values, resource)) return undefined;
    const nearest = deepestPair(file.yaml, container.node, ['resources', section]);
    const what = section === 'limits' ? 'limit' : 'request';
    return {
      ...(nearest ? spanOfPair(nearest, file) : containerSpan(file, container)),
      message: `${nameOfContainer(object, container)} sets no ${resource === 'cpu' ? 'CPU' : 'memory'} ${what}: add resources.${section}.${resource} with the amount it needs.`,
    };
  });
}

/** A pod spec flag that must not be true (hostIPC, hostNetwork, hostPID). */
function podFlag(file: KubeFile, object: KubeObject, name: string, explain: string): CheckFailure[] {
  const pair = object.pod && file.yaml.pair(object.pod.spec, name);
  if (!pair || file.yaml.value(object.pod!.spec, name) !== true) return [];
  return [{ ...spanOfPair(pair, file), message: `${nameOf(object)} sets ${name}: true, ${explain}.` }];
}

// ---- images ---------------------------------------------------------------------------------

function imageSpan(file: KubeFile, container: KubeContainer): Span {
  const pair = file.yaml.pair(container.node, 'image');
  return pair ? spanOfPair(pair, file) : containerSpan(file, container);
}

/** The registry host of an image reference: its first path part, where it has more than one. */
function registryOf(image: string): string | undefined {
  const slash = image.indexOf('/');
  return slash === -1 ? undefined : image.slice(0, slash);
}

function isTagged(image: string): boolean {
  if (image.includes('@')) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon !== -1 && last.slice(colon + 1) !== 'latest';
}

const AZURE_REGISTRIES = ['azurecr.io'];
const GCR_REGISTRIES = ['gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io'];
const ECR_REGISTRIES = [
  'us-east-2', 'us-east-1', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-northeast-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-northeast-1', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1', 'eu-west-3', 'eu-north-1',
  'me-south-1', 'sa-east-1', 'us-gov-east-1', 'us-gov-west-1',
].map(region => `ecr.${region}.amazonaws.com`).concat(['ecr.cn-north-1.amazonaws.com.cn', 'ecr.cn-northwest-1.amazonaws.com.cn']);
const TRUSTED_REGISTRIES = [...AZURE_REGISTRIES, ...ECR_REGISTRIES, ...GCR_REGISTRIES];

/** Containers whose image does not come from one of `registries` (a registry host ending in one of them). */
function untrustedImages(file: KubeFile, object: KubeObject, registries: readonly string[], explain: string): CheckFailure[] {
  return eachContainer(object, (_pod, container) => {
    const image = file.yaml.string(container.node, 'image');
    const registry = image === undefined ? undefined : registryOf(image);
    if (registry !== undefined && registries.some(trusted => registry.endsWith(trusted))) return undefined;
    return { ...imageSpan(file, container), message: `${nameOfContainer(object, container)} ${explain}.` };
  });
}

// ---- RBAC rules -----------------------------------------------------------------------------

interface RbacRule {
  node: YAMLMap;
  apiGroups: { value: unknown; node: Node }[];
  resources: { value: unknown; node: Node }[];
  verbs: { value: unknown; node: Node }[];
  resourceNames: { value: unknown; node: Node }[];
}

function rbacRules(file: KubeFile, object: KubeObject, kinds: readonly string[]): RbacRule[] {
  if (!kinds.includes(object.kind)) return [];
  const yaml = file.yaml;
  return yaml.items(yaml.seq(object.node, 'rules')).filter(isMap).map(node => ({
    node,
    apiGroups: yaml.scalars(node, 'apiGroups'),
    resources: yaml.scalars(node, 'resources'),
    verbs: yaml.scalars(node, 'verbs'),
    resourceNames: yaml.scalars(node, 'resourceNames'),
  }));
}

const has = (list: { value: unknown }[], ...values: string[]) => list.some(item => values.includes(item.value as string));

/** Rules that grant any of `verbs` on any of `resources`; the finding points at the resource. */
function grants(
  file: KubeFile, object: KubeObject, kinds: readonly string[], resources: readonly string[], verbs: readonly string[], explain: string,
  extra: (rule: RbacRule) => boolean = () => true,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const rule of rbacRules(file, object, kinds)) {
    if (!has(rule.verbs, ...verbs) || !extra(rule)) continue;
    const resource = rule.resources.find(item => resources.includes(item.value as string));
    if (resource) failures.push({ ...spanOfNode(resource.node)!, message: `${nameOf(object)} ${explain}.` });
  }
  return failures;
}

/** Two rules, the first before the second, that together grant something; the finding points at the first one's resource. */
function grantsInPair(
  file: KubeFile, object: KubeObject, first: (rule: RbacRule) => RbacRule['resources'][number] | undefined, second: (rule: RbacRule) => boolean,
  explain: string,
): CheckFailure[] {
  const rules = rbacRules(file, object, ['Role', 'ClusterRole']);
  const failures: CheckFailure[] = [];
  let laterMatches = 0;
  for (const rule of rules) if (second(rule)) laterMatches++;
  // Walk in order, counting the matches of `second` still ahead of each rule.
  for (const rule of rules) {
    if (second(rule)) laterMatches--;
    const resource = first(rule);
    if (resource && laterMatches > 0) failures.push({ ...spanOfNode(resource.node)!, message: `${nameOf(object)} ${explain}.` });
  }
  return failures;
}

const ROLE_KINDS = ['Role', 'ClusterRole'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', '*'];
const READ_AND_WRITE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', '*'];
const WILDCARD_RESOURCE_VERBS = ['create', 'update', 'delete', 'deletecollection', 'impersonate', '*', 'list', 'get'];
const WORKLOAD_RESOURCES = ['pods', 'deployments', 'jobs', 'cronjobs', 'statefulsets', 'daemonsets', 'replicasets', 'replicationcontrollers'];

// ---- bindings -------------------------------------------------------------------------------

/**
 * Subjects of a RoleBinding or ClusterRoleBinding named one of `names`. Trivy's library spells the
 * second kind `ClusterRolebinding` and so misses every real ClusterRoleBinding; Vigil takes both.
 */
function boundSubjects(file: KubeFile, object: KubeObject, names: readonly string[], explain: string): CheckFailure[] {
  if (!['rolebinding', 'clusterrolebinding'].includes(object.kind.toLowerCase())) return [];
  const failures: CheckFailure[] = [];
  for (const subject of file.yaml.items(file.yaml.seq(object.node, 'subjects'))) {
    if (!isMap(subject)) continue;
    const pair = file.yaml.pair(subject, 'name');
    const name = file.yaml.string(subject, 'name');
    if (pair && name !== undefined && names.includes(name)) {
      failures.push({ ...spanOfPair(pair, file), message: `${nameOf(object)} binds ${name}, ${explain}.` });
    }
  }
  return failures;
}

// ---- ConfigMaps -----------------------------------------------------------------------------

interface DataEntry {
  pair: Pair;
  key: string;
  value?: string;
}

function configMapData(file: KubeFile, object: KubeObject): DataEntry[] {
  if (object.kind !== 'ConfigMap') return [];
  const data = file.yaml.map(object.node, 'data');
  if (!data) return [];
  const entries: DataEntry[] = [];
  for (const pair of data.items) {
    if (!isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
    const value = file.yaml.deref(pair.value);
    entries.push({ pair, key: String(pair.key.value), value: isScalar(value) && typeof value.value === 'string' ? value.value : undefined });
  }
  return entries;
}

/** The text before the first `:` (else `=`) of a line that has one. */
function assignedName(line: string): string | undefined {
  for (const delimiter of [':', '=']) {
    const at = line.indexOf(delimiter);
    if (at !== -1) return line.slice(0, at);
  }
  return undefined;
}

type TextTest = (text: string) => boolean;

const SENSITIVE_VALUE_TESTS: TextTest[] = [
  t => containsAssignment(t, 'username'), t => containsAssignment(t, 'email'), containsEmail, t => containsAssignment(t, 'key'),
  t => containsAssignment(t, 'phone'), containsBoundedIban, t => containsWord(t, 'sha1'), t => containsWord(t, 'md5'),
  t => containsAssignment(t, 'iban'),
];
const SENSITIVE_KEY_TESTS: TextTest[] = [
  t => containsWord(t, 'username'), t => containsWord(t, 'email'), containsEmail, t => containsWord(t, 'key'), t => containsWord(t, 'phone'),
  containsBoundedIban, t => containsWord(t, 'sha1'), t => containsWord(t, 'md5'), t => containsWord(t, 'iban'),
];

/** KSV-01010: the data keys a ConfigMap holds sensitive content under (by key name, or in the value). */
function sensitiveEntries(entries: DataEntry[]): DataEntry[] {
  return entries.filter(({ key, value }) => {
    if (SENSITIVE_KEY_TESTS.some(test => test(key))) return true;
    if (value === undefined) return false;
    const lines = value.split('\n');
    // A line that matches a pattern and assigns something names sensitive content.
    if (SENSITIVE_VALUE_TESTS.some(test => test(value) && lines.some(line => test(line) && assignedName(line) !== undefined))) return true;
    // trivy-checks looks at the n-th `:`-separated part of the n-th line for e-mails and IBAN-like values.
    return lines.some((line, index) => {
      const part = line.split(':')[index];
      return part !== undefined && (containsEmail(part) || containsLooseIban(part) || isPassportLike(part));
    });
  });
}

const SECRET_WORDS = ['password', 'pass', 'pword', 'passphrase', 'passwrd', 'passwd', 'secret', 'secretkey', 'appSecret', 'clientSecret',
  'aws_access_key_id', 'pswrd', 'token', 'pwd'];

/** A line that assigns a value that is not empty and not a `${...}`, `$(...)` or `{{...}}` reference. */
function assignsLiteral(line: string): boolean {
  for (const delimiter of [':', '=']) {
    const parts = line.split(delimiter);
    if (parts.length < 2 || parts[1] === '') continue;
    const value = parts[1].startsWith('"') ? parts[1].slice(1) : parts[1];
    if (!value.startsWith('${') && !value.startsWith('$(') && !value.startsWith('{{')) return true;
  }
  return false;
}

/** KSV-0109: the data keys a ConfigMap holds secrets under (by key name, or assigned in the value). */
function secretEntries(entries: DataEntry[]): DataEntry[] {
  return entries.filter(({ key, value }) => {
    if (SECRET_WORDS.some(word => containsWord(key, word))) return true;
    if (value === undefined) return false;
    return SECRET_WORDS.some(word => containsAssignment(value, word)
      && value.split('\n').some(line => containsAssignment(line, word) && assignsLiteral(line)));
  });
}

// ---- the checks, in rule order --------------------------------------------------------------

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
const NON_CORE_VOLUME_TYPES = ['gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephFS', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'portworxVolume', 'scaleIO', 'storageos'];
const SYSTEM_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker'];
const ALLOWED_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t'];
const CORE_COMPONENTS = ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler'];
const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_NAMESPACE_KINDS = ['pod', 'replicaset', 'replicationcontroller', 'deployment', 'statefulset', 'daemonset', 'cronjob', 'job'];

function check(id: string, kinds: KindSelector, run: KubernetesCheck['run']): KubernetesCheck {
  return { rule: kubernetesRuleById(id), kinds, run };
}

/** Has `key` with a value Rego counts as set (anything but `false`). */
function isSet(yaml: YamlReader, map: YAMLMap | undefined, key: string): boolean {
  return yaml.has(map, key) && yaml.value(map, key) !== false;
}

/** An annotation of the pod (template), by its full key. */
function podAnnotation(file: KubeFile, pod: KubePod, key: string): { pair: Pair; value: unknown } | undefined {
  const annotations = pod.metadata && file.yaml.map(pod.metadata, 'annotations');
  const pair = annotations && file.yaml.pair(annotations, key);
  return pair ? { pair, value: file.yaml.value(annotations, key) } : undefined;
}

export const KUBERNETES_CHECKS: readonly KubernetesCheck[] = [
  check('KSV-0001', WORKLOADS, (object, file) => requireContainerFlag(file, object, 'allowPrivilegeEscalation', false,
    'may gain more privileges than its parent process', 'Set securityContext.allowPrivilegeEscalation: false')),

  check('KSV-0002', WORKLOADS, (object, file) => eachContainer(object, (pod, container) => {
    if (container.name === undefined) return undefined;
    const annotation = podAnnotation(file, pod, `container.apparmor.security.beta.kubernetes.io/${container.name}`);
    if (!annotation || annotation.value === 'runtime/default') return undefined;
    return { ...spanOfPair(annotation.pair, file), message: `${nameOfContainer(object, container)} runs with an AppArmor profile other than runtime/default.` };
  })),

  check('KSV-0003', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    const dropped = file.yaml.scalars(file.yaml.mapAt(container.node, ['securityContext', 'capabilities']), 'drop');
    if (dropped.some(item => typeof item.value === 'string' && item.value.toLowerCase() === 'all')) return undefined;
    const nearest = deepestPair(file.yaml, container.node, ['securityContext', 'capabilities', 'drop']);
    return {
      ...(nearest ? spanOfPair(nearest, file) : containerSpan(file, container)),
      message: `${nameOfContainer(object, container)} keeps the default capabilities: add 'ALL' to securityContext.capabilities.drop.`,
    };
  })),

  check('KSV-0004', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    if (file.yaml.has(file.yaml.mapAt(container.node, ['securityContext', 'capabilities']), 'drop')) return undefined;
    const nearest = deepestPair(file.yaml, container.node, ['securityContext', 'capabilities']);
    return {
      ...(nearest ? spanOfPair(nearest, file) : containerSpan(file, container)),
      message: `${nameOfContainer(object, container)} drops no capabilities: list the ones it does not need in securityContext.capabilities.drop.`,
    };
  })),

  check('KSV-0005', WORKLOADS, (object, file) => addedCapability(file, object, 'SYS_ADMIN')),

  check('KSV-0006', WORKLOADS, (object, file) => volumes(file, object).flatMap(volume => {
    const path = field(file.yaml, volume, ['hostPath', 'path'], false);
    return path?.value === '/var/run/docker.sock'
      ? [{ ...spanOfPair(path.pair, file), message: `${nameOf(object)} mounts the host's Docker socket, which gives full control of the node.` }]
      : [];
  })),

  check('KSV-0007', WORKLOADS, (object, file) => {
    const pair = object.pod && file.yaml.pair(object.pod.spec, 'hostAliases');
    return pair ? [{ ...spanOfPair(pair, file), message: `${nameOf(object)} writes its own /etc/hosts entries with hostAliases.` }] : [];
  }),

  check('KSV-0008', WORKLOADS, (object, file) => podFlag(file, object, 'hostIPC', "which shares the node's IPC namespace")),
  check('KSV-0009', WORKLOADS, (object, file) => podFlag(file, object, 'hostNetwork', "which shares the node's network namespace")),
  check('KSV-0010', WORKLOADS, (object, file) => podFlag(file, object, 'hostPID', "which shares the node's process namespace")),
  check('KSV-0011', WORKLOADS, (object, file) => missingResource(file, object, 'limits', 'cpu')),

  check('KSV-0012', WORKLOADS, (object, file) => {
    // As in trivy-checks: a pod that sets runAsNonRoot passes, whatever its containers say.
    const pod = object.pod;
    if (!pod || isSet(file.yaml, podSecurityContext(file.yaml, pod), 'runAsNonRoot')) return [];
    return requireContainerFlag(file, object, 'runAsNonRoot', true, 'may run as root', 'Set securityContext.runAsNonRoot: true');
  }),

  check('KSV-0013', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    const image = file.yaml.string(container.node, 'image');
    if (image !== undefined && isTagged(image)) return undefined;
    return {
      ...imageSpan(file, container),
      message: `${nameOfContainer(object, container)} uses ${image === undefined ? 'no image tag' : "the image's latest tag"}: pin a version tag or a digest.`,
    };
  })),

  check('KSV-0014', WORKLOADS, (object, file) => requireContainerFlag(file, object, 'readOnlyRootFilesystem', true,
    'can write to its root file system', 'Set securityContext.readOnlyRootFilesystem: true')),
  check('KSV-0015', WORKLOADS, (object, file) => missingResource(file, object, 'requests', 'cpu')),
  check('KSV-0016', WORKLOADS, (object, file) => missingResource(file, object, 'requests', 'memory')),

  check('KSV-0017', WORKLOADS, (object, file) => eachContainer(object, (pod, container) => {
    const privileged = securityField(file, pod, container, 'privileged');
    if (privileged?.value !== true) return undefined;
    return {
      ...spanOfPair(privileged.pair, file),
      message: `${nameOfContainer(object, container)} runs privileged, with the node's devices and capabilities.`,
      fix: setSecurityField(file, container, 'privileged', 'false', 'Set securityContext.privileged: false'),
    };
  })),

  check('KSV-0018', WORKLOADS, (object, file) => missingResource(file, object, 'limits', 'memory')),

  ...(['runAsUser', 'runAsGroup'] as const).map((name, index) => check(index === 0 ? 'KSV-0020' : 'KSV-0021', WORKLOADS,
    (object, file) => eachContainer(object, (pod, container) => {
      const found = securityField(file, pod, container, name);
      if (found && (typeof found.value !== 'number' || found.value > 10000)) return undefined;
      const what = name === 'runAsUser' ? 'user' : 'group';
      return {
        ...(found ? spanOfPair(found.pair, file) : containerSpan(file, container)),
        message: found
          ? `${nameOfContainer(object, container)} runs with ${what} ID ${String(found.value)}, which may clash with the node's: use one above 10000.`
          : `${nameOfContainer(object, container)} sets no ${what} ID (securityContext.${name}): use one above 10000.`,
      };
    }))),

  check('KSV-0022', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    const capabilities = file.yaml.mapAt(container.node, ['securityContext', 'capabilities']);
    if (file.yaml.scalars(capabilities, 'add').length === 0) return undefined;
    return { ...spanOfPair(file.yaml.pair(capabilities!, 'add')!, file), message: `${nameOfContainer(object, container)} adds capabilities.` };
  })),

  check('KSV-0023', WORKLOADS, (object, file) => volumes(file, object).flatMap(volume => {
    const pair = file.yaml.pair(volume, 'hostPath');
    return pair ? [{ ...spanOfPair(pair, file), message: `${nameOf(object)} mounts a folder of the node (hostPath volume).` }] : [];
  })),

  check('KSV-0024', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) =>
    file.yaml.items(file.yaml.seq(container.node, 'ports')).filter(isMap).flatMap(port => {
      const pair = file.yaml.pair(port, 'hostPort');
      return pair ? [{ ...spanOfPair(pair, file), message: `${nameOfContainer(object, container)} binds a port of the node (hostPort).` }] : [];
    }))),

  check('KSV-0025', WORKLOADS, (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const yaml = file.yaml;
    const contexts = [podSecurityContext(yaml, pod), ...pod.containers.map(container => yaml.map(container.node, 'securityContext'))];
    const failures: CheckFailure[] = [];
    for (const context of contexts) {
      const options = context && yaml.map(context, 'seLinuxOptions');
      if (!options) continue;
      const type = yaml.pair(options, 'type');
      const typeValue = yaml.value(options, 'type');
      if (type && typeValue !== null && !ALLOWED_SELINUX_TYPES.includes(typeValue as string)) {
        failures.push({ ...spanOfPair(type, file), message: `${nameOf(object)} sets an SELinux type other than container_t, container_init_t or container_kvm_t.` });
      }
      for (const key of ['user', 'role']) {
        const pair = yaml.pair(options, key);
        if (pair) failures.push({ ...spanOfPair(pair, file), message: `${nameOf(object)} sets a custom SELinux ${key}.` });
      }
    }
    return failures;
  }),

  check('KSV-0026', WORKLOADS, (object, file) => {
    const context = object.pod && podSecurityContext(file.yaml, object.pod);
    return file.yaml.items(context && file.yaml.seq(context, 'sysctls')).filter(isMap).flatMap(sysctl => {
      const name = file.yaml.string(sysctl, 'name');
      if (name === undefined || SAFE_SYSCTLS.has(name)) return [];
      return [{ ...spanOfPair(file.yaml.pair(sysctl, 'name')!, file), message: `${nameOf(object)} sets the sysctl ${name}, which the baseline Pod Security Standard does not allow.` }];
    });
  }),

  check('KSV-0027', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    const pair = deepestPair(file.yaml, container.node, ['securityContext', 'procMount']);
    if (!pair || !isScalar(pair.key) || pair.key.value !== 'procMount') return undefined;
    return { ...spanOfPair(pair, file), message: `${nameOfContainer(object, container)} changes the /proc mount type, which can unmask /proc.` };
  })),

  check('KSV-0028', WORKLOADS, (object, file) => volumes(file, object).flatMap(volume => NON_CORE_VOLUME_TYPES.flatMap(type => {
    const pair = file.yaml.pair(volume, type);
    return pair ? [{ ...spanOfPair(pair, file), message: `${nameOf(object)} uses a ${type} volume, not a core volume type.` }] : [];
  }))),

  check('KSV-0030', WORKLOADS, (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const annotation = podAnnotation(file, pod, 'seccomp.security.alpha.kubernetes.io/pod');
    if (annotation && annotation.value !== 'runtime/default') {
      return [{ ...spanOfPair(annotation.pair, file), message: `${nameOf(object)} sets a pod seccomp annotation other than runtime/default.` }];
    }
    if (annotation && annotation.value) return [];
    return eachContainer(object, (_pod, container) => {
      const type = securityField(file, pod, container, 'seccompProfile', 'type');
      if (type?.value === 'RuntimeDefault' || type?.value === 'Localhost') return undefined;
      return {
        ...(type ? spanOfPair(type.pair, file) : containerSpan(file, container)),
        message: `${nameOfContainer(object, container)} has no RuntimeDefault seccomp profile: set securityContext.seccompProfile.type on the pod or the container.`,
      };
    });
  }),

  check('KSV-0032', WORKLOADS, (object, file) => untrustedImages(file, object, AZURE_REGISTRIES, 'uses an image from outside an Azure container registry')),
  check('KSV-0033', WORKLOADS, (object, file) => untrustedImages(file, object, GCR_REGISTRIES, 'uses an image from outside a Google container registry')),

  check('KSV-0034', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) => {
    const image = file.yaml.string(container.node, 'image');
    if (image === undefined) return undefined;
    const host = image.split('/')[0];
    if (!image.startsWith('docker.io') && !image.startsWith('ghcr.io') && host.includes('.')) return undefined;
    return { ...imageSpan(file, container), message: `${nameOfContainer(object, container)} uses an image from a public registry.` };
  })),

  check('KSV-0035', WORKLOADS, (object, file) => untrustedImages(file, object, ECR_REGISTRIES, 'uses an image from outside an Amazon ECR registry')),

  check('KSV-0036', 'any', (object, file) => {
    // trivy-checks reads automountServiceAccountToken at the object's top-level spec, which only a
    // Pod has there; Vigil reads the pod template's too.
    const spec = object.pod?.spec ?? file.yaml.map(object.node, 'spec');
    if (!spec) return [];
    const automount = file.yaml.pair(spec, 'automountServiceAccountToken');
    if (automount) {
      return file.yaml.value(spec, 'automountServiceAccountToken') === true
        ? [{ ...spanOfPair(automount, file), message: `${nameOf(object)} mounts its service account token although it may not need it.` }]
        : [];
    }
    return eachContainer(object, (_pod, container) => file.yaml.items(file.yaml.seq(container.node, 'volumeMounts')).filter(isMap).flatMap(mount => {
      const path = field(file.yaml, mount, ['mountPath'], false);
      return path?.value === SERVICE_ACCOUNT_MOUNT
        ? [{ ...spanOfPair(path.pair, file), message: `${nameOfContainer(object, container)} mounts the service account token: set automountServiceAccountToken to false if it does not need it.` }]
        : [];
    }));
  }),

  check('KSV-0037', 'any', (object, file) => {
    if (object.namespace !== 'kube-system') return [];
    const yaml = file.yaml;
    const labels = object.metadata && yaml.map(object.metadata, 'labels');
    const spec = yaml.map(object.node, 'spec');
    const component = yaml.string(labels, 'component');
    const isCoreComponent = yaml.value(labels, 'tier') === 'control-plane' && yaml.value(spec, 'priorityClassName') === 'system-node-critical'
      && component !== undefined && CORE_COMPONENTS.includes(component);
    if (isCoreComponent) return [];
    return [{ ...spanOfPair(yaml.pair(object.metadata!, 'namespace')!, file), message: `${nameOf(object)} is placed in the kube-system namespace, which belongs to the cluster's own components.` }];
  }),

  check('KSV-0038', 'any', (object, file) => {
    if (object.kind.toLowerCase() !== 'networkpolicy') return [];
    const yaml = file.yaml;
    const spec = yaml.map(object.node, 'spec');
    const peersSelect = (direction: string, peers: string) => yaml.items(spec && yaml.seq(spec, direction)).filter(isMap)
      .some(rule => yaml.items(yaml.seq(rule, peers)).filter(isMap).some(peer => isSet(yaml, peer, 'podSelector') || isSet(yaml, peer, 'namespaceSelector')));
    if (isSet(yaml, spec, 'podSelector') || isSet(yaml, spec, 'namespaceSelector') || peersSelect('ingress', 'from') || peersSelect('egress', 'to')) return [];
    const pair = yaml.pair(object.node, 'spec');
    return [{ ...(pair ? spanOfPair(pair, file) : objectSpan(file, object)), message: `${nameOf(object)} selects no pods or namespaces.` }];
  }),

  check('KSV-0039', ['limitrange'], (object, file) => {
    const yaml = file.yaml;
    const spec = yaml.map(object.node, 'spec');
    const limits = yaml.items(spec && yaml.seq(spec, 'limits')).filter(isMap);
    if (limits.some(limit => ['type', 'max', 'min', 'default', 'defaultRequest'].every(key => isSet(yaml, limit, key)))) return [];
    const nearest = deepestPair(yaml, object.node, ['spec', 'limits']);
    return [{ ...(nearest ? spanOfPair(nearest, file) : objectSpan(file, object)), message: `${nameOf(object)} has no limit with a type, max, min, default and defaultRequest.` }];
  }),

  check('KSV-0040', ['resourcequota'], (object, file) => {
    const yaml = file.yaml;
    const hard = yaml.mapAt(object.node, ['spec', 'hard']);
    const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter(key => !isSet(yaml, hard, key));
    if (missing.length === 0) return [];
    const nearest = deepestPair(yaml, object.node, ['spec', 'hard']);
    return [{ ...(nearest ? spanOfPair(nearest, file) : objectSpan(file, object)), message: `${nameOf(object)} sets no hard ${missing.join(', ')} quota.` }];
  }),

  check('KSV-0041', ['clusterrole'], (object, file) => grants(file, object, ['ClusterRole'], ['secrets'], READ_AND_WRITE_VERBS,
    'grants access to secrets in every namespace')),
  check('KSV-0042', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['pods/log'], ['delete', 'deletecollection', '*'],
    'allows deleting pod logs')),
  check('KSV-0043', 'any', (object, file) => grants(file, object, ROLE_KINDS, ['groups'], ['impersonate'],
    'allows impersonating any group, privileged ones included', rule => has(rule.apiGroups, '*'))),
  check('KSV-0044', 'any', (object, file) => grants(file, object, ROLE_KINDS, ['*'], ['*'],
    'allows every verb on every resource', rule => has(rule.apiGroups, '*'))),
  check('KSV-0045', 'any', (object, file) => grants(file, object, ROLE_KINDS,
    ['secrets', 'pods', 'deployments', 'daemonsets', 'statefulsets', 'replicationcontrollers', 'replicasets', 'cronjobs', 'jobs', 'roles',
      'clusterroles', 'rolebindings', 'clusterrolebindings', 'users', 'groups'], ['*'],
    'allows every verb on a sensitive resource')),
  check('KSV-0046', ['clusterrole'], (object, file) => grants(file, object, ['ClusterRole'], ['*'], WILDCARD_RESOURCE_VERBS,
    'grants access to every resource in the cluster')),
  check('KSV-0047', 'any', (object, file) => grants(file, object, ROLE_KINDS, ['nodes/proxy'], ['get', 'create'],
    "allows reaching the kubelet API through nodes/proxy")),
  check('KSV-0048', ROLES, (object, file) => grants(file, object, ROLE_KINDS, WORKLOAD_RESOURCES, WRITE_VERBS,
    'allows creating or changing pods and workloads')),
  check('KSV-0049', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['configmaps'], WRITE_VERBS,
    'allows creating or changing ConfigMaps')),
  check('KSV-0050', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['roles', 'rolebindings'], ['escalate', 'bind', 'impersonate', '*'],
    'allows escalating privileges through roles or role bindings')),

  check('KSV-0051', 'any', (object, file) => grantsInPair(file, object,
    rule => (has(rule.apiGroups, 'rbac.authorization.k8s.io') && has(rule.verbs, 'create') ? rule.resources.find(r => r.value === 'rolebindings') : undefined),
    rule => has(rule.apiGroups, 'rbac.authorization.k8s.io') && has(rule.resources, 'clusterroles', 'roles') && has(rule.verbs, 'bind') && has(rule.resourceNames, '*'),
    'allows creating role bindings to any role, privileged ones included')),
  check('KSV-0052', 'any', (object, file) => grantsInPair(file, object,
    rule => (has(rule.apiGroups, 'rbac.authorization.k8s.io') && has(rule.verbs, 'create') ? rule.resources.find(r => r.value === 'clusterrolebindings') : undefined),
    rule => has(rule.resources, 'clusterroles') && has(rule.verbs, 'bind') && has(rule.resourceNames, '*'),
    'allows creating cluster role bindings to any cluster role, privileged ones included')),

  check('KSV-0053', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['pods/exec'], WRITE_VERBS, 'allows running commands in pods')),
  check('KSV-0054', 'any', (object, file) => grantsInPair(file, object,
    rule => (has(rule.apiGroups, '*') && has(rule.verbs, 'create') ? rule.resources.find(r => r.value === 'pods/attach') : undefined),
    rule => has(rule.apiGroups, '*') && has(rule.resources, 'pods') && has(rule.verbs, 'get'),
    "allows attaching to pods' shells")),
  check('KSV-0055', 'any', (object, file) => grants(file, object, ROLE_KINDS, ['rolebindings'], ['get'],
    'allows the users of a role binding to add other users to it', rule => has(rule.apiGroups, '*') && has(rule.verbs, 'patch'))),
  check('KSV-0056', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['services', 'endpoints', 'endpointslices', 'networkpolicies', 'ingresses'],
    WRITE_VERBS, 'allows changing how traffic reaches pods')),

  check('KSV-01010', ['configmap'], (object, file) => sensitiveEntries(configMapData(file, object)).map(entry => ({
    ...spanOfPair(entry.pair, file),
    message: `${nameOf(object)} holds what looks like sensitive data (user names, e-mail addresses, keys) under '${entry.key}'.`,
  }))),

  // trivy-checks reports this only when told the cluster runs GKE (where system:authenticated takes
  // in any Google account); a manifest does not say where it runs, so Vigil always reports it.
  check('KSV-01011', BINDINGS, (object, file) => boundSubjects(file, object, ['system:authenticated'],
    'which includes every authenticated user (on GKE, any Google account)')),

  check('KSV-0102', 'any', (object, file) => {
    const yaml = file.yaml;
    const tillerMark = (metadata: YAMLMap | undefined): Pair | undefined => {
      if (!metadata) return undefined;
      const labels = yaml.map(metadata, 'labels');
      if (yaml.string(metadata, 'name')?.includes('tiller')) return yaml.pair(metadata, 'name');
      if (yaml.value(labels, 'app') === 'helm') return yaml.pair(labels!, 'app');
      if (yaml.value(labels, 'name') === 'tiller') return yaml.pair(labels!, 'name');
      return undefined;
    };
    const failures: CheckFailure[] = [];
    const marked = object.pod ? tillerMark(object.metadata) ?? tillerMark(object.pod.metadata) : undefined;
    if (marked) failures.push({ ...spanOfPair(marked, file), message: `${nameOf(object)} deploys Helm's Tiller.` });
    failures.push(...eachContainer(object, (_pod, container) => (yaml.string(container.node, 'image')?.includes('tiller')
      ? { ...imageSpan(file, container), message: `${nameOfContainer(object, container)} runs Helm's Tiller.` }
      : undefined)));
    return failures;
  }),

  check('KSV-0103', WORKLOADS, (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const failures: CheckFailure[] = [];
    const podLevel = field(file.yaml, podSecurityContext(file.yaml, pod), ['windowsOptions', 'hostProcess'], true);
    if (podLevel?.value === true) failures.push({ ...spanOfPair(podLevel.pair, file), message: `${nameOf(object)} runs its containers as Windows host processes.` });
    failures.push(...eachContainer(object, (_pod, container) => {
      const own = field(file.yaml, file.yaml.map(container.node, 'securityContext'), ['windowsOptions', 'hostProcess'], false);
      return own?.value === true ? { ...spanOfPair(own.pair, file), message: `${nameOfContainer(object, container)} runs as a Windows host process.` } : undefined;
    }));
    return failures;
  }),

  check('KSV-0104', WORKLOADS, (object, file) => eachContainer(object, (pod, container) => {
    const type = securityField(file, pod, container, 'seccompProfile', 'type');
    const annotation = type || container.name === undefined
      ? undefined : podAnnotation(file, pod, `container.seccomp.security.alpha.kubernetes.io/${container.name}`);
    const value = type ? type.value : annotation?.value ?? '';
    if (value !== '' && !(typeof value === 'string' && value.toLowerCase() === 'unconfined')) return undefined;
    const at = type ?? annotation;
    return {
      ...(at ? spanOfPair(at.pair, file) : containerSpan(file, container)),
      message: value === '' ? `${nameOfContainer(object, container)} has no seccomp profile, so it runs unconfined.` : `${nameOfContainer(object, container)} runs with seccomp unconfined.`,
    };
  })),

  check('KSV-0105', 'any', (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const failures: CheckFailure[] = [];
    const podLevel = field(file.yaml, podSecurityContext(file.yaml, pod), ['runAsUser'], true);
    if (podLevel?.value === 0) failures.push({ ...spanOfPair(podLevel.pair, file), message: `${nameOf(object)} runs its containers as root (runAsUser: 0).` });
    failures.push(...eachContainer(object, (_pod, container) => {
      const own = field(file.yaml, file.yaml.map(container.node, 'securityContext'), ['runAsUser'], false);
      return own?.value === 0 ? { ...spanOfPair(own.pair, file), message: `${nameOfContainer(object, container)} runs as root (runAsUser: 0).` } : undefined;
    }));
    return failures;
  }),

  check('KSV-0106', 'any', (object, file) => eachContainer(object, (_pod, container) => {
    const capabilities = file.yaml.mapAt(container.node, ['securityContext', 'capabilities']);
    const dropsAll = file.yaml.scalars(capabilities, 'drop').some(item => typeof item.value === 'string' && item.value.toUpperCase() === 'ALL');
    if (!dropsAll) {
      const nearest = deepestPair(file.yaml, container.node, ['securityContext', 'capabilities', 'drop']);
      return { ...(nearest ? spanOfPair(nearest, file) : containerSpan(file, container)), message: `${nameOfContainer(object, container)} does not drop all capabilities.` };
    }
    return file.yaml.scalars(capabilities, 'add').filter(item => item.value !== 'NET_BIND_SERVICE').map(item => ({
      ...spanOfNode(item.node)!, message: `${nameOfContainer(object, container)} adds a capability other than NET_BIND_SERVICE.`,
    }));
  })),

  check('KSV-0107', 'any', (object, file) => {
    const api = deprecatedApi(object.apiVersion, object.kind);
    if (!api) return [];
    const instead = api.replacement ? `: move it to ${api.replacement}` : '';
    return [{ ...spanOfPair(file.yaml.pair(object.node, 'apiVersion')!, file), message: `${object.apiVersion} ${object.kind} is deprecated and no longer served from Kubernetes ${api.removedIn}${instead}.` }];
  }),

  check('KSV-0108', ['service'], (object, file) => {
    if (object.kind !== 'Service') return [];
    const spec = file.yaml.map(object.node, 'spec');
    const failures: CheckFailure[] = [];
    if (spec && file.yaml.items(file.yaml.seq(spec, 'externalIPs')).length > 0) {
      failures.push({ ...spanOfPair(file.yaml.pair(spec, 'externalIPs')!, file), message: `${nameOf(object)} sets external IPs, which lets it take over traffic to those addresses (CVE-2020-8554).` });
    }
    const externalName = file.yaml.string(spec, 'externalName');
    if (externalName) failures.push({ ...spanOfPair(file.yaml.pair(spec!, 'externalName')!, file), message: `${nameOf(object)} sets an external name.` });
    return failures;
  }),

  check('KSV-0109', ['configmap'], (object, file) => secretEntries(configMapData(file, object)).map(entry => ({
    ...spanOfPair(entry.pair, file),
    message: `${nameOf(object)} holds what looks like a secret (a password, token or key) under '${entry.key}': keep it in a Secret.`,
  }))),

  check('KSV-0110', WORKLOADS, (object, file) => {
    if ((object.namespace ?? 'default') !== 'default' || !DEFAULT_NAMESPACE_KINDS.includes(object.kind.toLowerCase())) return [];
    const pair = firstPair(file.yaml, object.metadata, 'namespace');
    return [{
      ...(pair ? spanOfPair(pair, file) : objectSpan(file, object)),
      message: pair ? `${nameOf(object)} runs in the default namespace.` : `${nameOf(object)} names no namespace, so it runs in the default one.`,
    }];
  }),

  check('KSV-0111', BINDINGS, (object, file) => {
    if (!['rolebinding', 'clusterrolebinding'].includes(object.kind.toLowerCase())) return [];
    const roleRef = file.yaml.map(object.node, 'roleRef');
    const name = file.yaml.string(roleRef, 'name');
    if (name === undefined || !['cluster-admin', 'admin', 'edit'].includes(name)) return [];
    return [{ ...spanOfPair(file.yaml.pair(roleRef!, 'name')!, file), message: `${nameOf(object)} grants the ${name} role.` }];
  }),

  check('KSV-0112', ['role'], (object, file) => grants(file, object, ['Role'], ['*'], WILDCARD_RESOURCE_VERBS,
    'grants access to every resource in its namespace')),
  check('KSV-0113', ['role'], (object, file) => grants(file, object, ['Role'], ['secrets'], READ_AND_WRITE_VERBS,
    'grants access to the secrets of its namespace')),
  check('KSV-0114', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    WRITE_VERBS, 'allows changing admission webhooks')),
  check('KSV-0115', ROLES, (object, file) => grants(file, object, ROLE_KINDS, ['configmaps'], WRITE_VERBS,
    "allows changing EKS's aws-auth ConfigMap, which maps AWS identities to cluster users", rule => has(rule.resourceNames, 'aws-auth'))),

  check('KSV-0116', WORKLOADS, (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const yaml = file.yaml;
    const context = podSecurityContext(yaml, pod);
    const failures: CheckFailure[] = [];
    for (const name of ['runAsGroup', 'fsGroup']) {
      const found = field(yaml, context, [name], true);
      if (found?.value === 0) failures.push({ ...spanOfPair(found.pair, file), message: `${nameOf(object)} runs with the root group (${name}: 0).` });
    }
    for (const group of yaml.scalars(context, 'supplementalGroups')) {
      if (group.value === 0) failures.push({ ...spanOfNode(group.node)!, message: `${nameOf(object)} adds the root group to its supplemental groups.` });
    }
    return failures;
  }),

  check('KSV-0117', WORKLOADS, (object, file) => eachContainer(object, (_pod, container) =>
    file.yaml.items(file.yaml.seq(container.node, 'ports')).filter(isMap).flatMap(port => {
      const found = field(file.yaml, port, ['containerPort'], false);
      return typeof found?.value === 'number' && found.value < 1024
        ? [{ ...spanOfPair(found.pair, file), message: `${nameOfContainer(object, container)} listens on privileged port ${found.value}.` }]
        : [];
    }))),

  check('KSV-0118', WORKLOADS, (object, file) => {
    const pod = object.pod;
    if (!pod) return [];
    const failures: CheckFailure[] = [];
    const context = podSecurityContext(file.yaml, pod);
    if (!context || file.yaml.keys(context).length === 0) {
      const pair = file.yaml.pair(pod.spec, 'securityContext');
      failures.push({ ...(pair ? spanOfPair(pair, file) : podSpecSpan(file, object, pod)), message: `${nameOf(object)} relies on the default pod security context.` });
    }
    failures.push(...eachContainer(object, (_pod, container) => {
      if (!hasDefaultSecurityContext(file, pod, container)) return undefined;
      const pair = file.yaml.pair(container.node, 'securityContext');
      return { ...(pair ? spanOfPair(pair, file) : containerSpan(file, container)), message: `${nameOfContainer(object, container)} relies on the default security context.` };
    }));
    return failures;
  }),

  check('KSV-0119', WORKLOADS, (object, file) => addedCapability(file, object, 'NET_RAW')),
  check('KSV-0120', WORKLOADS, (object, file) => addedCapability(file, object, 'SYS_MODULE')),

  check('KSV-0121', WORKLOADS, (object, file) => volumes(file, object).flatMap(volume => {
    const path = field(file.yaml, volume, ['hostPath', 'path'], false);
    return typeof path?.value === 'string' && SYSTEM_HOST_PATHS.includes(path.value)
      ? [{ ...spanOfPair(path.pair, file), message: `${nameOf(object)} mounts the node's ${path.value} folder.` }]
      : [];
  })),

  check('KSV-0122', BINDINGS, (object, file) => boundSubjects(file, object, ['system:unauthenticated', 'system:anonymous'],
    'which lets anyone who can reach the API server use the role')),
  check('KSV-0123', BINDINGS, (object, file) => boundSubjects(file, object, ['system:masters'],
    'a group that bypasses RBAC altogether')),

  check('KSV-0124', 'any', (object, file) => {
    if (object.apiVersion !== 'constraints.gatekeeper.sh/v1beta1' || object.kind !== 'K8sAllowedRepos') return [];
    const parameters = file.yaml.mapAt(object.node, ['spec', 'parameters']);
    return file.yaml.scalars(parameters, 'repos').flatMap(({ value, node }) => {
      if (typeof value !== 'string') return [];
      const parts = value.split('/');
      const open = (!value.includes('/') && !value.includes(':')) || (parts[0] === 'docker.io' && parts.length <= 2);
      return open ? [{ ...spanOfNode(node)!, message: `${nameOf(object)} allows the repository prefix '${value}', which also matches repositories it does not mean.` }] : [];
    });
  }),

  check('KSV-0125', WORKLOADS, (object, file) => untrustedImages(file, object, TRUSTED_REGISTRIES,
    'uses an image from a registry outside the trusted ones (ECR, ACR, GCR)')),
];
