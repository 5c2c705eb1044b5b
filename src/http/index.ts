// Filled in by the http feature; exported from the package root.
export {};
