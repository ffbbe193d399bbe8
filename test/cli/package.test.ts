/** The package says what it is and where it lives: an MIT LICENSE file matching its license field, and its repository. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';

const manifest = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { license: string; repository?: { type: string; url: string }; bugs?: { url: string }; homepage?: string };

describe('package metadata', () => {
  it('ships an MIT LICENSE that matches the license field', () => {
    const license = readFileSync(`${ROOT}/LICENSE`, 'utf8');
    expect(manifest.license).toBe('MIT');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toContain('Copyright (c) 2026 delivery-sim contributors');
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('names its git repository, and the issues and home pages on it', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/delivery-sim/delivery-sim.git' });
    const base = manifest.repository?.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(manifest.bugs?.url).toBe(`${base}/issues`);
    expect(manifest.homepage).toBe(`${base}#readme`);
  });
});
