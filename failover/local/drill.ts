/** `npm run drill`: the scripted drill with the default thresholds; last line = the figures. */
import { formatDrill, runDrill } from './run-drill.js';

process.stdout.write(`${formatDrill(await runDrill({ baselineMs: 8000 }))}\n`);
