defer { print("script end") }
print("body")
# expect: body
# expect: script end
