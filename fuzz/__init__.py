"""Coverage-guided fuzz targets (atheris), one module per input the terminal or the central parses.

Each target is run as `python -m fuzz.<name> [libFuzzer flags] CORPUS_DIR`, usually through
`bench/fuzz.py`, which runs each in its own process for a fixed time and reads atheris' figures.
The property is the same for all of them (`fuzz.harness.refused_or_result`): the code under test
either returns a result or refuses with the project's own bilingual error; any other exception,
a hang (libFuzzer's -timeout) or a crash of the process is a finding, and every finding becomes a
regression test with the crashing input as a literal (docs/faults.md).
"""
