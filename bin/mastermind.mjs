#!/usr/bin/env node
// The `mastermind` command: runs the TypeScript CLI (bin/mastermind.ts) through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('./mastermind.ts');
