print("a\tb")  # expect: a	b
print("quote \" and backslash \\")  # expect: quote " and backslash \
print("dollar \${not interpolated}")  # expect: dollar ${not interpolated}
print("snow \u{2603}")  # expect: snow ☃
print("line1\nline2")
# expect: line1
# expect: line2
print(len("\n\t\\"))  # expect: 3
print("it's")  # expect: it's
