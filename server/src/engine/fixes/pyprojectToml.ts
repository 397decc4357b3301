// pyproject.toml as a manifest: PEP 621 `[project] dependencies` and `optional-dependencies` and
// PEP 735 `[dependency-groups]` (PEP 508 strings: `requests[socks]>=2.0; python_version>"3"`), and
// Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and `group.<name>.dependencies`
// (`requests = "^2.0"` or a table with `version`). Names are compared as PyPI does (PEP 503).
import type { AST } from 'toml-eslint-parser';
import { requirementName } from '../analyzers/python-common';
import { normalizePackageName } from '../ecosystems';
import type { TextEditAt } from './edits';
import type { BumpEdit, ManifestDependency, ManifestFormat } from './manifests';
import { replaceString, stringNode, tableDependencies, tomlValues, type TomlPath } from './tomlManifest';
import { bumpPythonSpec } from './versions';

/** One declaration, with where its requirement is written and how to write a new one. */
export interface PythonDeclaration extends ManifestDependency {
  /** The string that holds the requirement, and the requirement's span in its value. */
  node?: AST.TOMLStringValue;
  specStart: number;
  specEnd: number;
}

function poetrySectionLength(path: TomlPath): number {
  if (path[0] !== 'tool' || path[1] !== 'poetry') return 0;
  if (path[2] === 'dependencies' || path[2] === 'dev-dependencies') return 3;
  return path[2] === 'group' && path[4] === 'dependencies' ? 5 : 0;
}

/** Whether a value is one PEP 508 string of a PEP 621 or PEP 735 list, and the list's name. */
function requirementList(path: TomlPath): string | undefined {
  const index = path[path.length - 1];
  if (typeof index !== 'number') return undefined;
  if (path.length === 3 && path[0] === 'project' && path[1] === 'dependencies') return 'project.dependencies';
  if (path.length === 4 && path[0] === 'project' && path[1] === 'optional-dependencies') return `project.optional-dependencies.${path[2]}`;
  if (path.length === 3 && path[0] === 'dependency-groups') return `dependency-groups.${path[1]}`;
  return undefined;
}

function declarations(text: string): PythonDeclaration[] {
  const values = tomlValues(text);
  if (!values) return [];
  const found: PythonDeclaration[] = [];
  for (const value of values) {
    const section = requirementList(value.path);
    const node = stringNode(value.node);
    if (!section || !node) continue;
    const requirement = parseRequirement(node.value);
    if (!requirement) continue;
    found.push({ ...requirement, section, node, offset: node.range[0], length: node.range[1] - node.range[0] });
  }
  for (const dependency of tableDependencies(values, text, poetrySectionLength)) {
    if (dependency.key.toLowerCase() === 'python') continue; // the interpreter, not a package
    const spec = dependency.version?.value ?? '';
    found.push({
      name: dependency.key, spec, section: dependency.section, offset: dependency.offset, length: dependency.length,
      node: dependency.version, specStart: 0, specEnd: spec.length,
    });
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * A PEP 508 requirement's name and the span of its version specifier: `name [extras] specifier`
 * or `name [extras] (specifier)`, up to the `;` of its markers. A URL requirement (`name @ url`)
 * has an empty one. Undefined when it does not start with a name.
 */
export function parseRequirement(requirement: string): Pick<PythonDeclaration, 'name' | 'spec' | 'specStart' | 'specEnd'> | undefined {
  const name = requirementName(requirement);
  if (!name) return undefined;
  const skipSpaces = (at: number) => {
    while (requirement[at] === ' ' || requirement[at] === '\t') at++;
    return at;
  };
  let at = skipSpaces(requirement.indexOf(name) + name.length);
  if (requirement[at] === '[') {
    const close = requirement.indexOf(']', at);
    if (close === -1) return undefined;
    at = skipSpaces(close + 1);
  }
  if (requirement[at] === '@') return { name, spec: '', specStart: at, specEnd: at };
  let end: number;
  if (requirement[at] === '(') {
    end = requirement.indexOf(')', at);
    if (end === -1) return undefined;
    at++;
  } else {
    end = requirement.indexOf(';', at);
    if (end === -1) end = requirement.length;
  }
  while (end > at && (requirement[end - 1] === ' ' || requirement[end - 1] === '\t')) end--;
  return { name, spec: requirement.slice(at, end), specStart: at, specEnd: end };
}

/** The edits that raise every declaration of `name` in `found` to `version`, in each one's style. */
export function bumpDeclarations(found: readonly PythonDeclaration[], name: string, version: string): BumpEdit | undefined {
  const wanted = normalizePackageName('PyPI', name);
  const edits: TextEditAt[] = [];
  let spec: string | undefined;
  for (const declaration of found) {
    if (!declaration.node || normalizePackageName('PyPI', declaration.name) !== wanted) continue;
    const bumped = bumpPythonSpec(declaration.spec, version);
    if (!bumped) continue;
    const value = declaration.node.value;
    edits.push(replaceString(declaration.node, value.slice(0, declaration.specStart) + bumped + value.slice(declaration.specEnd)));
    spec ??= bumped;
  }
  return spec ? { edits, spec } : undefined;
}

export const strip = ({ name, spec, section, offset, length }: PythonDeclaration): ManifestDependency => ({ name, spec, section, offset, length });

export const pyprojectTomlManifest: ManifestFormat = {
  fileNames: ['pyproject.toml'],
  ecosystem: 'PyPI',
  list: text => declarations(text).map(strip),
  bump: (text, name, version) => bumpDeclarations(declarations(text), name, version),
};
