// NuGet packages.lock.json: one map of packages per target framework (`net6.0`,
// `.NETCoreApp,Version=v5.0`, or a runtime-specific `net6.0/win-x64`), each entry with its `type`
// (`Direct`, `Transitive`, `CentralTransitive`, or `Project` for a referenced project), its
// `resolved` version and the `dependencies` it requires (name -> requested range, resolved within
// the same target). A package is one name@version; its entry under each target is a copy.
// Projects are the user's own code: not reported, and what they require counts as direct, as
// the npm analyzer does with workspaces. NuGet has no dev dependencies in this file.
import { sortUnique } from '../depgraph';
import { base64Hashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { locateMembersOfMembers, parseJson, stringEnd, type JsonObject, type MemberSpan } from './json-offsets';

export const nugetLockAnalyzer: Analyzer = {
  id: 'nuget-lock',
  type: 'nuget',
  scanner: 'vuln',
  ecosystem: 'NuGet',
  fileNames: ['packages.lock.json'],
  inlineIgnores: false,
  trivyParser: 'nuget/lock',
  fixes: 'none',
  analyze: input => ({ packages: parseNugetLock(input.content, input.path) }),
};

interface TargetEntry {
  key: string;
  name: string;
  value: JsonObject;
  span: MemberSpan;
  direct: boolean;
  requiredBy: string[];
  /** name@version of each package the entry requires. */
  dependsOn: string[];
}

export function parseNugetLock(content: string, file: string): Package[] {
  const root = parseJson(content);
  if (!isObject(root)) throw new Error('not a valid packages.lock.json: it must hold a JSON object');
  const targets = root.dependencies;
  if (targets === undefined) return [];
  if (!isObject(targets)) throw new Error("not a valid packages.lock.json: 'dependencies' is not an object of target frameworks");

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  // One pass over the text locates every target's entries.
  for (const [target, spans] of locateMembersOfMembers(content, ['dependencies'])) {
    const entries = targets[target];
    if (!isObject(entries)) continue;
    const byName = new Map<string, TargetEntry>();
    for (const [name, span] of spans) {
      const value = entries[name];
      if (!isObject(value)) continue;
      byName.set(name, {
        key: `${target}/${name}`, name, value, span, direct: value.type === 'Direct', requiredBy: [], dependsOn: [],
      });
    }

    for (const entry of byName.values()) {
      const ids = entry.dependsOn;
      for (const dependency of isObject(entry.value.dependencies) ? Object.keys(entry.value.dependencies) : []) {
        const required = byName.get(dependency);
        if (!required) continue;
        if (entry.value.type === 'Project') {
          required.direct = true;
        } else {
          required.requiredBy.push(entry.key);
          const version = required.value.resolved;
          if (typeof version === 'string' && version !== '') ids.push(`${dependency}@${version}`);
        }
      }
    }

    for (const entry of byName.values()) {
      const version = entry.value.resolved;
      if (entry.value.type === 'Project' || typeof version !== 'string' || version === '') continue;
      const id = `${entry.name}@${version}`;
      const highlight = lines.range(entry.span.start, stringEnd(content, entry.span.start));
      const location = lines.range(entry.span.start, entry.span.end);
      const copy: PackageCopy = { key: entry.key, location, highlight, direct: entry.direct, dev: false, requiredBy: entry.requiredBy };
      const known = packages.get(id);
      if (known) {
        known.direct ||= copy.direct;
        known.copies!.push(copy);
        known.dependsOn!.push(...entry.dependsOn);
        continue;
      }
      const pkg: Package = {
        id, name: entry.name, version, ecosystem: 'NuGet', purl: buildPurl('NuGet', entry.name, version),
        direct: copy.direct, dev: false, location, copies: [copy], dependsOn: entry.dependsOn,
      };
      // The SHA-512 of the .nupkg, base64. Set afterwards: spreading an optional member into the literal is V8's slow path.
      const hashes = base64Hashes('SHA-512', entry.value.contentHash);
      if (hashes) pkg.hashes = hashes;
      packages.set(id, pkg);
    }
  }
  for (const pkg of packages.values()) sortUnique(pkg.dependsOn!);
  return [...packages.values()];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
