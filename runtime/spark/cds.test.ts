import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emrStepConfig } from "../../emr/runners/emr.ts";
import { startJobRunInput } from "../../emr/runners/emr-serverless.ts";
import { type ArchiveRequest, archivePath, classArchive } from "./cds.ts";
import { LOG4J_CONFIG, sparkSubmitArgs } from "./index.ts";

const root = mkdtempSync(join(tmpdir(), "trends-cds-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A JDK as the archive's key sees it: its release file and libjvm.so. */
function fakeJdk(name: string, release = 'JAVA_VERSION="17.0.15"\n'): string {
  const home = join(root, name);
  mkdirSync(join(home, "lib", "server"), { recursive: true });
  writeFileSync(join(home, "release"), release);
  writeFileSync(join(home, "lib", "server", "libjvm.so"), "jvm");
  return home;
}

let dirs = 0;
const request = (o: Partial<ArchiveRequest> = {}): ArchiveRequest => ({
  dir: join(root, `archives-${dirs++}`),
  sparkSubmit: "/s/bin/spark-submit",
  version: "3.5.6",
  jars: ["/j.jar"],
  env: { JAVA_HOME: fakeJdk("jdk17") },
  make: true,
  ...o,
});

describe("the driver's class-data archive", () => {
  it("is one per Spark install, JVM build and jars, and none when no JVM is found", () => {
    const r = request();
    const path = archivePath(r, "/a")!;
    expect(path).toMatch(/^\/a\/spark-3\.5\.6-[0-9a-f]{12}\.jsa$/);
    expect(archivePath(r, "/a")).toBe(path);
    expect(archivePath({ ...r, version: "4.0.2" }, "/a")).not.toBe(path);
    expect(archivePath({ ...r, sparkSubmit: "/other/bin/spark-submit" }, "/a")).not.toBe(path);
    expect(archivePath({ ...r, jars: ["/j.jar", "/hadoop-aws.jar"] }, "/a")).not.toBe(path);
    expect(archivePath({ ...r, env: { JAVA_HOME: fakeJdk("jdk21") } }, "/a")).not.toBe(path);
    const upgraded = { ...r, env: { JAVA_HOME: fakeJdk("jdk17-upgraded") } };
    const before = archivePath(upgraded, "/a");
    fakeJdk("jdk17-upgraded", 'JAVA_VERSION="17.0.16"\n');
    expect(archivePath(upgraded, "/a")).not.toBe(before);
    // spark-class's rule: without JAVA_HOME, the `java` on PATH.
    const bin = join(fakeJdk("jdk-on-path"), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "java"), "#!/bin/sh\n", { mode: 0o755 });
    expect(archivePath({ ...r, env: { PATH: `/nowhere:${bin}` } }, "/a")).toBe(
      archivePath({ ...r, env: { JAVA_HOME: join(root, "jdk-on-path") } }, "/a"),
    );
    expect(archivePath({ ...r, env: { PATH: "/nowhere" } }, "/a")).toBeUndefined();
    expect(classArchive({ ...r, env: { PATH: "/nowhere" } }).options).toBe("");
  });

  it("is made at the exit of the first submit and kept only when it succeeds", () => {
    const r = request();
    const path = archivePath(r, r.dir!)!;
    const failed = classArchive(r);
    const temp = /-XX:ArchiveClassesAtExit=(\S+)/.exec(failed.options)![1]!;
    expect(failed.options).toBe(`-Xlog:cds*=off -XX:ArchiveClassesAtExit=${temp}`);
    expect(temp.startsWith(`${path}.`) && temp.endsWith(".tmp")).toBe(true);
    writeFileSync(temp, "a cut-short archive");
    failed.settle(false);
    expect(readdirSync(r.dir!)).toEqual([]);

    const first = classArchive(r);
    writeFileSync(/-XX:ArchiveClassesAtExit=(\S+)/.exec(first.options)![1]!, "archive");
    first.settle(true);
    expect(readdirSync(r.dir!)).toEqual([path.slice(r.dir!.length + 1)]);
    expect(classArchive(r).options).toBe(`-Xlog:cds*=off -XX:SharedArchiveFile=${path}`);
  });

  it("is made by one of two concurrent first submits; a killed run's temp is removed after an hour", () => {
    const r = request();
    const first = classArchive(r);
    expect(first.options).toContain("-XX:ArchiveClassesAtExit=");
    expect(classArchive(r).options).toBe("");
    const temp = /-XX:ArchiveClassesAtExit=(\S+)/.exec(first.options)![1]!;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(temp, twoHoursAgo, twoHoursAgo);
    const next = classArchive(r);
    expect(next.options).toContain("-XX:ArchiveClassesAtExit=");
    expect(existsSync(temp)).toBe(false);
  });

  it("is ignored when empty, not made by a submit that must not make it, and off with TRENDS_SPARK_CDS=0", () => {
    const r = request();
    mkdirSync(r.dir!, { recursive: true });
    writeFileSync(archivePath(r, r.dir!)!, "");
    expect(classArchive({ ...r, make: false }).options).toBe("");
    expect(classArchive(r).options).toContain("-XX:ArchiveClassesAtExit=");
    expect(classArchive({ ...r, dir: undefined }).options).toBe("");
    expect(classArchive({ ...r, env: { ...r.env, TRENDS_SPARK_CDS: "0" } }).options).toBe("");
  });

  it("goes into the driver's JVM options after the JIT's, before a caller's", () => {
    const args = sparkSubmitArgs({
      script: "s.py",
      args: [],
      jdbcJar: "/j.jar",
      archiveOptions: "-Xlog:cds*=off -XX:SharedArchiveFile=/c/a.jsa",
      conf: { "spark.driver.extraJavaOptions": "-Xlog:class+load=info" },
    });
    expect(args).toContain(
      `spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds*=off -XX:SharedArchiveFile=/c/a.jsa -Dlog4j2.configurationFile=file:${LOG4J_CONFIG} -Xlog:class+load=info`,
    );
  });

  it("never reaches an EMR step or an EMR Serverless job run (their JVMs are not this machine's)", () => {
    const req = {
      window: { start: new Date("2026-11-26T04:15:00Z"), end: new Date("2026-11-26T04:30:00Z") },
      inputs: ["s3://bucket/raw/2026/11/26/04/"],
      jdbcUrl: "jdbc:postgresql://db:5432/trends",
    };
    const artifacts = { stepScript: "s3://b/a/runtime/window_step.py", jdbcJar: "s3://b/a/jars/pg.jar" };
    const emr = emrStepConfig(req, { artifacts }).HadoopJarStep!.Args!.join(" ");
    const serverless = startJobRunInput(req, {
      applicationId: "00abcdef12345678",
      executionRoleArn: "arn:aws:iam::123456789012:role/trends-job",
      artifacts,
    }).jobDriver!.sparkSubmit!.sparkSubmitParameters!;
    for (const submit of [emr, serverless]) {
      expect(submit).toContain("--jars s3://b/a/jars/pg.jar");
      expect(submit).not.toMatch(/extraJavaOptions|-XX:|-Xlog|-Xshare/);
    }
  });
});
