// Filled in by the rate-limit feature; exported from the package root.
export {};
