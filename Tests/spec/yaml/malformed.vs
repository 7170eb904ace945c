yaml.decode("a: [1, 2\nb: c")
# expect error: error[value]: invalid YAML
