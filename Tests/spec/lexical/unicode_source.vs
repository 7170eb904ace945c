# UTF-8 in strings and comments: ünïcödé ✓
let s = "grüße ✓"
print(s)  # expect: grüße ✓
print(len(s))  # expect: 7
