/** The migrated database each test's PostgreSQL database is copied from (postgres-server.ts makes it, test-backend.ts copies it). */
export const TEMPLATE_DATABASE = 'touchbase_template';
