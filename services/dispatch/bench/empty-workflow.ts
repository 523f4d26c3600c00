// The yardstick of the dispatch benchmark: a workflow that does nothing.
export async function emptyWorkflow(): Promise<void> {
  return;
}
