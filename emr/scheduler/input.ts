import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { usageError } from "../../runtime/errors/index.ts";
import { inputHourPrefixes, type Window } from "../../runtime/windows/index.ts";

/** One raw object as listed: its key below the root, its size and a change tag (ETag or mtime). */
export interface InputObject {
  readonly key: string;
  readonly size: number;
  readonly tag: string;
}

/**
 * The raw event tree (`ROOT/YYYY/MM/DD/HH/<objects>`), local or on S3. The scheduler lists it to
 * fingerprint a window's input (late data) and to find where the data starts.
 */
export interface InputSource {
  /** The root as given, normalised with a trailing `/`. */
  readonly root: string;
  /** The URI the step reads for an hour prefix `YYYY/MM/DD/HH/`. */
  uriOf(prefix: string): string;
  /** Objects below an hour prefix (recursively), in key order; none when it does not exist. */
  list(prefix: string): Promise<InputObject[]>;
  /** The oldest `YYYY/MM/DD/HH/` prefix that exists, or undefined for an empty tree. */
  oldestPrefix(): Promise<string | undefined>;
}

/**
 * `DIR`, `file:///DIR`, `s3://bucket/prefix/` or `s3a://bucket/prefix/`. An S3 root needs a client
 * (from runtime/aws); a local root must exist.
 */
export function inputSource(root: string, s3?: () => S3Client): InputSource {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(root);
  if (m) {
    if (!s3) throw usageError(`input ${root} is on S3 but no AWS client is configured`, "set AWS_REGION");
    const prefix = m[2] === "" || m[2]!.endsWith("/") ? m[2]! : `${m[2]}/`;
    return s3Source(root.startsWith("s3a:") ? "s3a" : "s3", m[1]!, prefix, s3);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(root) && !root.startsWith("file://")) {
    throw usageError(
      `input ${root} is not a directory, file:// or s3:// URI`,
      "pass --input ./raw or s3://bucket/raw/",
    );
  }
  const dir = root.startsWith("file://") ? fileURLToPath(root) : resolve(root);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw usageError(`input directory ${dir} does not exist`, "pass --input the directory ingest writes to");
  }
  return localSource(dir);
}

function localSource(dir: string): InputSource {
  const list = (prefix: string): InputObject[] => {
    const base = join(dir, prefix);
    if (!existsSync(base)) return [];
    const out: InputObject[] = [];
    const walk = (rel: string) => {
      for (const e of readdirSync(join(base, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        // Hidden and temporary files (a writer's `.part`) are not input, as for Hadoop's listing.
        else if (e.isFile() && !e.name.startsWith(".") && !e.name.startsWith("_")) {
          const st = statSync(join(base, r));
          out.push({ key: `${prefix}${r}`, size: st.size, tag: String(Math.trunc(st.mtimeMs)) });
        }
      }
    };
    walk("");
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };
  return {
    root: pathToFileURL(dir).href.replace(/\/?$/, "/"),
    uriOf: (prefix) => pathToFileURL(join(dir, prefix)).href.replace(/\/?$/, "/"),
    list: async (prefix) => list(prefix),
    oldestPrefix: async () => {
      let rel = "";
      for (const digits of [4, 2, 2, 2]) {
        const names = existsSync(join(dir, rel))
          ? readdirSync(join(dir, rel), { withFileTypes: true })
              .filter((e) => e.isDirectory() && new RegExp(`^\\d{${digits}}$`).test(e.name))
              .map((e) => e.name)
              .sort()
          : [];
        if (names.length === 0) return undefined;
        rel += `${names[0]}/`;
      }
      return rel;
    },
  };
}

function s3Source(scheme: "s3" | "s3a", bucket: string, root: string, s3: () => S3Client): InputSource {
  const listAll = async (prefix: string, delimiter?: string) => {
    const objects: InputObject[] = [];
    const dirs: string[] = [];
    let token: string | undefined;
    do {
      const r = await s3().send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: root + prefix,
          ContinuationToken: token,
          ...(delimiter ? { Delimiter: delimiter } : {}),
        }),
      );
      for (const o of r.Contents ?? [])
        objects.push({
          key: o.Key!.slice(root.length),
          size: o.Size ?? 0,
          tag: (o.ETag ?? "").replaceAll('"', ""),
        });
      for (const p of r.CommonPrefixes ?? []) dirs.push(p.Prefix!.slice(root.length + prefix.length));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return { objects, dirs };
  };
  return {
    root: `${scheme}://${bucket}/${root}`,
    uriOf: (prefix) => `${scheme}://${bucket}/${root}${prefix}`,
    list: async (prefix) => (await listAll(prefix)).objects.sort((a, b) => (a.key < b.key ? -1 : 1)),
    oldestPrefix: async () => {
      let rel = "";
      for (const digits of [4, 2, 2, 2]) {
        const names = (await listAll(rel, "/")).dirs
          .map((d) => d.replace(/\/$/, ""))
          .filter((d) => new RegExp(`^\\d{${digits}}$`).test(d))
          .sort();
        if (names.length === 0) return undefined;
        rel += `${names[0]}/`;
      }
      return rel;
    },
  };
}

/** A window's input listing: the URIs its step reads, how many objects they hold, and a fingerprint. */
export interface WindowInput {
  readonly uris: string[];
  readonly objects: number;
  /** sha256 over the sorted `key size tag` lines: changes when an object appears, grows or is rewritten. */
  readonly fingerprint: string;
}

/**
 * Lists the window's arrival-hour prefixes (`inputHourPrefixes`). `cache` shares listings between
 * neighbouring windows of one scheduler tick (they read the same hours).
 */
export async function windowInput(
  src: InputSource,
  w: Window,
  latenessMinutes: number,
  cache: Map<string, Promise<InputObject[]>> = new Map(),
): Promise<WindowInput> {
  const prefixes = inputHourPrefixes(w, latenessMinutes);
  const lists = await Promise.all(
    prefixes.map((p) => {
      let l = cache.get(p);
      if (!l) {
        l = src.list(p);
        cache.set(p, l);
      }
      return l;
    }),
  );
  const all = lists.flat();
  const h = createHash("sha256");
  for (const o of all) h.update(`${o.key}\t${o.size}\t${o.tag}\n`);
  return { uris: prefixes.map((p) => src.uriOf(p)), objects: all.length, fingerprint: h.digest("hex") };
}

/** The window start (aligned to the hour) of a `YYYY/MM/DD/HH/` prefix. */
export function prefixStart(prefix: string): Date {
  const [y, mo, d, h] = prefix.split("/");
  return new Date(`${y}-${mo}-${d}T${h}:00:00.000Z`);
}
