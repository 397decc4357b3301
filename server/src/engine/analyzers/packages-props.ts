// NuGet central package management: `Directory.Packages.props` (and the older `Packages.props`)
// holds the versions of the packages the projects below it reference, as
// `<PackageVersion Include="X" Version="1.0"/>`, with `<GlobalPackageReference>` for packages every
// project gets, and `<PackageReference>` in older files. Each is a direct dependency at the
// version NuGet restores for what is written. Versions held in a property of the file are read;
// a property defined elsewhere (Directory.Build.props, the command line) is named in a note, as
// is a floating version, and the package is left out.
import type { Analyzer } from '../types';
import { expandProperties, NugetPackageList, readMsbuildProject, restoredVersion } from './msbuild-items';

export const packagesPropsAnalyzer: Analyzer = {
  id: 'packages-props',
  type: 'packages-props',
  scanner: 'vuln',
  ecosystem: 'NuGet',
  fileNames: ['Directory.Packages.props', 'Packages.props', 'packages.props'],
  inlineIgnores: false,
  trivyParser: 'nuget/packagesprops',
  fixes: 'none',
  analyze: input => parsePackagesProps(input.content, input.path),
};

const ITEM_KINDS = ['PackageVersion', 'GlobalPackageReference', 'PackageReference'];

export function parsePackagesProps(content: string, file: string) {
  const project = readMsbuildProject(content, 'Directory.Packages.props', ITEM_KINDS);
  const list = new NugetPackageList(content, file);
  const notes: string[] = [];
  for (const item of project.items) {
    const name = expandProperties(item.name, project.properties);
    const written = item.version === undefined ? undefined : expandProperties(item.version, project.properties);
    if (item.version === undefined || item.version === '') continue; // a PackageReference that takes its version from here
    const version = written === undefined ? undefined : restoredVersion(written);
    if (name === undefined || version === undefined) {
      notes.push(unresolvedNote(name ?? item.name, written === undefined || name === undefined ? UNDEFINED_PROPERTY : NO_SINGLE_VERSION));
      continue;
    }
    list.add(item.element, name, version, item.privateAll);
  }
  return { packages: list.list(), notes };
}

export const UNDEFINED_PROPERTY = 'its version is a property this file does not define';
export const NO_SINGLE_VERSION = 'its version is floating or a range without a lowest version';

export function unresolvedNote(name: string, why: string): string {
  return `${name} was not checked: ${why}`;
}
