export {
  type ArtifactFile,
  collectArtifacts,
  GENERATED_DIR,
  type HashedFile,
  hashFiles,
  LIVE_SCRIPT_KEY,
  PLAN_KEY,
  RUNTIME_ZIP_KEY,
  runtimeZip,
  STEP_SCRIPT_KEY,
} from "./files.ts";
export {
  ARTIFACTS_PREFIX,
  type ArtifactLocation,
  locateArtifacts,
  MANIFEST_KEY,
  planFor,
  type UploadResult,
  uploadArtifacts,
} from "./upload.ts";
