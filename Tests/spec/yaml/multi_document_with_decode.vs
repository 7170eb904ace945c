yaml.decode("a: 1\n---\nb: 2\n")
# expect error: the YAML text has 2 documents
# expect error: use yaml.decodeAll for multi-document files
