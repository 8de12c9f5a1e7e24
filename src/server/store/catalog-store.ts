// The store's catalogue, written once over the SQL port: settings, publishers, projects,
// kernels, volunteers and sites, the records the work refers to. SqlStore (./sql-store.ts)
// adds the work itself (batches, leases, results, the ledger) on top of it.
import type { ProjectInfo, VolunteerInfo } from '../../protocol/api.js';
import { decodeDescription, encodeDescription } from './project-description.js';
import { storableText, type SqlBackend } from './sql.js';
import type { KernelRow, ProjectRow, SiteRow, VolunteerRow } from './store.js';
import { unitCounts } from './views.js';

export class SqlCatalog {
  constructor(readonly sql: SqlBackend) {}

  async health(): Promise<void> {
    await this.sql.get('SELECT 1 AS ok');
  }

  async setting(name: string): Promise<string | undefined> {
    return (await this.sql.get<{ value: string }>('SELECT value FROM settings WHERE name = ?', [name]))?.value;
  }

  async settingOnce(name: string, make: () => string): Promise<string> {
    const existing = await this.setting(name);
    if (existing !== undefined) return existing;
    await this.sql.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [name, make()]);
    return (await this.setting(name))!;
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.sql.run(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      [name, value],
    );
  }

  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.sql.exclusive(name, fn);
  }

  async createPublisher(id: string, tokenHash: string, now: number): Promise<void> {
    await this.sql.run('INSERT INTO publishers (id, token_hash, created_at) VALUES (?, ?, ?)', [id, tokenHash, now]);
  }

  async findPublisher(tokenHash: string): Promise<string | undefined> {
    return (await this.sql.get<{ id: string }>('SELECT id FROM publishers WHERE token_hash = ?', [tokenHash]))?.id;
  }

  async createProject(
    project: Omit<ProjectRow, 'id' | 'publicResults'> & { publicResults?: boolean },
    preferredId: string,
  ): Promise<string> {
    return this.sql.transaction(async (tx) => {
      let id = preferredId;
      for (let n = 2; await tx.get('SELECT 1 AS taken FROM projects WHERE id = ?', [id]); n++)
        id = `${preferredId}-${n}`;
      await tx.run(
        'INSERT INTO projects (id, name, description, owner, public_results, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          id,
          storableText(project.name),
          encodeDescription(project.description, project.descriptions),
          project.owner,
          project.publicResults ? 1 : 0,
          project.createdAt,
        ],
      );
      return id;
    });
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    const row = await this.sql.get<Omit<ProjectRow, 'publicResults'> & { publicResults: number }>(
      `SELECT id, name, description, owner, public_results AS "publicResults", created_at AS "createdAt"
       FROM projects WHERE id = ?`,
      [id],
    );
    return row && { ...row, ...decodeDescription(row.description), publicResults: row.publicResults === 1 };
  }

  async listProjects(): Promise<ProjectInfo[]> {
    return this.projectInfos('', []);
  }

  async listProjectsOf(owner: string): Promise<ProjectInfo[]> {
    return this.projectInfos('WHERE owner = ?', [owner]);
  }

  /** Projects (all, or those matching `where`) with their unit counts, oldest first. */
  private async projectInfos(where: string, params: string[]): Promise<ProjectInfo[]> {
    const projects = await this.sql.all<Omit<ProjectInfo, 'units' | 'picture'> & { picture: number }>(
      `SELECT id, name, description, public_results AS picture FROM projects ${where} ORDER BY created_at, id`,
      params,
    );
    return Promise.all(
      projects.map(async (p) => ({
        ...p,
        ...decodeDescription(p.description),
        picture: p.picture === 1,
        units: await unitCounts(this.sql, 'WHERE project = ?', [p.id]),
      })),
    );
  }

  async putKernel(kernel: KernelRow, now: number): Promise<void> {
    await this.sql.run(
      'INSERT INTO kernels (hash, abi, size, bytes, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [kernel.hash, kernel.abi, kernel.bytes.length, Buffer.from(kernel.bytes), now],
    );
  }

  async getKernel(hash: string): Promise<KernelRow | undefined> {
    const row = await this.sql.get<{ hash: string; abi: string; bytes: Buffer }>(
      'SELECT hash, abi, bytes FROM kernels WHERE hash = ?',
      [hash],
    );
    return row && { hash: row.hash, abi: row.abi, bytes: new Uint8Array(row.bytes) };
  }

  async registerVolunteer(volunteer: VolunteerRow, secretHash: string, now: number): Promise<void> {
    await this.sql.run(
      'INSERT INTO volunteers (id, secret_hash, name, site, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [volunteer.id, secretHash, storableText(volunteer.name), volunteer.site, volunteer.publicKey, now],
    );
  }

  async findVolunteer(secretHash: string): Promise<VolunteerRow | undefined> {
    return this.sql.get<VolunteerRow>(
      'SELECT id, name, site, public_key AS "publicKey" FROM volunteers WHERE secret_hash = ?',
      [secretHash],
    );
  }

  async volunteerInfo(id: string): Promise<VolunteerInfo | undefined> {
    return this.sql.get<VolunteerInfo>(
      `SELECT id AS volunteer, name, credit, validated, invalid,
         (SELECT COUNT(*) FROM leases WHERE volunteer = v.id AND outcome = 'pending') AS pending
       FROM volunteers v WHERE id = ?`,
      [id],
    );
  }

  async forgetVolunteer(id: string): Promise<void> {
    // The secret and key are replaced by values nobody holds: the record can no longer act.
    await this.sql.run(
      `UPDATE volunteers SET name = 'forgotten', secret_hash = 'forgotten:' || id, public_key = '' WHERE id = ?`,
      [id],
    );
  }

  async createSite(site: SiteRow, now: number): Promise<void> {
    await this.sql.run('INSERT INTO sites (key, name, origins, created_at) VALUES (?, ?, ?, ?)', [
      site.key,
      storableText(site.name),
      JSON.stringify(site.origins),
      now,
    ]);
  }

  async getSite(key: string): Promise<SiteRow | undefined> {
    const row = await this.sql.get<{ key: string; name: string; origins: string }>(
      'SELECT key, name, origins FROM sites WHERE key = ?',
      [key],
    );
    return row && { key: row.key, name: row.name, origins: JSON.parse(row.origins) as string[] };
  }
}
