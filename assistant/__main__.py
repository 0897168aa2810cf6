"""`python -m assistant`: kept as a launcher of the command line, which lives above this package
(`cli`): this module is run, never imported, so the package itself does not depend on the CLI."""

import runpy

runpy.run_module("cli", run_name="__main__", alter_sys=True)
