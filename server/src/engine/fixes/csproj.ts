// *.csproj (and *.fsproj, *.vbproj) as a manifest: each `<PackageReference>` is a direct
// dependency, bumped where the project writes its version. A reference whose version is central
// (Directory.Packages.props) is listed, with no version to bump here: that file is fixed itself.
import { nugetManifest } from './msbuild';

export const csprojManifest = nugetManifest({
  fileNames: ['*.csproj', '*.fsproj', '*.vbproj'],
  what: 'project file',
  itemKinds: ['PackageReference'],
  lists: () => true,
});
