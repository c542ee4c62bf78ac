import type { DB } from '../storage/database.ts';
import type { PageRequest, PageResponse } from './page-types.ts';
import { pageContext, errorPage } from './pages/context.ts';
import { overviewPage } from './pages/overview.ts';
import { clientsCsv, clientsPage } from './pages/clients.ts';
import { clientMapCsv, clientPage, clientPlannedCsv, clientTimelineCsv } from './pages/client.ts';
import { employeeLoadCsv, employeePage, employeesPage } from './pages/employees.ts';
import { campaignsPage } from './pages/campaigns.ts';
import { reportCsvDownload, reportPage, reportsIndex } from './pages/reports.ts';
import type { RenderCache } from './render-cache.ts';

function decoded(part: string | undefined): string | undefined {
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** Renders one dashboard page or CSV from the read-only database (runs in the renderer's worker thread). */
export async function renderPage(db: DB, req: PageRequest, cache: RenderCache): Promise<PageResponse> {
  const ctx = await pageContext(db, req, cache);
  const parts = req.path.split('/').filter(Boolean);
  const [section, id, sub] = [parts[0] ?? '', decoded(parts[1]), parts[2]];
  if (parts.length > 3 || (parts[1] !== undefined && id === undefined)) return errorPage(ctx, 404);
  switch (section) {
    case '': return overviewPage(ctx);
    case 'clients':
      if (id === undefined) return clientsPage(ctx);
      if (sub === undefined) return clientPage(ctx, id);
      if (sub === 'map.csv') return clientMapCsv(ctx, id);
      if (sub === 'timeline.csv') return clientTimelineCsv(ctx, id);
      if (sub === 'planned.csv') return clientPlannedCsv(ctx, id);
      break;
    case 'clients.csv': if (id === undefined) return clientsCsv(ctx); break;
    case 'employees':
      if (id === undefined) return req.viewer.director ? employeesPage(ctx) : employeePage(ctx, req.viewer.id);
      if (sub === undefined) return employeePage(ctx, id);
      if (sub === 'load.csv') return employeeLoadCsv(ctx, id);
      break;
    case 'campaigns': if (id === undefined) return campaignsPage(ctx); break;
    case 'reports':
      if (id === undefined) return reportsIndex(ctx);
      if (sub !== undefined) break;
      return id.endsWith('.csv') ? reportCsvDownload(ctx, id.slice(0, -4)) : reportPage(ctx, id);
  }
  return errorPage(ctx, 404);
}
