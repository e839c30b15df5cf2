"""Privacy and security tests: no identifier in clear, no network, data only."""
