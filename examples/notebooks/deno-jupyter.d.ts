/**
 * The part of the Deno runtime API the notebooks use, declared for `tsc` (the Deno kernel runs
 * notebook cells without typechecking them; `pnpm notebooks` checks them with this). Taken from
 * `deno types` (Deno 2.x, `Deno.jupyter`).
 */
declare namespace Deno {
  namespace jupyter {
    interface DisplayOptions {
      /** Treat `obj` as a media bundle (mime type → data) instead of a value to format. */
      raw?: boolean;
      update?: boolean;
      display_id?: string;
    }
    interface MediaBundle {
      "text/plain"?: string;
      "text/html"?: string;
      "image/svg+xml"?: string;
      "text/markdown"?: string;
      [key: string]: string | object | undefined;
    }
    const $display: unique symbol;
    interface Displayable {
      [$display]: () => MediaBundle | Promise<MediaBundle>;
    }
    /** Shows a value (or, with `raw: true`, a media bundle) as a cell output. */
    function display(obj: unknown, options?: DisplayOptions): Promise<void>;
    function md(strings: TemplateStringsArray, ...values: unknown[]): Displayable;
    function html(strings: TemplateStringsArray, ...values: unknown[]): Displayable;
    function svg(strings: TemplateStringsArray, ...values: unknown[]): Displayable;
  }
}
