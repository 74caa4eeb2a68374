#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so a checkout needs no build step:
// `npx trends …` works right after `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
