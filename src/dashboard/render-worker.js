// Entry of the dashboard renderer's worker thread: registers tsx (the sources are TypeScript),
// as the job process's entry does, then runs the renderer. See page-renderer.ts.
import { register } from 'tsx/esm/api';

register();
await import('./render-worker-main.ts');
