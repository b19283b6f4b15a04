import type { CommandDefinition } from '../command.js';
import { recordCommand } from './record.js';
import { runCommand } from './run.js';
import { sendCommand } from './send.js';
import { serveCommand } from './serve.js';

/** Every subcommand of `smtp`, in the order `smtp --help` lists them. */
export const commands: readonly CommandDefinition[] = [runCommand, serveCommand, sendCommand, recordCommand];
