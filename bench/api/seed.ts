import Database from 'better-sqlite3';

/** Columns of `table` except a rowid alias (a lone INTEGER PRIMARY KEY), which SQLite numbers itself. */
function columnsOf(db: Database.Database, table: string): string[] {
  const columns = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as { name: string; type: string; pk: number }[];
  const keys = columns.filter((c) => c.pk > 0);
  const rowid = keys.length === 1 && keys[0]!.type.toUpperCase() === 'INTEGER' ? keys[0]!.name : undefined;
  return columns.map((c) => c.name).filter((name) => name !== rowid);
}

const insertRow = (db: Database.Database, table: string, columns: string[]) =>
  db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);

/** Copies the rows of `table` that belong to run `@templateId` to run `@runId`. */
const copyRunRows = (db: Database.Database, table: string) => {
  const columns = columnsOf(db, table);
  const values = columns.map((c) => (c === 'run_id' ? '@runId' : c));
  return db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${table} WHERE run_id = @templateId`);
};

/**
 * Fills the store with `projects × perProject` runs, all copies of run #1 of project `name` (a real
 * run the server executed: plan, jobs, steps, timestamps): #2…#perProject of that project, then
 * projects `<name>-2`… (copies of its row) with #1…#perProject each. One transaction of bulk SQL —
 * through the store API it would be one fsync'd transaction per write. Every 10th run is a
 * `failure`; run n is (perProject − n) minutes older than the template, so the history looks
 * plausible and stays inside the default retention (90 days, 500 runs per project: the server
 * prunes at start). Columns come from the schema, so migrations that add some do not break this.
 * The server must not be running.
 */
export function fillStore(file: string, name: string, projects: number, perProject: number): void {
  const db = new Database(file);
  try {
    const project = db.prepare('SELECT * FROM projects WHERE name = ?').get(name) as Record<string, unknown> & { id: number };
    const template = db.prepare('SELECT * FROM runs WHERE project_id = ? AND number = 1').get(project.id) as Record<string, unknown> & { id: number };
    if (!template) throw new Error(`project ${name} has no run #1`);
    const insertProject = insertRow(db, 'projects', columnsOf(db, 'projects'));
    const insertRun = insertRow(db, 'runs', columnsOf(db, 'runs'));
    const copyJobs = copyRunRows(db, 'jobs');
    const copySteps = copyRunRows(db, 'steps');
    const older = (value: unknown, ms: number) => (typeof value === 'number' ? value - ms : value);
    db.transaction(() => {
      const projectIds = [project.id];
      for (let k = 2; k <= projects; k++) {
        projectIds.push(Number(insertProject.run({ ...project, name: `${name}-${k}` }).lastInsertRowid));
      }
      for (const projectId of projectIds) {
        for (let number = projectId === project.id ? 2 : 1; number <= perProject; number++) {
          const ms = (perProject - number) * 60_000;
          const runId = insertRun.run({
            ...template, project_id: projectId, number, status: number % 10 === 0 ? 'failure' : template.status,
            created_at: older(template.created_at, ms), started_at: older(template.started_at, ms),
            finished_at: older(template.finished_at, ms), updated_at: older(template.updated_at, ms),
          }).lastInsertRowid;
          copyJobs.run({ runId, templateId: template.id });
          copySteps.run({ runId, templateId: template.id });
        }
        db.prepare('UPDATE projects SET last_run_number = ? WHERE id = ?').run(perProject, projectId);
      }
    })();
  } finally {
    db.close();
  }
}
