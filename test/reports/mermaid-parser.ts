/**
 * The real mermaid parser, run under a DOM shim (happy-dom): mermaid's sequence-diagram grammar decides
 * whether a block is valid, not our own string checks. Loaded once per test file (it takes about a second).
 */
import { Window } from 'happy-dom';

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<{ diagramType: string }>;
}

let loading: Promise<MermaidApi> | undefined;

function loadMermaid(): Promise<MermaidApi> {
  loading ??= (async () => {
    const window = new Window();
    const globals = globalThis as Record<string, unknown>;
    // mermaid looks these up on the global object when it is imported (DOMPurify, its sanitizer, needs a window).
    globals.window ??= window;
    globals.document ??= window.document;
    globals.DOMParser ??= window.DOMParser;
    globals.Element ??= window.Element;
    const module = (await import('mermaid')) as unknown as { default: MermaidApi };
    module.default.initialize({ startOnLoad: false, securityLevel: 'strict' });
    return module.default;
  })();
  return loading;
}

/** Resolves to the diagram type when mermaid accepts the text; rejects with mermaid's own parse error. */
export async function parseMermaid(text: string): Promise<string> {
  const mermaid = await loadMermaid();
  const result = await mermaid.parse(text);
  return result.diagramType;
}

/** Every ```mermaid block of a markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})mermaid\n([\s\S]*?)\n\1$/gm)].map((match) => match[2]);
}
