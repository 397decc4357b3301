// go.mod as a manifest, read with the go-mod analyzer's line reader: every `require` (the
// `// indirect` ones too: go.mod declares them, so they are bumped in place), under the name and
// version a `replace` gives it, as the analyzer reports it; and the Go toolchain as `stdlib`.
//
// A bump writes `v` and the version on the line that decides it: the `replace` line of a replaced
// module, else its `require` line. `stdlib` is bumped on the `toolchain` line, which is added
// after the `go` line where there is none, as `go get toolchain@go1.X.Y` does: the toolchain line
// only chooses what builds this module, while raising the `go` line would raise the minimum Go
// version of every module that depends on this one.
//
// A module go.mod does not require (one only go.sum names, before Go 1.17) is forced with
// `replace path => path vX.Y.Z`; `go mod tidy` then rewrites go.sum.
import { isIndirect, readDirectives, replaceOf, toolchainFromGoLine, toolchainFromName, type Directive, type Replace, type Token } from '../analyzers/go-mod';
import { compareGo } from '../versions/go';
import type { TextEditAt } from './edits';
import type { BumpEdit, ManifestDependency, ManifestFormat, OverrideEdit } from './manifests';

interface Declaration extends ManifestDependency {
  /** The token that holds the version in effect. */
  versionToken?: Token;
}

interface GoMod {
  directives: Directive[];
  requires: Directive[];
  replaces: Replace[];
  /** The replaces by the module path they replace. */
  replacesOf: Map<string, Replace[]>;
}

function readGoMod(text: string): GoMod | undefined {
  try {
    const directives = readDirectives(text);
    const requires = directives.filter(directive => directive.verb === 'require' && directive.args.length === 2);
    const replaces = directives.filter(directive => directive.verb === 'replace').map(replaceOf);
    const replacesOf = new Map<string, Replace[]>();
    for (const replace of replaces) {
      const same = replacesOf.get(replace.old.text);
      if (same) same.push(replace);
      else replacesOf.set(replace.old.text, [replace]);
    }
    return { directives, requires, replaces, replacesOf };
  } catch {
    return undefined;
  }
}

/** The replace that applies to a require, as the analyzer applies them: by path, and by version when it names one. */
function replaceFor(goMod: GoMod, require: Directive): Replace | undefined {
  const [path, version] = require.args;
  return goMod.replacesOf.get(path.text)?.find(replace => !replace.oldVersion || replace.oldVersion.text === version.text);
}

function declarations(goMod: GoMod): Declaration[] {
  const found: Declaration[] = [];
  for (const require of goMod.requires) {
    const [path, version] = require.args;
    const replace = replaceFor(goMod, require);
    if (replace && !replace.version) continue; // a local directory: the user's own code
    const effective = replace ? { name: replace.replacement.text, versionToken: replace.version! } : { name: path.text, versionToken: version };
    found.push({
      ...effective, spec: effective.versionToken.text, section: isIndirect(require.comment) ? 'require // indirect' : 'require',
      offset: path.start, length: version.end - path.start,
    });
  }
  const toolchain = toolchainDeclaration(goMod);
  if (toolchain) found.push(toolchain);
  return found.sort((a, b) => a.offset - b.offset);
}

/** `stdlib`, as the analyzer reads it: the `toolchain` line, else a `go` line of 1.21 or later. */
function toolchainDeclaration(goMod: GoMod): Declaration | undefined {
  const toolchain = goMod.directives.find(directive => directive.verb === 'toolchain' && directive.args.length === 1);
  const go = goMod.directives.find(directive => directive.verb === 'go' && directive.args.length === 1);
  const version = toolchain ? toolchainFromName(toolchain.args[0].text) : go && toolchainFromGoLine(go.args[0].text);
  const directive = toolchain ?? go;
  if (!version || !directive) return undefined;
  const token = directive.args[0];
  return { name: 'stdlib', spec: `v${version}`, section: directive.verb, offset: token.start, length: token.end - token.start, versionToken: toolchain?.args[0] };
}

const withV = (version: string) => (version.startsWith('v') ? version : `v${version}`);

export const goModManifest: ManifestFormat = {
  fileNames: ['go.mod'],
  ecosystem: 'Go',
  list(text) {
    const goMod = readGoMod(text);
    return goMod ? declarations(goMod).map(({ versionToken: _, ...dependency }) => dependency) : [];
  },
  bump(text, name, version): BumpEdit | undefined {
    const goMod = readGoMod(text);
    if (!goMod) return undefined;
    if (name === 'stdlib') return bumpToolchain(goMod, text, version);
    const spec = withV(version);
    const edits: TextEditAt[] = [];
    for (const declaration of declarations(goMod)) {
      const token = declaration.versionToken;
      if (declaration.name !== name || !token || compareGo(token.text, spec) >= 0) continue;
      if (!edits.some(edit => edit.offset === token.start)) edits.push({ offset: token.start, length: token.end - token.start, newText: spec });
    }
    return edits.length > 0 ? { edits, spec } : undefined;
  },
  override(text, name, _installed, version): OverrideEdit | undefined {
    const goMod = readGoMod(text);
    // A required module is bumped; one that a replace already names is left to the user.
    if (!goMod || goMod.requires.some(require => require.args[0].text === name) || goMod.replacesOf.has(name)) return undefined;
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const lead = text === '' || text.endsWith('\n') ? '' : newline;
    return { field: 'replace', edits: [{ offset: text.length, length: 0, newText: `${lead}replace ${name} => ${name} ${withV(version)}${newline}` }] };
  },
};

/** `toolchain go1.X.Y`: the toolchain line rewritten, or added after the `go` line. */
function bumpToolchain(goMod: GoMod, text: string, version: string): BumpEdit | undefined {
  const current = toolchainDeclaration(goMod);
  const target = version.replace(/^v/, '');
  if (!current || compareGo(current.spec, `v${target}`) >= 0) return undefined;
  const spec = `go${target}`;
  if (current.versionToken) return { spec, edits: [{ offset: current.versionToken.start, length: current.versionToken.end - current.versionToken.start, newText: spec }] };
  const go = goMod.directives.find(directive => directive.verb === 'go')!;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { spec, edits: [{ offset: go.lineEnd, length: 0, newText: `${newline}${newline}toolchain ${spec}` }] };
}
