"""Low-level input and output: exact YAML, validation messages with file and line, the bundled
data files, finding the config, exact JSON."""
