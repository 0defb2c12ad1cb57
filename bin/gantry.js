#!/usr/bin/env node
// The `gantry` command. Sources are TypeScript run through tsx's loader; registering it costs a
// few tens of milliseconds, and commands load their modules lazily (see src/cli/main.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// Exit explicitly: a finished command must not linger on a stray handle. stdout/stderr writes to
// pipes and files are synchronous on Linux, so nothing written is lost.
process.exit(code);
