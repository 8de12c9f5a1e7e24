import type { FastifyInstance } from 'fastify';
import { createProjectSchema, type CreateProjectRequest, type CreateProjectResponse } from '../../protocol/api.js';
import { requirePublisher } from '../auth.js';
import type { ServerContext } from '../context.js';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'project';
}

export function projectRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.post<{ Body: CreateProjectRequest }>(
    '/projects',
    { schema: { body: createProjectSchema } },
    async (request, reply) => {
      const owner = await requirePublisher(store, request);
      const { name, description = '', descriptions } = request.body;
      const id = await store.createProject(
        { name: name.trim(), description, ...(descriptions ? { descriptions } : {}), owner, createdAt: clock() },
        slugify(name),
      );
      const body: CreateProjectResponse = { id, name: name.trim() };
      return reply.status(201).send(body);
    },
  );

  app.get('/projects', async () => ({ projects: await store.listProjects() }));
}
