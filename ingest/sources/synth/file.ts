import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import type { Source } from "../../types.ts";
import { type SynthOptions, SynthStream, type SynthTruth } from "./generator.ts";

const CHUNK = 1 << 20;

/** The truth sidecar's path for a payload file. */
export const truthPathFor = (file: string): string => `${file}.truth.json`;

/** The truth sidecar's text (what `trends synth --json` prints too). */
export const truthText = (truth: SynthTruth): string => `${JSON.stringify(truth, null, 2)}\n`;

/**
 * Writes a synthetic stream to `file`, one message per line terminated by CRLF like the real
 * stream (twitter-api-v2 splits only on `\r\n`), and its truth to `file.truth.json`.
 */
export function writeSynthFile(options: SynthOptions, file: string): SynthTruth {
  const stream = new SynthStream(options);
  // Written beside the target and renamed into place: a failure (disk full, a bug) leaves neither
  // an empty nor a half-written file, and an existing file stays as it was.
  const tmp = `${file}.${process.pid}.partial`;
  const truthTmp = `${truthPathFor(file)}.${process.pid}.partial`;
  try {
    const fd = openSync(tmp, "wx");
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
    writeFileSync(truthTmp, truthText(truth));
    renameSync(tmp, file);
    renameSync(truthTmp, truthPathFor(file));
    return truth;
  } catch (e) {
    rmSync(tmp, { force: true });
    rmSync(truthTmp, { force: true });
    throw e;
  }
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
