import { defineProject } from 'vitest/config';
import { workspaceProject } from '../../vitest.shared.js';

export default defineProject(workspaceProject('cli'));
