// The webserver service alone: a thin composition root over @osprey/services.
import { locateUiDir, runService } from '@osprey/services/cli';

// The web UI's build: OSPREY_UI_DIR, or apps/ui/dist above this file (the repository, or /app in the image).
await runService('webserver', { uiDir: locateUiDir(import.meta.url) });
