// The `vigil` command line: a thin adapter over the engine. Entry point of dist/cli.js.
import { runDbCommand } from './db';
import { runConfigCommand, runFsCommand } from './fs';
import { runRulesCommand } from './rules';
import { runSbomCommand } from './sbom';
import { UsageError, printErrorLines } from './options';
import { escapeControl } from '../engine/text';
import { VERSION } from '../engine/version';

const HELP = `vigil ${VERSION}: find vulnerable dependencies, misconfigured Dockerfiles, Kubernetes manifests and Terraform, hard-coded secrets and risky licenses

Usage:
  vigil fs [options] PATH          scan a folder (lockfiles and manifests)
  vigil config [options] PATH      check a folder's Dockerfiles, Kubernetes manifests and Terraform (vigil fs --scanners misconfig)
  vigil sbom [options] FILE        check the packages of a CycloneDX or SPDX SBOM for vulnerabilities
  vigil db import [options] PATH…  import OSV all.zip files or folders of OSV JSON/YAML
  vigil db update [options]        download or refresh advisories from an OSV mirror
  vigil db status [options]        show the DB's age, sources and ecosystems
  vigil rules [options]            list the misconfiguration, secret and license rules

SBOMs: \`vigil fs PATH --format cyclonedx\` (or spdx-json) writes one.

Run \`vigil fs --help\` or \`vigil db COMMAND --help\` (or \`vigil help COMMAND\`) for the options.
Not yet available in this version: image, server.
`;

const USAGE = `Usage: vigil fs|config|sbom|db|rules [options]
Run \`vigil --help\` for the commands.
`;

const LATER = new Set(['image', 'server', 'repo', 'rootfs']);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `vigil help fs` is `vigil fs --help`.
  if (command === 'help' && rest.length) return main([...rest, '--help']);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`vigil ${VERSION}\n`);
    return 0;
  }
  if (command === 'fs' || command === 'filesystem') return runFsCommand(rest);
  if (command === 'config') return runConfigCommand(rest);
  if (command === 'sbom') return runSbomCommand(rest);
  if (command === 'db') return runDbCommand(rest);
  if (command === 'rules') return runRulesCommand(rest);
  if (LATER.has(command)) {
    throw new UsageError(`'vigil ${command}' is not available in this version yet; 'vigil fs', 'vigil sbom' and 'vigil db' are.`);
  }
  if (command.startsWith('-')) throw new UsageError(`unknown option '${command}'`, USAGE);
  throw new UsageError(`unknown command '${command}'`, USAGE);
}

/** Runs the CLI and sets the process exit code. */
export function run(argv: string[]): Promise<void> {
  return main(argv).then(
    code => { process.exitCode = code; },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      printErrorLines(message);
      if (error instanceof UsageError && error.usage) process.stderr.write(error.usage);
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
