/** PostgreSQL quoting for the generated DDL: the specs' names and texts, always quoted. */
export const q = (id: string): string => `"${id.replaceAll('"', '""')}"`;
export const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;
