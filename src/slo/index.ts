// Filled in by the slo feature; exported from the package root.
export {};
