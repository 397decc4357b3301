// The `vigil` command line: a thin adapter over the engine. Entry point of dist/cli.js.
import { runDbCommand } from './db';
import { runFsCommand } from './fs';
import { UsageError, printMessage } from './options';
import { escapeControl } from '../engine/text';
import { VERSION } from '../engine/version';

const HELP = `vigil ${VERSION}: find vulnerable dependencies, misconfigurations, secrets and risky licenses

Usage:
  vigil fs [options] PATH          scan a folder (lockfiles and manifests)
  vigil db import [options] PATH…  import OSV all.zip files or folders of OSV JSON/YAML
  vigil db update [options]        download or refresh advisories from an OSV mirror
  vigil db status [options]        show the DB's age, sources and ecosystems

Run \`vigil fs --help\` or \`vigil db --help\` for the options.
Not yet available in this version: config, image, sbom, server.
`;

const LATER = new Set(['config', 'image', 'sbom', 'server', 'repo', 'rootfs']);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`vigil ${VERSION}\n`);
    return 0;
  }
  if (command === 'fs' || command === 'filesystem') return runFsCommand(rest);
  if (command === 'db') return runDbCommand(rest);
  if (LATER.has(command)) {
    throw new UsageError(`'vigil ${command}' is not available in this version yet; 'vigil fs' and 'vigil db' are.`);
  }
  throw new UsageError(`unknown command '${command}'. Run 'vigil --help'.`);
}

/** Runs the CLI and sets the process exit code. */
export function run(argv: string[]): Promise<void> {
  return main(argv).then(
    code => { process.exitCode = code; },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      printMessage(message);
      if (process.env.VIGIL_DEBUG && error instanceof Error) process.stderr.write(`${(error.stack ?? '').split('\n').map(escapeControl).join('\n')}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}

// A reader that stops early (`vigil fs . | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

if (require.main === module) void run(process.argv.slice(2));
