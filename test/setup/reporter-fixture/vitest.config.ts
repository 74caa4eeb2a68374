import { defineConfig } from "vitest/config";

// A tiny project for summary-reporter.test.ts: a passing file, a beforeAll that throws, a file
// that throws at import and (with FIXTURE_GLOBAL_SETUP=1) a globalSetup that throws.
export default defineConfig({
  test: {
    reporters: ["../summary-reporter.ts"],
    include: ["*.fixture.ts"],
    globalSetup: process.env.FIXTURE_GLOBAL_SETUP === "1" ? ["./global-setup.ts"] : [],
  },
});
