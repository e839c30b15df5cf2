"""Hold one module a linky-activity subcommand."""
