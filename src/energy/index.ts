// Filled in by the energy feature; exported from the package root.
export {};
