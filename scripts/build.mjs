// Bundles the four entry points with esbuild. Run by `npm run build` and by `prepare`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

// jsonc-parser's UMD build requires its own files at run time, which a bundle cannot follow: use its ES build.
const alias = { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' };
// The CycloneDX library's optional XML and validation plugins, loaded only if present: never bundled.
const optional = ['xmlbuilder2', 'libxmljs2', 'ajv-formats-draft2019'];
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: true, logLevel: 'warning', alias };
const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js' },
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js' },
  { in: 'server/src/engine/index.ts', out: 'dist/engine.js' },
];
await Promise.all(entries.map(e => build({ ...common, entryPoints: [e.in], outfile: e.out, external: [...optional, ...e.external ?? []] })));

// The SPDX license texts the license classifier reads at run time (5 MB, loaded only for --license-full).
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/spdx-license-list/spdx-full.json', 'dist/spdx-full.json');
