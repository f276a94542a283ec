"""The subcommands of `kit`, one module each, named after the command; kit.cli.COMMANDS
lists them."""
