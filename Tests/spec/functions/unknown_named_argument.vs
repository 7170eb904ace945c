fn ensure(name, type = "SNAT") { name }
ensure(name: "a", typ: "DNAT")
# expect error: error[argument]: ensure() has no parameter named typ
# expect error: did you mean "type"?
# expect error: its parameters are: name, type
# expect exit: 1
