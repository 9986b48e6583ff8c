import path from 'node:path';

/** The repository root, whether running from source (tsx, jest) or from the compiled dist/ folder. */
export const PROJECT_ROOT = path.resolve(__dirname, __dirname.split(path.sep).includes('dist') ? '../../..' : '../..');
export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'web', 'public');
