// The page's Web Worker. It loads the page's own module (its URLs come in the first message);
// started outside a window, the module runs the engine instead of the page and answers the
// page's inspection requests (src/ui/worker.rs). Nothing here touches the network beyond
// those two files of the page.
self.onmessage = async (event) => {
  self.onmessage = null;
  const { js, wasm } = event.data;
  const glue = await import(js);
  await glue.default({ module_or_path: wasm });
};
