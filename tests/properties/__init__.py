"""Property-based tests that cross the packages: model files, feature series."""
