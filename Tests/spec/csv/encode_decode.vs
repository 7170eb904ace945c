# Maps become columns (keys in order of appearance); fields holding a comma, a quote or an
# outer space are quoted; decode gives the maps back, fields as strings.
let rows = [{name: "gw-1", ip: "203.0.113.10", note: "says \"hi\", twice"}, {name: "gw 2 ", ip: nil, ports: 2}]
let text = csv.encode(rows)
for line in text.trimEnd().lines() { print(line) }
# expect: name,ip,note,ports
# expect: gw-1,203.0.113.10,"says ""hi"", twice",
# expect: "gw 2 ",,,2
let back = csv.decode(text)
print(back[0].note, back[1].name + "|", back[1].ports, len(back))  # expect: says "hi", twice gw 2 | 2 2
print(repr(csv.encode([[1, "a,b"], [2, "line\nbreak"]], header: ["n", "v"])))  # expect: "n,v\n1,\"a,b\"\n2,\"line\nbreak\"\n"
print(csv.decode("n,v\r\n1,\"a,b\"\r\n\r\n2,\"line\nbreak\"\r\n")[1].v.lines())  # expect: ["line", "break"]
print(csv.decode("a;b\n1;2\n", header: false, delimiter: ";"), csv.decode(""), repr(csv.encode([])))  # expect: [["a", "b"], ["1", "2"]] [] ""
print(repr(csv.encode([{a: 1, b: 2}], header: ["b"])), csv.decode("x\n\"\"\n")[0].x == "")  # expect: "b\n2\n" true
