"""Build, evaluate and export the activity model; the linky-activity tools."""
