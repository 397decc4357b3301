// Cargo.toml as a manifest: the crates of `[dependencies]`, `[dev-dependencies]`,
// `[build-dependencies]`, their `[target.'cfg(...)'.*]` forms and `[workspace.dependencies]`, in
// every form Cargo takes (`serde = "1.0"`, `serde = { version = "1.0" }`, a `[dependencies.serde]`
// table). A renamed dependency (`json = { package = "serde_json", ... }`) is listed under the
// crate's own name, which is the name Cargo.lock gives it.
import type { TextEditAt } from './edits';
import type { BumpEdit, ManifestDependency, ManifestFormat } from './manifests';
import { replaceString, stringNode, tableDependencies, tomlValues, type TableDependency, type TomlPath } from './tomlManifest';
import { bumpCargoSpec } from './versions';

const KINDS = new Set(['dependencies', 'dev-dependencies', 'build-dependencies']);

function sectionLength(path: TomlPath): number {
  if (KINDS.has(String(path[0]))) return 1;
  if (path[0] === 'workspace' && path[1] === 'dependencies') return 2;
  if (path[0] === 'target' && KINDS.has(String(path[2]))) return 3;
  return 0;
}

function declarations(text: string): TableDependency[] {
  const values = tomlValues(text);
  return values ? tableDependencies(values, text, sectionLength) : [];
}

function crateName(dependency: TableDependency): string {
  return stringNode(dependency.fields.get('package'))?.value ?? dependency.key;
}

export const cargoTomlManifest: ManifestFormat = {
  fileNames: ['Cargo.toml'],
  ecosystem: 'crates.io',
  list: (text): ManifestDependency[] => declarations(text).map(dependency => ({
    name: crateName(dependency), spec: dependency.version?.value ?? '', section: dependency.section,
    offset: dependency.offset, length: dependency.length,
  })),
  bump(text, name, version): BumpEdit | undefined {
    // A crate declared twice (per target, or renamed at two majors) moves where the requirement
    // is of the same release line as `version`; where none is, every declaration moves.
    const declared = declarations(text).filter(dependency => crateName(dependency) === name && dependency.version);
    const sameLine = declared.filter(dependency => compatible(dependency.version!.value, version));
    const edits: TextEditAt[] = [];
    let spec: string | undefined;
    for (const dependency of sameLine.length > 0 ? sameLine : declared) {
      const bumped = bumpCargoSpec(dependency.version!.value, version);
      if (!bumped) continue;
      edits.push(replaceString(dependency.version!, bumped));
      spec ??= bumped;
    }
    return spec ? { edits, spec } : undefined;
  },
  inheritsVersion: (text, name) => declarations(text).some(dependency => crateName(dependency) === name && inherits(dependency)),
};

/** `serde = { workspace = true }` or `serde.workspace = true`: the version is the root's `[workspace.dependencies]` one. */
function inherits(dependency: TableDependency): boolean {
  const workspace = dependency.fields.get('workspace');
  return workspace?.type === 'TOMLValue' && workspace.kind === 'boolean' && workspace.value === true;
}

/** Whether a requirement's first version and `version` are of one Cargo release line (`1.x`, `0.6.x`). */
function compatible(requirement: string, version: string): boolean {
  const first = /\d+(\.\d+){0,2}/.exec(requirement)?.[0];
  return first !== undefined && releaseLine(first) === releaseLine(version);
}

function releaseLine(version: string): string {
  const [major = '0', minor = '0', patch = '0'] = version.split(/[.+-]/);
  if (major !== '0') return major;
  return minor !== '0' ? `0.${minor}` : `0.0.${patch}`;
}
