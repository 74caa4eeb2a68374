export type ResultShape =
  | { kind: "row" }
  | { kind: "ranked"; label: string; by: string }
  | { kind: "series"; time: string; value: string }
  | { kind: "alert" };
