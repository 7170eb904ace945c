for text in ["", "{", "[1,]", "tru", "{\"a\" 1}", "01x", "\"\\u12\"", "[" * 600] {
    try { json.decode(text); print("decoded?", text) } catch e { print(e.kind) }
}
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
