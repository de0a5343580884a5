// The browser of the UI tests: Debian's `chromium` package, installed with apt once per machine and driven by
// playwright-core through its executable path (Playwright's own browser downloads are not used). A browser is
// not a server, so this is not in scripts/servers/: the UI specs call it themselves and fail if it cannot install.
import { existsSync } from 'node:fs';
import { ensureDebianPackage } from './servers/_debian.mjs';

const LAUNCHER = '/usr/bin/chromium';
// The launcher is a shell script; its binary starts faster and without the script's environment checks.
const BINARY = '/usr/lib/chromium/chromium';

/**
 * Makes sure Chromium is installed and returns the path of its executable.
 * `OSPREY_CHROMIUM` names another executable (a Chrome or Chromium installed elsewhere) and skips apt.
 */
export function ensureChromium({ log = () => {} } = {}) {
  const override = process.env.OSPREY_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`OSPREY_CHROMIUM=${override}: no such file`);
    return override;
  }
  ensureDebianPackage('chromium', LAUNCHER, log);
  return existsSync(BINARY) ? BINARY : LAUNCHER;
}
