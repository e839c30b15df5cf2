"""Test the Home Assistant face of the integration in a real Home Assistant."""
