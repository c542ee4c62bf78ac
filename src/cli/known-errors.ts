/**
 * Errors the command line reports without a stack, in modules of their own: the CLI's error
 * handling must not load the libraries of the code that throws them (Google's, Microsoft's,
 * SQLite's) just to recognise them.
 */

/** A calendar connection that is set up wrongly: names the variable and what is expected. */
export class CalendarSetupError extends Error {}

/** No touch has the id (or prefix) given. */
export class TouchNotFoundError extends Error {}

/** The touch is not in a state that allows what was asked (already done, skipped, cancelled). */
export class TouchStateError extends Error {}

/** Another daemon holds the database. */
export class DaemonAlreadyRunningError extends Error {}
