import { mkdirSync, readdirSync, statSync } from "node:fs";
import { type FileHandle, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

/** A sealed spool file waiting to be replayed; `offset` bytes of it are already delivered. */
export interface SpoolSegment {
  readonly path: string;
  readonly data: Buffer;
  offset: number;
}

/**
 * The durable local overflow for a destination that stays unavailable: complete NDJSON lines
 * appended to segment files and fsynced before `append` resolves, so data the source handed over
 * survives a crash or a long outage. Segments are replayed oldest first and deleted once every
 * line in them is delivered. Files from an earlier run are picked up by the next one.
 */
export class Spool {
  private active: { path: string; fh: FileHandle; bytes: number } | undefined;
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Replay progress of segments this process has started, so a retry does not resend. */
  private readonly progress = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly segmentBytes = 8 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Appends complete lines (one or more records) and fsyncs. Appends are serialised. */
  append(records: readonly Uint8Array[]): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.active || this.active.bytes >= this.segmentBytes) await this.rotate();
      const a = this.active!;
      await a.fh.writev(records as Uint8Array[]);
      await a.fh.datasync();
      for (const r of records) a.bytes += r.byteLength;
    });
    this.chain = next.catch(() => {});
    return next;
  }

  /** Bytes waiting in the spool (sealed and active segments, minus what was replayed). */
  pendingBytes(): number {
    let n = 0;
    for (const f of this.files()) {
      const p = join(this.dir, f);
      try {
        n += statSync(p).size - (this.progress.get(p) ?? 0);
      } catch {
        /* replayed and removed meanwhile */
      }
    }
    return n;
  }

  isEmpty(): boolean {
    return this.pendingBytes() === 0;
  }

  /** The oldest segment with its content; the active one is sealed first so appends move on. */
  async oldest(): Promise<SpoolSegment | undefined> {
    // Sealing runs in the append chain, so it never closes a file an append is writing.
    const sealed = this.chain.then(async () => {
      const first = this.files()[0];
      if (first === undefined) return undefined;
      const path = join(this.dir, first);
      if (this.active?.path === path) await this.seal();
      return path;
    });
    this.chain = sealed.then(
      () => {},
      () => {},
    );
    const path = await sealed;
    if (path === undefined) return undefined;
    const data = await readFile(path);
    return { path, data, offset: this.progress.get(path) ?? 0 };
  }

  /** Records how far a segment is delivered; removes it when all of it is. */
  async delivered(seg: SpoolSegment, offset: number): Promise<void> {
    seg.offset = offset;
    if (offset >= seg.data.length) {
      this.progress.delete(seg.path);
      await unlink(seg.path).catch(() => {});
    } else {
      this.progress.set(seg.path, offset);
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.seal();
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.startsWith("spool-") && f.endsWith(".ndjson"))
      .sort();
  }

  private async rotate(): Promise<void> {
    await this.seal();
    // Names sort by creation time, so replay is oldest first across runs.
    const name = `spool-${String(Date.now()).padStart(15, "0")}-${process.pid}-${String(this.seq++).padStart(6, "0")}.ndjson`;
    const path = join(this.dir, name);
    this.active = { path, fh: await open(path, "a"), bytes: 0 };
  }

  private async seal(): Promise<void> {
    const a = this.active;
    this.active = undefined;
    if (a) await a.fh.close();
  }
}

/**
 * Splits spooled bytes into complete lines from `offset`. A trailing fragment without `\n` can
 * only come from a crash in the middle of an append; it is returned separately so the caller
 * can report it instead of sending half a record.
 */
export function spooledLines(
  data: Buffer,
  offset: number,
): { lines: string[]; ends: number[]; fragment: number } {
  const lines: string[] = [];
  const ends: number[] = [];
  let start = offset;
  for (let i = data.indexOf(10, start); i !== -1; i = data.indexOf(10, start)) {
    lines.push(data.toString("utf8", start, i + 1));
    ends.push(i + 1);
    start = i + 1;
  }
  return { lines, ends, fragment: data.length - start };
}
