// LSP integration: the real server over stdio bumps a vulnerable package from a quick-fix in
// composer.json, a .csproj, Directory.Packages.props and pom.xml (a version held in a property),
// and the file written to disk holds the new version. The DB is imported from the demo's real
// OSV records, where jQuery 3.4.1 is vulnerable in every one of these ecosystems (fixed in 3.5.0).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT } from './client';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';

const message = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

const FILES: Record<string, string> = {
  'php-app/composer.json': `{
    "name": "acme/site",
    "require": {
        "php": ">=7.4",
        "components/jquery": "^3.4"
    }
}
`,
  'php-app/composer.lock': `{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "00000000000000000000000000000000",
    "packages": [
        {
            "name": "components/jquery",
            "version": "3.4.1",
            "type": "component",
            "license": ["MIT"]
        }
    ],
    "packages-dev": []
}
`,
  'dotnet-app/Web.csproj': `<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="jQuery" Version="3.4.1" />
  </ItemGroup>
</Project>
`,
  'dotnet-central/Directory.Packages.props': `<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="jQuery" Version="[3.4.1]" />
  </ItemGroup>
</Project>
`,
  'java-app/pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>site</artifactId>
  <version>1.0.0</version>
  <properties>
    <jquery.version>3.4.1</jquery.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.webjars.npm</groupId>
      <artifactId>jquery</artifactId>
      <version>\${jquery.version}</version>
    </dependency>
  </dependencies>
</project>
`,
  'java-app/module/pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>site</artifactId>
    <version>1.0.0</version>
  </parent>
  <artifactId>module</artifactId>
  <dependencies>
    <dependency>
      <groupId>org.webjars.npm</groupId>
      <artifactId>jquery</artifactId>
      <version>\${jquery.version}</version>
    </dependency>
  </dependencies>
</project>
`,
};

describe('lsp: version bumps in composer.json, *.csproj, Directory.Packages.props and pom.xml', function () {
  this.timeout(60000);
  let tmp: string;
  let workspace: string;
  let client: LspTestClient;
  const file = (relPath: string) => path.join(workspace, ...relPath.split('/'));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-bumps-'));
    workspace = path.join(tmp, 'ws');
    for (const [relPath, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(file(relPath)), { recursive: true });
      fs.writeFileSync(file(relPath), text);
    }
    const cacheDir = path.join(tmp, 'cache');
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The diagnostic on the first line of `relPath` that includes `lineText`. */
  function diagnosticOn(relPath: string, lineText: string): Diagnostic {
    const lines = fs.readFileSync(file(relPath), 'utf8').split('\n');
    const diagnostics = client.diagnosticsOf(file(relPath));
    const found = diagnostics.find(d => lines[d.range.start.line].includes(lineText));
    assert.ok(found, `no diagnostic on ${lineText} in ${relPath}:\n${diagnostics.map(message).join('\n')}\n${client.logs.join('\n')}`);
    return found;
  }

  async function quickFixes(relPath: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    return await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pathToFileURL(file(relPath)).href }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
    }) as CodeAction[];
  }

  /** Applies an action's edit to the files on disk, as an editor saving them would, and tells the server. */
  async function applyToDisk(action: CodeAction): Promise<void> {
    const texts = new Map<string, string>();
    const uris = (action.edit!.documentChanges ?? []).flatMap(change => ('textDocument' in change ? [change.textDocument.uri] : []));
    for (const uri of uris) texts.set(uri, fs.readFileSync(new URL(uri), 'utf8'));
    applyWorkspaceEdit(action.edit!, texts);
    for (const [uri, text] of texts) fs.writeFileSync(new URL(uri), text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: uris.map(uri => ({ uri, type: 2 })) });
  }

  const find = (actions: CodeAction[], title: RegExp) => {
    const action = actions.find(a => title.test(a.title));
    assert.ok(action, `no action ${title} among:\n${actions.map(a => a.title).join('\n')}`);
    return action;
  };

  it('summarises the lockfile on composer.json\'s line and bumps the constraint in its notation, from either file', async () => {
    const summary = diagnosticOn('php-app/composer.json', '"components/jquery"');
    assert.match(message(summary), /components\/jquery@3\.4\.1: /);
    find(await quickFixes('php-app/composer.json', summary), /^Update components\/jquery to \^3\.5\.0 \(fixes \d+\)$/);

    const locked = diagnosticOn('php-app/composer.lock', '"components/jquery"');
    const bump = find(await quickFixes('php-app/composer.lock', locked), /^Update components\/jquery to \^3\.5\.0 in php-app\/composer\.json \(fixes \d+\)$/);
    await applyToDisk(bump);
    assert.equal(fs.readFileSync(file('php-app/composer.json'), 'utf8'), FILES['php-app/composer.json'].replace('"^3.4"', '"^3.5.0"'));
  });

  it('bumps the Version attribute of a .csproj in place', async () => {
    const actions = await quickFixes('dotnet-app/Web.csproj', diagnosticOn('dotnet-app/Web.csproj', 'Include="jQuery"'));
    const cleared = client.nextDiagnostics(file('dotnet-app/Web.csproj'), p => p.diagnostics.length === 0);
    await applyToDisk(find(actions, /^Update jQuery to 3\.5\.0 in dotnet-app\/Web\.csproj \(fixes \d+\)$/));
    assert.equal(fs.readFileSync(file('dotnet-app/Web.csproj'), 'utf8'), FILES['dotnet-app/Web.csproj'].replace('Version="3.4.1"', 'Version="3.5.0"'));
    await cleared;
  });

  it('bumps an exact version in Directory.Packages.props, keeping its brackets', async () => {
    const relPath = 'dotnet-central/Directory.Packages.props';
    const actions = await quickFixes(relPath, diagnosticOn(relPath, 'Include="jQuery"'));
    const cleared = client.nextDiagnostics(file(relPath), p => p.diagnostics.length === 0);
    await applyToDisk(find(actions, /^Update jQuery to \[3\.5\.0\] in dotnet-central\/Directory\.Packages\.props \(fixes \d+\)$/));
    assert.equal(fs.readFileSync(file(relPath), 'utf8'), FILES[relPath].replace('Version="[3.4.1]"', 'Version="[3.5.0]"'));
    await cleared;
  });

  it('says why a module\'s pom.xml has no bump when its version is a property of the parent POM', async () => {
    const actions = await quickFixes('java-app/module/pom.xml', diagnosticOn('java-app/module/pom.xml', '<artifactId>jquery</artifactId>'));
    const disabled = find(actions, /^Update org\.webjars\.npm:jquery to 3\.5\.0 in java-app\/module\/pom\.xml/);
    assert.equal(disabled.edit, undefined);
    assert.match(disabled.disabled!.reason, /property jquery\.version, which this POM does not define \(a parent POM does\)/);
  });

  it('bumps a pom.xml version held in a property at the property', async () => {
    const actions = await quickFixes('java-app/pom.xml', diagnosticOn('java-app/pom.xml', '<artifactId>jquery</artifactId>'));
    const cleared = client.nextDiagnostics(file('java-app/pom.xml'), p => p.diagnostics.length === 0);
    await applyToDisk(find(actions, /^Update org\.webjars\.npm:jquery to 3\.5\.0 in java-app\/pom\.xml \(fixes \d+\)$/));
    assert.equal(fs.readFileSync(file('java-app/pom.xml'), 'utf8'),
      FILES['java-app/pom.xml'].replace('<jquery.version>3.4.1</jquery.version>', '<jquery.version>3.5.0</jquery.version>'));
    await cleared;
  });
});
