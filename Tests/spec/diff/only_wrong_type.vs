print(diff({a: 1}, {a: 2}, only: "a"))
# expect error: diff(): only must be a list of field names, not string
