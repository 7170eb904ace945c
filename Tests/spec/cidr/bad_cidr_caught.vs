for text in ["", "/", "1.2.3/8", "1.2.3.4.5/8", "a.b.c.d/8", "10.0.0.0/-1", "10.0.0.0/x", "01.0.0.0/8", "10.0.0.0"] {
    try { cidr(text); print("accepted", text) } catch e { print(e.kind) }
}
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
# expect: value
