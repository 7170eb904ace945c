yaml.decode("a:\n  b: 1\n c: 2\n")
# expect error: invalid YAML
# expect error: check the indentation and the colons
