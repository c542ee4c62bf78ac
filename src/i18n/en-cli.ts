/**
 * The command line's own tables and summaries in English (the other languages have the same
 * keys): what `plan`, `once`, `history`, `done`, `skip`, `event`, `checks`, `status`, `sync`,
 * `feeds`, `calendars check`, `validate` and `export` print for a director, in the company's
 * language once a configuration is read (cli/cli-language.ts). Errors, warnings and --help stay
 * English. Counts are given as {n}, written as digits as they always were; `count` picks the
 * plural form.
 */
export const enCli = {
  // The table of touches (plan, once); its other columns are the reports' (col.*).
  'cli.col.time': 'time',
  'cli.col.id': 'id',
  'cli.allDay': 'all day',
  'cli.overdue': 'overdue',
  'cli.noTouches': 'No touches in this period.',
  'cli.touches': { one: '{n} touch', other: '{n} touches' },
  'cli.once.heading': '{company}: the next 30 days ({from} to {to})',
  'cli.once.where': 'configuration {config}, database {db}',

  // history: what happened to a touch.
  'cli.noHistory': 'No history yet.',
  'cli.history.planned': 'planned',
  'cli.history.rescheduled': 'rescheduled',
  'cli.history.reassigned': 'reassigned',
  'cli.history.done': 'done',
  'cli.history.skipped': 'skipped',
  'cli.history.cancelled': 'cancelled',
  'cli.history.restored': 'restored',

  // done, skip.
  'cli.done': 'done: {title} ({id}) on {date} by {by}',
  'cli.skipped': 'skipped: {title} ({id}): {note}',
  'cli.closedMissed': {
    one: 'closed as missed: {n} earlier overdue touch with the same people by the same rule, which this made pointless',
    other: 'closed as missed: {n} earlier overdue touches with the same people by the same rule, which this made pointless',
  },
  'cli.withdrawn.overdue': {
    one: 'withdrawn: {n} escalation of an overdue touch now closed',
    other: 'withdrawn: {n} escalations of overdue touches now closed',
  },
  'cli.withdrawn.silence': {
    one: 'withdrawn: {n} alert of the client\'s silence, which this ended',
    other: 'withdrawn: {n} alerts of the client\'s silence, which this ended',
  },

  // event: a business event and its touches.
  'cli.event.recorded': 'event {name} for {client} (ref {ref}) recorded:',
  'cli.event.already': 'event {name} for {client} (ref {ref}) was already recorded; nothing new:',
  'cli.event.dueBy': 'due by {date}',
  'cli.event.daemonNow': 'the daemon is putting it into the calendar now',
  'cli.event.daemonLater': 'the daemon puts it into the calendar at its next sync (within minutes)',
  'cli.event.tokenRefused': 'the daemon refused TOUCHBASE_API_TOKEN ({status}: the token it was started with is another): it puts the touch into the calendar at its next sync (within minutes)',
  'cli.event.noCalendar': 'no calendar to write it to ({employees}: calendar: none): touchbase plan and the dashboard show it',
  'cli.event.inCalendar': 'in the calendar now',
  'cli.event.notYet': 'NOT yet in the calendar — {why}. The touch is recorded; "touchbase sync" (or the daemon) writes it once the calendar takes it.',
  'cli.event.refused': 'the calendar refused the event',
  'cli.event.noAnswer': 'the calendar did not answer ({errors}); it is tried again',
  'cli.event.anError': 'an error',

  // checks: the daily checks run by hand.
  'cli.checks.overdue': 'overdue: {moved} moved forward (the next working days with room), {escalated} escalated',
  'cli.checks.silence': 'silence: {silent}, {alerts}, {escalated} escalated; {cleared} cleared',
  'cli.checks.silentClients': { one: '{n} silent client', other: '{n} silent clients' },
  'cli.checks.newAlerts': { one: '{n} new alert', other: '{n} new alerts' },
  'cli.checks.alerts': { one: '{n} alert', other: '{n} alerts' },
  'cli.checks.cancelled': { one: 'cancelled: {n} open touch no longer in the plan (its rule, campaign or handover no longer applies, or its client is gone)', other: 'cancelled: {n} open touches no longer in the plan (their rule, campaign or handover no longer applies, or their client is gone)' },
  'cli.checks.digest': 'digest: {n} new',
  'cli.checks.next': '"touchbase sync" (or the daemon) puts them into the calendars.',

  // status: the daemon, its jobs, the calendar writes waiting.
  'cli.status.daemons': 'daemons: {live} running on this database, sharing the work{dead}',
  'cli.status.dead': '; {n} DEAD (no heartbeat within their lease)',
  'cli.col.instance': 'instance',
  'cli.col.host': 'host',
  'cli.col.pid': 'pid',
  'cli.col.version': 'version',
  'cli.col.address': 'address',
  'cli.col.started': 'started',
  'cli.col.heartbeat': 'last heartbeat',
  'cli.col.state': 'state',
  'cli.col.calendarsHeld': 'calendars held',
  'cli.status.noHttp': 'no HTTP server',
  'cli.state.running': 'running',
  'cli.state.dead': 'DEAD',
  'cli.status.running': 'daemon: running (pid {pid}, since {since}) at {url}',
  'cli.status.notRunning': 'daemon: not running{stopped}',
  'cli.status.stopped': ' (stopped {at})',
  'cli.status.configRejected': 'configuration: the last change was REJECTED; running on the last valid one:',
  'cli.status.configPending': 'configuration: the files in {dir} changed since the daemon last applied or rejected them, and it has not taken them in (its log says why: a full disk?); once that is put right, `kill -HUP` the daemon to read them again',
  'cli.status.configOk': 'configuration: the daemon applied the last change it read ("touchbase validate" checks the files as they are now)',
  'cli.status.configNoDaemon': 'configuration: no daemon has run on this database yet ("touchbase validate" checks the files)',
  'cli.col.job': 'job',
  'cli.col.schedule': 'schedule',
  'cli.col.lastRun': 'last run',
  'cli.col.result': 'result',
  'cli.col.nextRun': 'next run',
  'cli.col.whatItDid': 'what it did',
  'cli.result.ok': 'ok',
  'cli.result.running': 'running',
  'cli.result.failed': 'failed',
  'cli.result.interrupted': 'interrupted',
  'cli.result.failedTimes': 'FAILED ×{n}',
  'cli.result.stuck': 'STUCK {seconds} s (limit {limit} s)',
  'cli.result.runningFor': 'running {seconds} s',
  'cli.status.writes': 'calendar writes: {pending} waiting ({dueNow} due now), {failed} refused by the calendar (written again when their touch changes)',
  'cli.status.waits': '  {employee}: waits until {until} — {error}',
  'cli.status.nextSync': 'the next sync (tried again at every sync)',
  'cli.status.refused': '  {employee} ({provider}): {n} refused — {error}',
  'cli.status.unread': 'calendars not read: {n} — the moves and deletions made there wait for a read that works (read again at each sync that reads the calendars)',
  'cli.status.readFailed': '  {employee} ({provider}): last read failed {at}{since} — {error}',
  'cli.status.failingSince': ', failing since {since}',
  'cli.status.leftovers': 'events to delete from calendars no longer used (an old address, an employee removed): {n} waiting{lastError} (tried again at the next sync)',
  'cli.status.lastError': ' — last error: {error}',

  // once, after its table, and sync: what the pass recorded and wrote into the calendars.
  'cli.once.recorded': 'recorded: {new} new, {moved} moved, {reassigned} reassigned, {cancelled} cancelled{restored}, {unchanged} unchanged',
  'cli.once.restored': ', {n} restored',
  'cli.once.calendars': 'calendars: {written}{retried}{waiting}, {feeds} in {dir} ("npx touchbase feeds" for their addresses)',
  // "1 events written": what once has always printed.
  'cli.once.written': '{n} events written',
  'cli.once.retried': ', {n} to retry',
  'cli.once.feeds': { one: '{n} iCalendar feed', other: '{n} iCalendar feeds' },
  'cli.writes.held': ', {n} held by a calendar that refused touchbase',
  'cli.writes.slowed': ', {n} waiting for a calendar that asked to slow down',
  'cli.writes.unanswered': ', {n} left for the next sync (their calendar stopped answering)',
  'cli.sync.summary': 'sync {from} to {to}: {changes} changes, {waiting} waiting from before; {done} written, {retried} to retry, {failed} refused{held}{settled} (calendar services: {calls})',
  'cli.sync.settled': ', {n} earlier writes read back',
  'cli.sync.reads': { one: '{n} read', other: '{n} reads' },
  'cli.sync.writes': { one: '{n} write', other: '{n} writes' },
  'cli.sync.callsFailed': '; {calls} failed',
  'cli.sync.and': ' and ',
  'cli.sync.reconciled': '  in the calendars: {moved} events moved by employees (touches rescheduled), {deleted} deleted (touches skipped)',
  'cli.sync.addressChanged': '  {employee}: calendar address changed from {from}: its {n} events are written at the new address; each at the old one is deleted there once written at the new',
  'cli.sync.gone': '  gone from the configuration: {employees} — their {n} events leave their calendars (deleted from Google or Outlook, cancelled in the feed)',
  // sync --dry-run.
  'cli.sync.alreadyWaiting': '{n} operations are already waiting in the outbox (a retry, or a paused employee).',
  'cli.sync.nothing': 'Nothing to change: every calendar has what the plan asks of it, as touchbase last wrote and read it (a dry run reads no calendar: what employees moved or deleted since, the next sync takes in).',
  'cli.col.operation': 'operation',
  'cli.col.calendar': 'calendar',
  'cli.col.entry': 'entry',
  'cli.op.read': 'read',
  'cli.op.create': 'create',
  'cli.op.update': 'update',
  'cli.op.delete': 'delete',

  // feeds.
  'cli.col.name': 'name',
  'cli.col.feedUrl': 'feed URL',
  'cli.col.file': 'file',
  'cli.feeds.none': 'No employee uses the iCalendar feed (calendar: ics).',
  'cli.feeds.serving': 'serving the feeds at {url}/feeds/… (Ctrl-C to stop)',

  // calendars check: one line per employee; the calendar's own reason is shown as it gave it.
  'cli.check.none': 'not synced (calendar: none)',
  'cli.check.notConfigured': 'NOT CONFIGURED: {hint}',
  'cli.check.ok': 'ok: read and write',
  'cli.check.failed': 'FAILED ({code}): {message}',

  // validate: its summary (the errors and warnings themselves stay English).
  'cli.validate.valid': '{dir}: valid — {employees}, {clients}, {contacts}, {rules}, {campaigns}, {holidays}, {handovers}, {triggers}',
  'cli.validate.employees': { one: '{n} employee', other: '{n} employees' },
  'cli.validate.clients': { one: '{n} client', other: '{n} clients' },
  'cli.validate.contacts': { one: '{n} contact', other: '{n} contacts' },
  'cli.validate.rules': { one: '{n} rule', other: '{n} rules' },
  'cli.validate.campaigns': { one: '{n} campaign', other: '{n} campaigns' },
  'cli.validate.holidays': { one: '{n} holiday', other: '{n} holidays' },
  'cli.validate.handovers': { one: '{n} handover', other: '{n} handovers' },
  'cli.validate.triggers': { one: '{n} trigger', other: '{n} triggers' },
  'cli.validate.readAs': '{file}: read as {encoding}',
  'cli.validate.withBom': '{encoding} (with BOM)',
  'cli.validate.warnings': { one: '{n} warning:', other: '{n} warnings:' },

  // export, to a file (its tables are named as in the file).
  'cli.export.done': 'exported {rows}{tables}{to}',
  'cli.export.rows': { one: '{n} row', other: '{n} rows' },
  'cli.export.to': ' to {target}{secrets}',
  'cli.export.secrets': ' (0600: it holds the link and feed secrets)',
} as const;
