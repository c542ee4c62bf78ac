// Entry of the thread that loads a first plan, when run from the sources (tests): registers tsx
// (the sources are TypeScript), as the dashboard renderer's entry does. See first-plan-loader.ts.
import { register } from 'tsx/esm/api';

register();
await import('./first-plan-load-worker-main.ts');
