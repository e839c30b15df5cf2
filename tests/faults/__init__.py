"""Fault-injection tests: the integration under every way a real line fails."""
