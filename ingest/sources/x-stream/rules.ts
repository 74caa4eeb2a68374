import type { TwitterApi } from "twitter-api-v2";
import { xApiError } from "./client.ts";

/** A filtered-stream rule; its tag is the topic the metrics group by. */
export interface StreamRule {
  id: string;
  value: string;
  tag?: string | undefined;
}

export interface RuleChange {
  /** Rules created (empty on a dry run). */
  rules: StreamRule[];
  created: number;
  notCreated: number;
  deleted: number;
  notDeleted: number;
  dryRun: boolean;
  /** X's reasons for rules it refused (invalid syntax, duplicates). */
  errors: string[];
}

/** The stream's rules (`GET /2/tweets/search/stream/rules`). */
export async function listRules(client: TwitterApi): Promise<StreamRule[]> {
  try {
    const r = await client.v2.streamRules();
    return (r.data ?? []).map(({ id, value, tag }) => ({ id, value, ...(tag === undefined ? {} : { tag }) }));
  } catch (e) {
    throw xApiError(e, "listing stream rules");
  }
}

/** Adds rules; with `dryRun`, X only validates them (`dry_run=true`). */
export async function addRules(
  client: TwitterApi,
  rules: readonly { value: string; tag?: string | undefined }[],
  dryRun = false,
): Promise<RuleChange> {
  try {
    const add = rules.map(({ value, tag }) => (tag === undefined ? { value } : { value, tag }));
    const r = await client.v2.updateStreamRules({ add }, { dry_run: dryRun });
    const meta = r.meta as { summary?: { created?: number; not_created?: number } };
    const data = "data" in r && Array.isArray(r.data) ? r.data : [];
    return {
      rules: data.map(({ id, value, tag }) => ({ id, value, ...(tag === undefined ? {} : { tag }) })),
      created: meta.summary?.created ?? 0,
      notCreated: meta.summary?.not_created ?? 0,
      deleted: 0,
      notDeleted: 0,
      dryRun,
      errors: errorsOf(r),
    };
  } catch (e) {
    throw xApiError(e, "adding stream rules");
  }
}

/** Deletes rules by id. */
export async function deleteRules(
  client: TwitterApi,
  ids: readonly string[],
  dryRun = false,
): Promise<RuleChange> {
  try {
    const r = await client.v2.updateStreamRules({ delete: { ids: [...ids] } }, { dry_run: dryRun });
    const meta = r.meta as { summary?: { deleted?: number; not_deleted?: number } };
    return {
      rules: [],
      created: 0,
      notCreated: 0,
      deleted: meta.summary?.deleted ?? 0,
      notDeleted: meta.summary?.not_deleted ?? 0,
      dryRun,
      errors: errorsOf(r),
    };
  } catch (e) {
    throw xApiError(e, "deleting stream rules");
  }
}

function errorsOf(r: unknown): string[] {
  const errors = (r as { errors?: { title?: string; detail?: string; value?: string }[] }).errors ?? [];
  return errors.map((e) =>
    [e.title, e.value ? `"${e.value}"` : undefined, e.detail].filter(Boolean).join(": "),
  );
}
