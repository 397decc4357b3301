// sbt's dependency lock (sbt-dependency-lock plugin), `build.sbt.lock` (`*.sbt.lock`, as Trivy
// claims it): JSON with `lockVersion` 1 and a `dependencies` array, each entry with `org`, `name`,
// `version` and the sbt `configurations` it is resolved for. The lock does not say which modules
// the build declares, so none is direct. A module resolved for neither `compile` nor `runtime`
// (only `test`, say) is dev: Trivy leaves those out, Vigil keeps them marked dev.
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { lastMember, parseJson, valuesAt, type JsonObject } from './json-offsets';

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
  let root: unknown;
  try {
    root = parseJson(content);
  } catch (error) {
    throw new Error(`not a valid sbt lock file: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new Error('not a valid sbt lock file: the top level is not an object');
  const dependencies = root.dependencies;
  if (dependencies === undefined) return [];
  if (!Array.isArray(dependencies)) throw new Error("not a valid sbt lock file: 'dependencies' is not an array");

  // JSON.parse gives the values; the spans of the array's elements line up with them one for one.
  const spans = valuesAt(content, ['dependencies'])!;
  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  dependencies.forEach((entry: unknown, index) => {
    if (!isObject(entry)) return;
    const org = nonEmptyString(entry.org);
    const artifact = nonEmptyString(entry.name);
    const version = nonEmptyString(entry.version);
    if (!org || !artifact || !version) return;
    const configurations = Array.isArray(entry.configurations) ? entry.configurations : [];
    const shipped = configurations.some(value => typeof value === 'string' && SHIPPED_CONFIGURATIONS.has(value));
    const span = spans[index];
    const nameMember = lastMember(content, span.start, 'name')!;
    const location = lines.range(span.start, span.end);
    const highlight = lines.range(nameMember.keyStart, nameMember.end);
    const name = `${org}:${artifact}`;
    const id = `${name}@${version}`;
    const copy: PackageCopy = { key: `line ${location.startLine}`, location, highlight, direct: false, dev: !shipped };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.dev &&= copy.dev;
      return;
    }
    packages.set(id, { id, name, version, ecosystem: 'Maven', purl: buildPurl('Maven', name, version), direct: false, dev: copy.dev, location, copies: [copy] });
  });
  return [...packages.values()];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
