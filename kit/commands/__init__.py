"""Subcommands of `kit` beyond demo, summary and breakdown: one module each, found here.

A module in this package defines `register(subparsers)`, which adds its parser and sets
`func` to a handler taking the parsed arguments and returning an exit code. Handlers
import their heavy dependencies inside, so that `kit --help` stays fast.
"""
