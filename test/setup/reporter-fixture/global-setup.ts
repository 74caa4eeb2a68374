export default async function () {
  throw new Error("global setup failed: no java");
}
