"""The minimal scripts the whole-process benchmarks compare the CLI with: each does the same
requests as one CLI command with nothing but httpx, and prints (or writes) the same kind of result.
They are what a user could write in ten lines instead of installing the SDK."""
