# Interpolation, join and len build and measure text byte by byte: the edges of that.
let long = "x" * 300
let t = "${long}-${long}"
print(len(t), t.count, t[299], t[300], t[301])  # expect: 601 601 x - x
print("${0} ${7} ${-42} ${10 * 100}")  # expect: 0 7 -42 1000
let smallest = -9223372036854775807 - 1
print("${smallest}|${9223372036854775807}")  # expect: -9223372036854775808|9223372036854775807
print("héllo ${"wörld"} ${1.5} ${nil} ${[1, "a"]}")  # expect: héllo wörld 1.5 nil [1, "a"]
print("${""}${""}" == "", "${"a"}${""}")  # expect: true a
print(len("héllo"), len("👍🏽"), len("a\r\nb"), len("1234567\r\n"), len("12345678\r\n"), len(""), "".count)  # expect: 5 1 3 8 9 0 0
print(len("\r\r\n\n"), len("abcdefghijklmnopqrstuvwxyz"), "abcdefgh\r\nijklmnop".count)  # expect: 3 26 17
print(",".join(["", "", ""]), "|".join([]), "-".join(["a"]), "→".join(["a", "b"]))  # expect: ,,  a a→b
print(", ".join(["a", [1, 2], {k: "v"}, nil, 2.5]))  # expect: a, [1, 2], {k: "v"}, nil, 2.5
print("".join(["ab", "cd"]), ["x", 1].join(""))  # expect: abcd x1
print("é".padRight(3, ".") + "|", len("a\r\n".padLeft(3, "*")))  # expect: é..| 3
