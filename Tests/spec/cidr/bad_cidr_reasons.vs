# cidr() says what is wrong with its text, and never crashes on it.
for text in ["300.1.1.1/24", "10.0.0.0/33", "10.0.0.1", "01.0.0.0/8", "a.b.c.d/8", "1.2.3/8", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/", ""] {
    try { cidr(text); print("accepted", text) } catch e { print(e.kind, e.message) }
}
# expect: value "300.1.1.1/24" is not a network in CIDR notation: 300 is more than 255
# expect: value "10.0.0.0/33" is not a network in CIDR notation: the prefix length 33 is more than 32
# expect: value "10.0.0.1" is not a network in CIDR notation: the /prefix length is missing
# expect: value "01.0.0.0/8" is not a network in CIDR notation: 01 has a leading zero
# expect: value "a.b.c.d/8" is not a network in CIDR notation: a is not a number
# expect: value "1.2.3/8" is not a network in CIDR notation: 1.2.3 has 3 parts, not 4 (a.b.c.d)
# expect: value "10.0.0.0/8/8" is not a network in CIDR notation: it has more than one /
# expect: value "10.0.0.0/x" is not a network in CIDR notation: the prefix length x is not a number from 0 to 32
# expect: value "10.0.0.0/" is not a network in CIDR notation: the prefix length after / is empty
# expect: value "" is not a network in CIDR notation: it is empty
