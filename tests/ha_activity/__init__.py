"""Test the activity side of the integration inside a real Home Assistant."""
