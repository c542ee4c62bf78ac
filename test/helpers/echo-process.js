// A child process that sends back every message it gets: what crosses a process boundary
// arrives as it was sent (or not). Exits when its parent disconnects.
process.on('message', (m) => process.send(m));
process.on('disconnect', () => process.exit(0));
