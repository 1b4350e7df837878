// The headless CLI's one entry point (built with `vite build --ssr src/cli/main.ts`, run with
// node): `node dist-cli/main.js <command> [options]`. Each command exports main(argv, io).
import { main as bench } from './bench';
import { isEntryPoint, processIo, type CliIo } from './cli-io';
import { DEBUG_FLAG, runCommand } from './command';
import { main as flops } from './flops';
import { main as presets } from './presets';
import { main as train } from './train';
import { main as compare } from './compare';
import { main as selfcheck } from './selfcheck';
import { main as soak } from './soak';
import { main as sweep } from './sweep';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  flops,
  presets,
  train,
  compare,
  sweep,
  bench,
  soak,
  selfcheck,
};

const USAGE = `usage: main <command> [options]; commands: ${Object.keys(COMMANDS).join(', ')}`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.out(USAGE + '\n');
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    io.err(`${name === undefined ? 'no command given' : `unknown command "${name}"`}\n${USAGE}\n`);
    return 2;
  }
  // Each command maps its own failures; this catches what escapes one (a command added without
  // runCommand) so no raw stack trace reaches the user without --debug.
  return runCommand(rest, io, { name, usage: USAGE }, (args) =>
    command(rest.includes(DEBUG_FLAG) ? [...args, DEBUG_FLAG] : args, io),
  );
}

if (isEntryPoint('main')) process.exitCode = await main(process.argv.slice(2));
