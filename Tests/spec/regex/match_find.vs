# re.match checks the whole text; re.find looks anywhere.
print(re.match("[a-z0-9-]+", "gw-capvcd") != nil, re.match("[a-z0-9-]+", "gw capvcd"), re.match("a|ab", "ab").text)  # expect: true nil ab
let m = re.find('v(\d+)\.(\d+)(\.\d+)?', "kubernetes v1.22 on ubuntu")
print(m.text, m.start, m.end, m.groups)  # expect: v1.22 11 16 ["1", "22", nil]
let n = re.find('(?<major>\d+)\.(?<minor>\d+)', "é 10.4")
print(n.named.major, n.named.minor, n.start)  # expect: 10 4 2
print(re.find("(?i)EDGE", "the edge gateway").text, re.find("x", "abc"))  # expect: edge nil
