import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import type { Source } from "../../types.ts";
import { type SynthOptions, SynthStream, type SynthTruth } from "./generator.ts";

const CHUNK = 1 << 20;

/** The truth sidecar's path for a payload file. */
export const truthPathFor = (file: string): string => `${file}.truth.json`;

/**
 * Writes a synthetic stream to `file`, one message per line terminated by CRLF like the real
 * stream (twitter-api-v2 splits only on `\r\n`), and its truth to `file.truth.json`.
 */
export function writeSynthFile(options: SynthOptions, file: string): SynthTruth {
  const stream = new SynthStream(options);
  const fd = openSync(file, "w");
  try {
    let buf = "";
    for (const line of stream.lines()) {
      buf += `${line}\r\n`;
      if (buf.length >= CHUNK) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    if (buf) writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  const truth = stream.result();
  writeFileSync(truthPathFor(file), `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}

/** The synthetic stream as a live source (no pacing: as fast as the pipeline takes it). */
export function synthSource(options: SynthOptions): Source & { truth(): SynthTruth } {
  const stream = new SynthStream(options);
  return {
    name: "synth",
    truth: () => stream.result(),
    async *messages(signal) {
      for (const line of stream.lines()) {
        if (signal.aborted) return;
        yield line;
      }
    },
  };
}
