// Pipfile as a manifest: `[packages]` and `[dev-packages]`, each `name = "==1.0"` (`"*"` for any
// version, which leaves nothing to raise) or a table with `version`. Names are compared as PyPI
// does (PEP 503).
import type { ManifestFormat } from './manifests';
import { bumpDeclarations, strip, type PythonDeclaration } from './pyprojectToml';
import { tableDependencies, tomlValues, type TomlPath } from './tomlManifest';

const SECTIONS = new Set(['packages', 'dev-packages']);

function declarations(text: string): PythonDeclaration[] {
  const values = tomlValues(text);
  if (!values) return [];
  return tableDependencies(values, text, (path: TomlPath) => (SECTIONS.has(String(path[0])) ? 1 : 0)).map(dependency => {
    const spec = dependency.version?.value ?? '';
    return {
      name: dependency.key, spec, section: dependency.section, offset: dependency.offset, length: dependency.length,
      node: dependency.version, specStart: 0, specEnd: spec.length,
    };
  });
}

export const pipfileManifest: ManifestFormat = {
  fileNames: ['Pipfile'],
  ecosystem: 'PyPI',
  list: text => declarations(text).map(strip),
  bump: (text, name, version) => bumpDeclarations(declarations(text), name, version),
};
