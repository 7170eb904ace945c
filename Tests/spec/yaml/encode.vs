print(yaml.encode({name: "lab", count: 2, tags: ["a", "b"], on: true, none: nil}).trim())
# expect: name: lab
# expect: count: 2
# expect: tags:
# expect: - a
# expect: - b
# expect: "on": true
# expect: none: null
