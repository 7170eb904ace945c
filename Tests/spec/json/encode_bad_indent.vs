try { json.encode([1], indent: -1) } catch e { print(e.message) }  # expect: json.encode(): indent must be between 0 and 16, not -1
json.encode([1], indent: 1000000)
# expect error: indent must be between 0 and 16, not 1000000
