import type BetterSqlite3 from 'better-sqlite3';

/**
 * The schema as text for review: every table, index and trigger from sqlite_master, sorted by type
 * then name, each statement trimmed, without trailing spaces or blank lines, and a `;` at the end. The migration
 * tables are included (their shape is part of what a migration run leaves behind).
 */
export function dumpSqliteSchema(raw: BetterSqlite3.Database): string {
  const rows = raw
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name`)
    .all() as { type: string; name: string; sql: string }[];
  return rows.map((r) => `${normalize(r.sql)};\n`).join('\n');
}

function normalize(sqlText: string): string {
  return sqlText.trim().split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').join('\n');
}
