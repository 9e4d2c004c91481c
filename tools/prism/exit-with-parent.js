// Preloaded into Prism by `cargo xtask contract` (NODE_OPTIONS=--require=...): Prism exits as
// soon as the process that started it is gone, so even an xtask that was killed outright (no
// destructors run) leaves no mock server behind.
'use strict';
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 250).unref();
