yaml.decode("[" * 100000 + "]" * 100000)
# expect error: invalid YAML
# expect error: Maximum nesting level reached
