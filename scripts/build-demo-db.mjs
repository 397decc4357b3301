// Rebuilds demo-db/osv/ from the shared corpus: the real OSV records that name a package used in
// examples/. Run when examples/ changes: `node scripts/build-demo-db.mjs [corpusDir]`.
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';

const corpus = path.resolve(process.argv[2] ?? '../shared/corpus');
const outDir = path.resolve('demo-db/osv');

// PEP 503 for PyPI names, as the engine's normalizePackageName does; exact for npm.
const normalize = (eco, name) => (eco === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name);

function examplePackages() {
  const names = { npm: new Set(), PyPI: new Set() };
  const lock = JSON.parse(fs.readFileSync('examples/node-app/package-lock.json', 'utf8'));
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key) names.npm.add(entry.name ?? key.split('node_modules/').pop());
  }
  // yarn.lock entry keys start a line: `name@range:` (a scoped name starts with `@`).
  for (const line of fs.readFileSync('examples/yarn-app/yarn.lock', 'utf8').split('\n')) {
    if (!line || line[0] === ' ' || line[0] === '#') continue;
    const key = line.replace(/^"/, '');
    names.npm.add(key.slice(0, key.indexOf('@', 1)));
  }
  for (const line of fs.readFileSync('examples/python-app/requirements.txt', 'utf8').split('\n')) {
    const m = /^([A-Za-z0-9._-]+)==/.exec(line.trim());
    if (m) names.PyPI.add(normalize('PyPI', m[1]));
  }
  return names;
}

const wanted = examplePackages();
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
let kept = 0;
for (const eco of Object.keys(wanted)) {
  const entries = unzipSync(fs.readFileSync(path.join(corpus, 'vuln/advisories/osv', eco, 'all.zip')));
  for (const [file, bytes] of Object.entries(entries)) {
    const record = JSON.parse(strFromU8(bytes));
    const hit = (record.affected ?? []).some(
      a => a.package?.ecosystem === eco && wanted[eco].has(normalize(eco, a.package.name)));
    if (hit) {
      fs.writeFileSync(path.join(outDir, file), JSON.stringify(record, null, 1) + '\n');
      kept++;
    }
  }
}
console.log(`demo-db: ${kept} records written to ${path.relative('.', outDir)}`);
