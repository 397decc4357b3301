// Directory.Packages.props (NuGet central package management) as a manifest: each
// `<PackageVersion>` (and `<GlobalPackageReference>`, and an older file's `<PackageReference>`
// with a version) declares a direct dependency of the projects below it, bumped in place.
import { nugetManifest } from './msbuild';

export const packagesPropsManifest = nugetManifest({
  fileNames: ['Directory.Packages.props', 'Packages.props', 'packages.props'],
  what: 'Directory.Packages.props',
  itemKinds: ['PackageVersion', 'GlobalPackageReference', 'PackageReference'],
  lists: item => !!item.version,
});
