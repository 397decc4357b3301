// .NET SDK project files (*.csproj, and the same format as *.fsproj and *.vbproj): the packages a
// project references, `<PackageReference Include="X" Version="1.0"/>` (the version may be a child
// element or a `$(Property)` of the file), all direct. With central package management the
// reference has no version, and the nearest `Directory.Packages.props` in the project's folder or
// a folder above it (inside the scan root) gives it, unless the reference has a `VersionOverride`.
// A reference with `PrivateAssets="all"` does not flow to the project's consumers, which is what
// NuGet writes for a development dependency: it is reported as dev. A version that cannot be
// worked out here (a property defined elsewhere, a floating version) is named in a note.
import { siblingPath } from '../source';
import type { Analyzer, AnalyzerInput, AnalyzerOutput } from '../types';
import { expandProperties, NugetPackageList, readMsbuildProject, restoredVersion } from './msbuild-items';
import { NO_SINGLE_VERSION, UNDEFINED_PROPERTY, unresolvedNote } from './packages-props';

const CENTRAL_VERSIONS = 'Directory.Packages.props';

export const csprojAnalyzer: Analyzer = {
  id: 'csproj',
  type: 'csproj',
  scanner: 'vuln',
  ecosystem: 'NuGet',
  fileNames: ['*.csproj', '*.fsproj', '*.vbproj'],
  inlineIgnores: false,
  fixes: 'none',
  async gather(input, read) {
    const project = readMsbuildProject(input.content, 'project file', ['PackageReference']);
    if (!project.items.some(item => !item.version && !item.versionOverride)) return;
    for (const candidate of centralVersionFiles(input.path)) if ((await read(candidate)) !== undefined) return;
  },
  analyze: parseProjectFile,
};

/** Where MSBuild looks for Directory.Packages.props: the project's folder, then each folder above it. */
function centralVersionFiles(path: string): string[] {
  const candidates: string[] = [];
  for (let dir = path; dir.includes('/'); dir = dir.slice(0, dir.lastIndexOf('/'))) candidates.push(siblingPath(dir, CENTRAL_VERSIONS));
  candidates.push(CENTRAL_VERSIONS);
  return candidates;
}

export function parseProjectFile(input: AnalyzerInput): AnalyzerOutput {
  const project = readMsbuildProject(input.content, 'project file', ['PackageReference']);
  const centralFile = centralVersionFiles(input.path).find(candidate => input.related?.has(candidate));
  const central = new Map<string, string>();
  if (centralFile) {
    // A broken props file is reported when that file is analyzed; here it only gives no versions.
    try {
      const props = readMsbuildProject(input.related!.get(centralFile)!, CENTRAL_VERSIONS, ['PackageVersion']);
      for (const item of props.items) {
        const version = item.version && expandProperties(item.version, props.properties);
        if (version) central.set(item.name.toLowerCase(), version);
      }
    } catch {
      // reported with that file
    }
  }
  const list = new NugetPackageList(input.content, input.path);
  const notes: string[] = [];
  for (const item of project.items) {
    const name = expandProperties(item.name, project.properties) ?? item.name;
    const ownVersion = item.versionOverride || item.version;
    const written = ownVersion ? expandProperties(ownVersion, project.properties) : central.get(name.toLowerCase());
    if (written === undefined) {
      const why = ownVersion ? UNDEFINED_PROPERTY
        : centralFile ? `it has no version, and ${centralFile} gives none` : `it has no version, and no ${CENTRAL_VERSIONS} in its folder or above gives one`;
      notes.push(unresolvedNote(name, why));
      continue;
    }
    const version = restoredVersion(written);
    if (version === undefined) {
      notes.push(unresolvedNote(name, NO_SINGLE_VERSION));
      continue;
    }
    list.add(item.element, name, version, item.privateAll);
  }
  return { packages: list.list(), notes };
}
