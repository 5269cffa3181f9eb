#!/usr/bin/env node
// The CLI is TypeScript run directly by Node 22's type stripping; this shim gives npm a JavaScript bin.
await import('../src/cli/main.ts');
