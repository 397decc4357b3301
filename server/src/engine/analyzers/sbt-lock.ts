// sbt's dependency lock (sbt-dependency-lock plugin), `build.sbt.lock` (`*.sbt.lock`, as Trivy
// claims it): JSON with `lockVersion` 1 and a `dependencies` array, each entry with `org`, `name`,
// `version` and the sbt `configurations` it is resolved for. The lock does not say which modules
// the build declares, so none is direct. A module resolved for neither `compile` nor `runtime`
// (only `test`, say) is dev: Trivy leaves those out, Vigil keeps them marked dev.
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { member, parseJsonTree, stringMember } from './json-tree';

export const sbtLockAnalyzer: Analyzer = {
  id: 'sbt-lock',
  type: 'sbt',
  scanner: 'vuln',
  ecosystem: 'Maven',
  fileNames: ['*.sbt.lock'],
  inlineIgnores: false,
  trivyParser: 'sbt/lockfile',
  fixes: 'none',
  analyze: input => ({ packages: parseSbtLock(input.content, input.path) }),
};

const SHIPPED_CONFIGURATIONS = new Set(['compile', 'runtime']);

export function parseSbtLock(content: string, file: string): Package[] {
  const root = parseJsonTree(content, 'sbt lock file');
  if (root.type !== 'object') throw new Error('not a valid sbt lock file: the top level is not an object');
  const dependencies = member(root, 'dependencies');
  if (!dependencies) return [];
  if (dependencies.type !== 'array') throw new Error("not a valid sbt lock file: 'dependencies' is not an array");

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  for (const entry of dependencies.children ?? []) {
    if (entry.type !== 'object') continue;
    const org = stringMember(entry, 'org');
    const artifact = stringMember(entry, 'name');
    const version = stringMember(entry, 'version');
    if (!org || !artifact || !version) continue;
    const configurations = member(entry, 'configurations');
    const shipped = (configurations?.children ?? []).some(node => node.type === 'string' && SHIPPED_CONFIGURATIONS.has(node.value as string));
    const nameNode = member(entry, 'name')!.parent!;
    const location = lines.range(entry.offset, entry.offset + entry.length);
    const highlight = lines.range(nameNode.offset, nameNode.offset + nameNode.length);
    const name = `${org}:${artifact}`;
    const id = `${name}@${version}`;
    const copy: PackageCopy = { key: `line ${location.startLine}`, location, highlight, direct: false, dev: !shipped };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.dev &&= copy.dev;
      continue;
    }
    packages.set(id, { id, name, version, ecosystem: 'Maven', purl: buildPurl('Maven', name, version), direct: false, dev: copy.dev, location, copies: [copy] });
  }
  return [...packages.values()];
}
